// The lesion study against separate intervened passes, and DenseNet's feature reuse against PyTorch
// (scripts/make_reuse_fixtures.py).
import Foundation
import Models
import Runtime
import Session
import TestSupport
import XCTest

final class LesionReuseTests: XCTestCase {
  /// Each candidate of a study (which resumes from the clean pass's step inputs) gives exactly the logits of
  /// a separate full pass with that one intervention (`run --ablate`).
  func testLesionStudyEqualsSeparatePasses() throws {
    let cases: [(String, Int, LesionFamily, Int)] = [
      ("resnet18", 32, .blocks, 8), ("resnet18", 32, .shortcuts, 8), ("seresnet50", 32, .attention, 4),
      ("densenet_bc_100", 32, .dense, 5), ("skresnet18", 32, .attention, 3), ("resnest14d", 32, .attention, 2),
    ]
    for (name, size, family, limit) in cases {
      let session = Session(spec: try ModelSpec(named: name), batch: 2, size: size)
      let executor = try session.makeExecutor()
      // A spread of candidates, early and late ones (the later, the shorter the recomputed suffix).
      let all = executor.candidates(family)
      let picked = stride(from: 0, to: all.count, by: max(1, all.count / limit)).map { all[$0] }
      let study = try LesionStudy.run(session, candidates: picked)
      XCTAssertEqual(study.outcomes.count, picked.count)
      try executor.runToEnd()
      let clean = try XCTUnwrap(executor.output).array
      XCTAssertEqual(study.cleanLogits, clean, "\(name): clean pass")
      for (candidate, outcome) in zip(picked, study.outcomes) {
        try executor.setInterventions([candidate])
        try executor.runToEnd()
        let separate = LesionStudy.outcome(
          candidate, clean: clean, intervened: try XCTUnwrap(executor.output).array, samples: 2,
          classes: study.classes)
        XCTAssertEqual(outcome.kl, separate.kl, "\(name) \(candidate)")
        XCTAssertEqual(outcome.maxLogitDelta, separate.maxLogitDelta, "\(name) \(candidate)")
        XCTAssertEqual(outcome.top1, separate.top1, "\(name) \(candidate)")
        XCTAssertEqual(outcome.cleanTop1Probability, separate.cleanTop1Probability, "\(name) \(candidate)")
        XCTAssertEqual(outcome.unchangedShare, separate.unchangedShare, "\(name) \(candidate)")
      }
      XCTAssertLessThan(study.fullPassEquivalents, Double(picked.count + 1), name)
    }
  }

  /// KL is 0 and nothing changes when an intervention leaves the logits as they are; KL grows with the change.
  func testOutcomeFigures() {
    let clean: [Float] = [2, 1, 0, 0, 1, 2]
    let same = LesionStudy.outcome(
      Intervention(path: "b", kind: .branchOff), clean: clean, intervened: clean, samples: 2, classes: 3)
    XCTAssertEqual(same.kl, 0, accuracy: 1e-12)
    XCTAssertEqual(same.unchangedShare, 1)
    XCTAssertTrue(same.sameTop1)
    let flipped = LesionStudy.outcome(
      Intervention(path: "b", kind: .branchOff), clean: clean, intervened: [0, 1, 2, 0, 1, 2], samples: 2,
      classes: 3)
    XCTAssertEqual(flipped.top1, 2)
    XCTAssertFalse(flipped.sameTop1)
    XCTAssertEqual(flipped.unchangedShare, 0.5)
    XCTAssertEqual(flipped.maxLogitDelta, 2)
    // KL(p‖q) of sample 0 (sample 1 is unchanged), halved by the mean over samples.
    let p = [2.0, 1, 0].map { exp($0) / (exp(2) + exp(1) + 1) }
    let q = [0.0, 1, 2].map { exp($0) / (exp(2) + exp(1) + 1) }
    let kl = zip(p, q).map { $0 * log($0 / $1) }.reduce(0, +) / 2
    XCTAssertEqual(flipped.kl, kl, accuracy: 1e-12)
  }

  private struct ReuseFixture: Decodable {
    struct Block: Decodable {
      var path: String
      var sources: [String]
      var targets: [String]
      var means: [[Double?]]
    }
    var model: String
    var weight_seed: UInt64
    var blocks: [Block]
  }

  /// `reuse` from the weights export-weights writes equals PyTorch's matrices (mean |w| in double precision).
  func testFeatureReuseMatchesPyTorch() throws {
    for name in ["densenet121", "densenet_bc_100"] {
      let fixture = try JSONDecoder().decode(ReuseFixture.self, from: Fixtures.data("reuse/\(name).json"))
      let network = try Zoo.model(named: name).build()
      let specs = network.root.parameterSpecs
      let values = try WeightInit.stateDict(specs: specs, seed: fixture.weight_seed, testStatistics: true)
        .values(matching: specs, model: name)
      let reuse = try FeatureReuse.of(network, model: name, values: values)
      XCTAssertEqual(reuse.blocks.map(\.path), fixture.blocks.map(\.path), name)
      for (ours, theirs) in zip(reuse.blocks, fixture.blocks) {
        XCTAssertEqual(ours.sources, theirs.sources, ours.path)
        XCTAssertEqual(ours.targets, theirs.targets, ours.path)
        XCTAssertEqual(ours.means.count, theirs.means.count, ours.path)
        for (row, (a, b)) in zip(ours.means, theirs.means).enumerated() {
          XCTAssertEqual(a.map { $0 == nil }, b.map { $0 == nil }, "\(ours.path) row \(row)")
          for (x, y) in zip(a, b) {
            guard let x, let y else { continue }
            XCTAssertEqual(x, y, accuracy: 1e-9 * y, "\(ours.path) row \(row)")
          }
        }
      }
    }
  }

  /// A network without dense blocks is refused with the model's name.
  func testReuseRefusesNonDenseNets() throws {
    let network = try Zoo.model(named: "resnet18").build()
    XCTAssertThrowsError(try FeatureReuse.of(network, model: "resnet18", values: [:])) { error in
      XCTAssertEqual("\(error)", "resnet18 has no dense blocks: reuse applies to DenseNet models")
    }
  }
}
