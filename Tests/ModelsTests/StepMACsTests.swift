import Analysis
import Models
import XCTest

/// `Analysis.macs(of:)` splits a model's MACs over its forward steps (what `bench --per-block` divides by).
final class StepMACsTests: XCTestCase {
  func testStepsAddUpToTheTotalForEveryModel() throws {
    for model in Zoo.models {
      let network = model.build()
      let analysis = try Analysis(network: network, inputShape: model.inputShape())
      let perStep = network.steps.map { analysis.macs(of: $0) }
      XCTAssertEqual(perStep.reduce(0, +), analysis.totalMACs, model.name)
      XCTAssertTrue(perStep.dropLast().allSatisfy { $0 > 0 }, "\(model.name): a step without MACs")
    }
  }

  func testResNet50Blocks() throws {
    let model = try Zoo.model(named: "resnet50")
    let network = model.build()
    let analysis = try Analysis(network: network, inputShape: model.inputShape())
    let byName = Dictionary(uniqueKeysWithValues: network.steps.map { ($0.name, analysis.macs(of: $0)) })
    // conv1: 64·112·112·3·7·7; head: fc 2048·1000.
    XCTAssertEqual(byName["stem"], 118_013_952)
    XCTAssertEqual(byName["head"], 2_048_000)
    XCTAssertEqual(byName["layer1.1"], analysis.node("layer1.1")?.macs)
  }
}
