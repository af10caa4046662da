// Seeded weight initialisation: fixed streams, per-key independence, and the documented roles.
import Formats
import Runtime
import TensorCore
import XCTest

final class WeightInitTests: XCTestCase {
  private let specs = [
    ParameterSpec(key: "conv1.weight", shape: [8, 3, 3, 3]),
    ParameterSpec(key: "bn1.weight", shape: [8]),
    ParameterSpec(key: "bn1.bias", shape: [8]),
    ParameterSpec(key: "bn1.running_mean", shape: [8]),
    ParameterSpec(key: "bn1.running_var", shape: [8]),
    ParameterSpec(key: "bn1.num_batches_tracked", shape: [], isCounter: true),
    ParameterSpec(key: "se.fc1.weight", shape: [2, 8, 1, 1]),
    ParameterSpec(key: "se.fc1.bias", shape: [2]),
    ParameterSpec(key: "fc.weight", shape: [10, 8]),
    ParameterSpec(key: "fc.bias", shape: [10]),
  ]

  func testStreamsAreTheCoreGeneratorSeededByKey() {
    // FNV-1a-64 reference values: "" is the offset basis, "a" hashes to 0xaf63dc4c8601ec8c.
    XCTAssertEqual(WeightInit.streamSeed(0, key: ""), 0xcbf2_9ce4_8422_2325)
    XCTAssertEqual(WeightInit.streamSeed(0, key: "a"), 0xaf63_dc4c_8601_ec8c)
    XCTAssertEqual(WeightInit.streamSeed(0xaf63_dc4c_8601_ec8c, key: "a"), 0)
    var g = SeededGenerator(seed: WeightInit.streamSeed(9, key: "x.weight"))
    let want = (0..<5).map { _ in -1 + 2 * g.nextUniform() }
    XCTAssertEqual(WeightInit.uniform(seed: 9, key: "x.weight", count: 5, low: -1, high: 1), want)
    XCTAssertEqual(
      WeightInit.input(seed: 9, shape: [1, 1, 2, 2]),
      WeightInit.uniform(seed: 9, key: "input", count: 4, low: -2, high: 2))
  }

  func testSameSeedSameWeightsAndKeysAreIndependent() throws {
    let a = WeightInit.stateDict(specs: specs, seed: 7)
    XCTAssertEqual(a, WeightInit.stateDict(specs: specs, seed: 7))
    XCTAssertNotEqual(a["conv1.weight"], WeightInit.stateDict(specs: specs, seed: 8)["conv1.weight"])
    // Reordering or dropping other tensors changes nothing.
    let reordered = WeightInit.stateDict(specs: specs.reversed().filter { $0.key != "fc.weight" }, seed: 7)
    XCTAssertEqual(reordered["conv1.weight"], a["conv1.weight"])
    XCTAssertEqual(reordered["se.fc1.weight"], a["se.fc1.weight"])
    XCTAssertEqual(a.tensors.map(\.name), specs.map(\.key))
    XCTAssertEqual(a.metadata.first { $0.0 == "convscope_seed" }?.1, "7")
  }

  func testRolesFollowTheDocumentedScheme() throws {
    let w = WeightInit.stateDict(specs: specs, seed: 3)
    XCTAssertEqual(w["bn1.weight"]?.floats, .init(repeating: 1, count: 8))
    XCTAssertEqual(w["bn1.bias"]?.floats, .init(repeating: 0, count: 8))
    XCTAssertEqual(w["bn1.running_mean"]?.floats, .init(repeating: 0, count: 8))
    XCTAssertEqual(w["bn1.running_var"]?.floats, .init(repeating: 1, count: 8))
    XCTAssertEqual(w["bn1.num_batches_tracked"], StoredTensor(shape: [], int64s: [0]))
    func within(_ key: String, _ bound: Float) throws {
      let values = try XCTUnwrap(w[key]?.floats)
      XCTAssertTrue(values.allSatisfy { abs($0) <= bound }, key)
      XCTAssertGreaterThan(values.map { abs($0) }.max() ?? 0, bound * 0.5, key)
      XCTAssertEqual(Set(values).count, values.count, "\(key) values distinct")
    }
    try within("conv1.weight", (Float(3) / 27).squareRoot())
    try within("se.fc1.weight", (Float(3) / 8).squareRoot())
    try within("se.fc1.bias", 1 / Float(8).squareRoot())
    try within("fc.weight", 1 / Float(8).squareRoot())
    try within("fc.bias", 1 / Float(8).squareRoot())
    // The first conv value is U(−b, b) from the key's stream, computed exactly as documented.
    var g = SeededGenerator(seed: WeightInit.streamSeed(3, key: "conv1.weight"))
    let bound = (Float(3) / 27).squareRoot()
    XCTAssertEqual(w["conv1.weight"]?.floats?.first, -bound + (bound + bound) * g.nextUniform())
  }

  func testTestStatisticsMakeBatchNormNonTrivial() throws {
    let w = WeightInit.stateDict(specs: specs, seed: 3, testStatistics: true)
    let plain = WeightInit.stateDict(specs: specs, seed: 3)
    XCTAssertEqual(w["conv1.weight"], plain["conv1.weight"], "only BN changes")
    let gamma = try XCTUnwrap(w["bn1.weight"]?.floats)
    let beta = try XCTUnwrap(w["bn1.bias"]?.floats)
    let mean = try XCTUnwrap(w["bn1.running_mean"]?.floats)
    let variance = try XCTUnwrap(w["bn1.running_var"]?.floats)
    XCTAssertTrue(gamma.allSatisfy { (0.5..<1.5).contains($0) } && Set(gamma).count == 8)
    XCTAssertTrue(beta.allSatisfy { (-0.2..<0.2).contains($0) } && Set(beta).count == 8)
    XCTAssertTrue(mean.allSatisfy { (-0.2..<0.2).contains($0) } && Set(mean).count == 8)
    XCTAssertTrue(variance.allSatisfy { (0.5..<1.5).contains($0) } && Set(variance).count == 8)
  }
}
