import Analysis
import Formats
import Foundation
import Graph
import Models
import Runtime
import TensorCore
// Variants (a zoo base plus overrides) against their reference constructors: module tree, keys and shapes (digest of
// the module lines), params, MACs, state_dict entries and seeded logits (fixtures: scripts/make_variant_fixtures.py).
import TestSupport
import XCTest

final class VariantTests: XCTestCase {
  private struct Manifest: Decodable {
    struct Entry: Decodable {
      var model: String
      var settings: [String]
      var input_size: Int
      var modules: Int
      var digest: String
      var params: Int
      var macs: Int
      var state_dict_entries: Int
      var exec_size: Int
      /// Whether the weights have random BN statistics (`--test-stats`); false where float32 itself is chaotic.
      var test_stats: Bool
      var logits: String
    }
    var weight_seed: UInt64
    var input_seed: UInt64
    var variants: [String: Entry]
  }

  private func manifest() throws -> Manifest {
    try JSONDecoder().decode(Manifest.self, from: try Fixtures.data("variants/manifest.json"))
  }

  /// At least 25 variants, every base row of the key table and every preset among them.
  func testFixturesSpanEveryBaseAndPreset() throws {
    let entries = try manifest().variants
    XCTAssertGreaterThanOrEqual(entries.count, 25)
    let bases = Set(entries.values.map { try? Zoo.model(named: $0.model) }.compactMap { $0?.preset?.base ?? $0?.name })
    for required in [
      "resnet18", "resnet34", "resnet50", "densenet121", "densenet169", "densenet_bc_100", "senet18",
      "seresnet50", "skresnet18", "skresnet34", "skresnext50_32x4d", "sknet_cifar", "resnest14d", "resnest26d",
      "resnest50d", "resnest101e",
    ] {
      XCTAssertTrue(bases.contains(required), "no variant of \(required)")
    }
    for preset in Zoo.models where preset.preset != nil {
      XCTAssertNotNil(entries[preset.name], "no fixture for preset \(preset.name)")
    }
  }

  func testTreesKeysShapesParamsAndMACsMatchTheReferenceConstructors() throws {
    for (name, entry) in try manifest().variants.sorted(by: { $0.key < $1.key }) {
      let spec = try ModelSpec(named: entry.model, settings: entry.settings)
      let network = spec.build()
      let lines = try ReferenceTreeTests.moduleLines(network, inputShape: [2, 3, entry.input_size, entry.input_size])
      XCTAssertEqual(lines.count, entry.modules, "\(name): module count")
      let digest = String(ReferenceTreeTests.fnv1a64(Array((lines.joined(separator: "\n") + "\n").utf8)), radix: 16)
      XCTAssertEqual(String(repeating: "0", count: 16 - digest.count) + digest, entry.digest, "\(name): module lines")
      let analysis = try spec.analyze(network, inputShape: [1, 3, entry.input_size, entry.input_size])
      XCTAssertEqual(analysis.totalParams, entry.params, "\(name) params")
      XCTAssertEqual(analysis.totalMACs, entry.macs, "\(name) MACs")
      XCTAssertEqual(network.root.stateDict().count, entry.state_dict_entries, "\(name) state_dict entries")
      XCTAssertEqual(analysis.outputShape, [1, spec.numClasses], name)
    }
  }

  /// Logits of the seeded weights (what `export-weights BASE --set …` writes) within 1e-4 · max|logit| of PyTorch's,
  /// the tolerance of ExecutorExactnessTests.
  func testLogitsMatchTheReferenceConstructors() throws {
    let manifest = try manifest()
    for (name, entry) in manifest.variants.sorted(by: { $0.key < $1.key }) {
      let spec = try ModelSpec(named: entry.model, settings: entry.settings)
      let executor = try Executor(network: spec.build())
      try executor.setSeededWeights(seed: manifest.weight_seed, testStatistics: entry.test_stats)
      let shape = [1, 3, entry.exec_size, entry.exec_size]
      try executor.setInput(try Tensor(shape: shape, data: WeightInit.input(seed: manifest.input_seed, shape: shape)))
      try executor.runToEnd()
      let got = try XCTUnwrap(executor.output, name).array
      let want = try NPYArray.read(path: Fixtures.path("variants/" + entry.logits)).values
      XCTAssertEqual(got.count, want.count, name)
      let scale = want.map { abs($0) }.max() ?? 0
      let diff = zip(got, want).map { abs($0 - $1) }.max() ?? 0
      XCTAssertLessThanOrEqual(diff, 1e-4 * scale, "\(name): max diff \(diff), max |ref| \(scale)")
    }
  }

  /// A preset is its base plus its overrides: same tree as the base with the same settings.
  func testPresetsEqualTheirBasePlusOverrides() throws {
    for preset in Zoo.models {
      guard let info = preset.preset else { continue }
      let viaBase = try ModelSpec(base: try Zoo.model(named: info.base), overrides: info.overrides)
      XCTAssertEqual(
        try ReferenceTreeTests.moduleLines(viaBase.build(), inputShape: [1, 3, 64, 64]),
        try ReferenceTreeTests.moduleLines(preset.build(), inputShape: [1, 3, 64, 64]), preset.name)
    }
  }
}
