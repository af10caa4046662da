// Interventions against PyTorch forward hooks (scripts/make_ablation_fixtures.py): a block's branch or shortcut
// off, plain mode, SE gates 1, SK and split-attention weights fixed, dense layers off — on every family.
import Formats
import Foundation
import Models
import Runtime
import TensorCore
import TestSupport
import XCTest

final class InterventionTests: XCTestCase {
  private struct Manifest: Decodable {
    struct Case: Decodable {
      var model: String
      var input_size: Int
      var ablate: [String]
      var plain: Bool
      var logits: String
    }
    var weight_seed: UInt64
    var input_seed: UInt64
    var batch: Int
    var cases: [Case]
  }

  private func manifest() throws -> Manifest {
    try JSONDecoder().decode(Manifest.self, from: Fixtures.data("ablate/manifest.json"))
  }

  /// The executor of `name` with the fixtures' seeded weights and input.
  private func executor(_ name: String, size: Int, _ manifest: Manifest) throws -> Executor {
    let executor = try Executor(network: try Zoo.model(named: name).build())
    try executor.setSeededWeights(seed: manifest.weight_seed, testStatistics: true)
    let shape = [manifest.batch, 3, size, size]
    try executor.setInput(try Tensor(shape: shape, data: WeightInit.input(seed: manifest.input_seed, shape: shape)))
    return executor
  }

  /// max |a − b| ≤ 1e-4 · max |b|, the bound of the executor's exactness tests (float32 sums in another order).
  private func assertClose(_ got: [Float], _ want: [Float], _ what: String) {
    XCTAssertEqual(got.count, want.count, what)
    let scale = want.map { abs($0) }.max() ?? 0
    let diff = zip(got, want).map { abs($0 - $1) }.max() ?? 0
    XCTAssertLessThanOrEqual(diff, 1e-4 * scale, "\(what): max diff \(diff), max |ref| \(scale)")
  }

  /// Every case, fused (nothing observed), unfused (every node observed) and observed on the fused pass (the
  /// explorer's live observers), matches PyTorch's hooks.
  func testInterventionsMatchPyTorchHooks() throws {
    let manifest = try manifest()
    XCTAssertGreaterThanOrEqual(manifest.cases.count, 16)
    for observed in [[], ObserverOptions.all, .live] {
      for c in manifest.cases {
        let executor = try executor(c.model, size: c.input_size, manifest)
        executor.observeAll(observed)
        let interventions = try c.ablate.map { try executor.intervention(parsing: $0) }
        try executor.setInterventions(interventions, plain: c.plain)
        try executor.runToEnd()
        let logits = try XCTUnwrap(executor.output)
        let want = try NPYArray.read(path: Fixtures.path("ablate/" + c.logits)).values
        assertClose(logits.array, want, "\(c.model) \(c.ablate) plain=\(c.plain) observed=\(observed)")
      }
    }
  }

  /// An intervention changes the logits, and clearing it gives the clean pass back.
  func testClearingInterventionsRestoresTheCleanPass() throws {
    let manifest = try manifest()
    let executor = try executor("resnet18", size: 32, manifest)
    try executor.runToEnd()
    let clean = try XCTUnwrap(executor.output).array
    try executor.setInterventions([try executor.intervention(parsing: "layer3.0")])
    try executor.runToEnd()
    XCTAssertNotEqual(try XCTUnwrap(executor.output).array, clean)
    try executor.setInterventions([])
    try executor.runToEnd()
    XCTAssertEqual(try XCTUnwrap(executor.output).array, clean)
  }

  /// Specs resolve by node kind; anything else is refused naming the path and what can be done to it.
  func testSpecsAreCheckedAgainstTheNodes() throws {
    let manifest = try manifest()
    let resnet = try executor("resnet18", size: 32, manifest)
    XCTAssertEqual(try resnet.intervention(parsing: "layer1.0").kind, .branchOff)
    XCTAssertEqual(try resnet.intervention(parsing: "layer1.0:shortcut").kind, .shortcutOff)
    let refusals = [
      "nope": "no node at path 'nope'",
      "conv1": "conv1 is a Conv2d: interventions act on residual blocks",
      "layer1.0:se": "layer1.0 is a residual block (BasicBlock): use layer1.0 (branch off)",
      "layer1.0:uniform": "or layer1.0:shortcut (shortcut off)",
    ]
    for (spec, message) in refusals {
      XCTAssertThrowsError(try resnet.intervention(parsing: spec), spec) { error in
        XCTAssertTrue("\(error)".hasPrefix(spec + ": "), "\(error)")
        XCTAssertTrue("\(error)".contains(message), "\(error)")
      }
    }
    let sk = try executor("skresnet18", size: 32, manifest)
    XCTAssertEqual(try sk.intervention(parsing: "layer1.0.conv1").kind, .uniform)
    XCTAssertEqual(try sk.intervention(parsing: "layer1.0.conv1:branch=1").kind, .branch(1))
    XCTAssertThrowsError(try sk.intervention(parsing: "layer1.0.conv1:branch=2")) { error in
      XCTAssertTrue("\(error)".contains("K in 0…1"), "\(error)")
    }
    let resnest = try executor("resnest14d", size: 32, manifest)
    XCTAssertEqual(try resnest.intervention(parsing: "layer1.0.conv2:split=1").kind, .split(1))
    let senet = try executor("senet18", size: 16, manifest)
    XCTAssertEqual(try senet.intervention(parsing: "layer1.0:se").kind, .gatesOff)
    XCTAssertEqual(try senet.intervention(parsing: "layer1.0:se").description, "layer1.0:se")
    let dense = try executor("densenet_bc_100", size: 32, manifest)
    XCTAssertEqual(
      try dense.intervention(parsing: "features.denseblock1.denselayer2").kind, .denseOff)
    XCTAssertThrowsError(try dense.intervention(parsing: "features.denseblock1"))
  }

  /// Each lesion family lists every node it can act on, in network order.
  func testLesionCandidates() throws {
    let manifest = try manifest()
    let resnet = try executor("resnet50", size: 32, manifest)
    XCTAssertEqual(resnet.candidates(.blocks).count, 16)
    XCTAssertEqual(resnet.candidates(.blocks).first?.description, "layer1.0")
    XCTAssertEqual(resnet.candidates(.shortcuts).last?.description, "layer4.2:shortcut")
    XCTAssertEqual(resnet.candidates(.attention), [])
    let se = try executor("seresnet50", size: 32, manifest)
    XCTAssertEqual(se.candidates(.attention).count, 16)
    let dense = try executor("densenet121", size: 32, manifest)
    XCTAssertEqual(dense.candidates(.dense).count, 58)
  }
}
