import Explorer
import Foundation
import Models
import Runtime
import Session
import TestSupport
import XCTest

/// Which weights a model shown in the explorer gets: the given file when it fits the model's state dict exactly.
final class SessionFactoryTests: XCTestCase {
  func testAWeightsFileFollowsEveryModelItFits() throws {
    let directory = try Fixtures.scratchDirectory()
    let path = directory + "/resnext.safetensors"
    let given = try ModelSpec(named: "resnext50_32x4d")
    let specs = given.build().root.parameterSpecs
    try WeightInit.stateDict(specs: specs, seed: 1).write(path: path)
    let factory = SessionFactory(given: given, source: SessionSource(weightsPath: path, seed: 0))
    let input = InputChoice(batch: 1, size: 32)
    XCTAssertEqual(factory.session(for: given, input: input).source.weightsPath, path)
    let variant = try ModelSpec(named: "resnet50", settings: ["groups=32", "width_per_group=4"])
    XCTAssertEqual(factory.session(for: variant, input: input).source.weightsPath, path, "same keys and shapes")
    let other = try ModelSpec(named: "resnet50", settings: ["groups=32", "width_per_group=8"])
    XCTAssertNil(factory.session(for: other, input: input).source.weightsPath, "other shapes: seeded")
    XCTAssertNil(factory.session(for: try ModelSpec(named: "resnet18"), input: input).source.weightsPath)
  }
}
