// The backward pass against PyTorch autograd (float64) on every zoo model, plain mode and one intervention per
// kind, and Grad-CAM against hooks (fixtures: scripts/make_grad_fixtures.py).
import Formats
import Foundation
import Models
import Runtime
import TensorCore
import TestSupport
import XCTest

final class GradientTests: XCTestCase {
  private struct Manifest: Decodable {
    struct Case: Decodable {
      var model: String
      var input_size: Int
      var objective: String
      var target: Int
      var given: Bool
      var ablate: [String]
      var plain: Bool
      var loss: Double
      var samples: Int
      var input: [Double]
      var parameters: [String: [Double]]
      /// Models of more than 200 parameter tensors: [L2, max |g|] per tensor in state-dict order.
      var ordered: [[Double]]
      /// PyTorch's float32 summaries of the tensors where they lie apart from float64 (`input` or a key).
      var alternates: [String: [Double]]
    }
    struct CAM: Decodable {
      var model: String
      var input_size: Int
      var `class`: Int
      var given: Bool
      var layer: String?
      var alpha: [Double]
      var cam: [[Double]]
    }
    var weight_seed: UInt64
    var input_seed: UInt64
    var batch: Int
    var cases: [Case]
    var cams: [CAM]
  }

  private static let manifest: Result<Manifest, Error> = Result {
    try JSONDecoder().decode(Manifest.self, from: Fixtures.data("grad/manifest.json"))
  }

  private func executor(_ name: String, size: Int, _ manifest: Manifest) throws -> Executor {
    let executor = try Executor(network: try Zoo.model(named: name).build())
    try executor.setSeededWeights(seed: manifest.weight_seed, testStatistics: true)
    let shape = [manifest.batch, 3, size, size]
    try executor.setInput(try Tensor(shape: shape, data: WeightInit.input(seed: manifest.input_seed, shape: shape)))
    return executor
  }

  /// The summary the fixture script writes: [L2, L1, sum, max |g|, g at k · 2654435761 mod count for k < samples].
  static func summary(_ t: Tensor, samples: Int) -> [Double] {
    let flat = t.array.map(Double.init)
    let l2 = flat.reduce(0) { $0 + $1 * $1 }.squareRoot()
    let stats = [l2, flat.reduce(0) { $0 + abs($1) }, flat.reduce(0, +), flat.map(abs).max() ?? 0]
    return stats + (0..<samples).map { flat[($0 * 2_654_435_761) % flat.count] }
  }

  /// Tolerance: 1e-3 · max|g| of each tensor, against PyTorch in float64. The forward tests bound float32 noise at
  /// 1e-4 of the largest value over ~100 layers; a backward pass runs that chain twice (forward, then the adjoint
  /// of each op, whose weight gradients sum up to N·H·W ≈ 10⁴ products each: √10⁴ · 4ε ≈ 5e-5 per op), and a
  /// gradient's largest element is a smaller share of the activations that feed it than an output is, so the
  /// bound is widened tenfold. A wrong index, stride, missing term or gradient let through a switched-off path
  /// changes a gradient by O(max|g|). Summaries: sampled values and max |g| within the bound itself; the L2 norm
  /// within 1e-3 of itself and the sum within 1e-3 of the L1 norm (the error of a sum is at most the sum of the
  /// errors, which is noise of relative size ≲ 1e-5 here).
  /// What differs between a summary and a reference summary beyond the bounds above (empty: they match). A
  /// reference of [L2, max |g|] (`ordered`) is compared on those two.
  static func mismatches(_ got: [Double], _ want: [Double]) -> [String] {
    let pairs: [(Double, Double, Double, String)]
    if want.count == 2 {
      pairs = [(got[0], want[0], 1e-3 * want[0], "L2"), (got[3], want[1], 1e-3 * want[1], "max|g|")]
    } else {
      guard got.count == want.count, want.count >= 4 else { return ["\(got.count) summary values, want \(want.count)"] }
      let scale = want[3]
      pairs =
        [
          (got[0], want[0], 1e-3 * want[0], "L2"), (got[2], want[2], 1e-3 * want[1], "sum"),
          (got[3], want[3], 1e-3 * scale, "max|g|"),
        ]
        + (4..<want.count).map { (got[$0], want[$0], 1e-3 * scale, "value \($0 - 4)") }
    }
    return pairs.compactMap { g, w, bound, name in abs(g - w) <= bound + 1e-30 ? nil : "\(name) \(g) vs \(w)" }
  }

  /// Matches the float64 reference, or PyTorch's float32 one where that lies apart from it (`alternates`).
  private func assertMatches(_ got: Tensor, _ want: [Double], alternate: [Double]?, _ what: String) {
    let summary = Self.summary(got, samples: want.count == 2 ? 0 : want.count - 4)
    let first = Self.mismatches(summary, want)
    guard !first.isEmpty else { return }
    if let alternate, Self.mismatches(summary, alternate).isEmpty { return }
    XCTFail("\(what): " + first.joined(separator: ", "))
  }

  private func check(_ c: Manifest.Case, _ manifest: Manifest) throws {
    let executor = try executor(c.model, size: c.input_size, manifest)
    try executor.setInterventions(try c.ablate.map { try executor.intervention(parsing: $0) }, plain: c.plain)
    let objective: GradientObjective =
      c.objective == "label" ? .crossEntropy(label: c.target) : .classLogit(c.given ? c.target : nil)
    let report = try executor.backward(objective)
    let label = "\(c.model) \(c.objective) \(c.target) \(c.ablate) plain=\(c.plain)"
    XCTAssertEqual(report.target, c.target, label)
    XCTAssertEqual(report.loss, c.loss, accuracy: 1e-4 * max(1, abs(c.loss)), label)
    assertMatches(report.inputGradient, c.input, alternate: c.alternates["input"], label + " input")
    if !c.ordered.isEmpty {
      XCTAssertEqual(report.parameters.count, c.ordered.count, label + " tensors")
      for (p, want) in zip(report.parameters, c.ordered) {
        assertMatches(p.gradient, want, alternate: c.alternates[p.key], "\(label) \(p.key)")
      }
      return
    }
    XCTAssertEqual(Set(report.parameters.map(\.key)), Set(c.parameters.keys), label + " keys")
    for p in report.parameters {
      guard let want = c.parameters[p.key] else { continue }
      assertMatches(p.gradient, want, alternate: c.alternates[p.key], label + " " + p.key)
    }
  }

  private func checkCases(_ filter: (Manifest.Case) -> Bool) throws {
    let manifest = try Self.manifest.get()
    let cases = manifest.cases.filter(filter)
    XCTAssertFalse(cases.isEmpty)
    for c in cases { try check(c, manifest) }
  }

  private func family(_ family: Family) -> (Manifest.Case) -> Bool {
    { c in c.ablate.isEmpty && !c.plain && (try? Zoo.model(named: c.model).family) == family }
  }

  func testResNetGradientsMatchPyTorch() throws { try checkCases(family(.resnet)) }
  func testDenseNetGradientsMatchPyTorch() throws { try checkCases(family(.densenet)) }
  func testSENetGradientsMatchPyTorch() throws { try checkCases(family(.senet)) }
  func testSKNetGradientsMatchPyTorch() throws { try checkCases(family(.sknet)) }
  func testResNeStGradientsMatchPyTorch() throws { try checkCases(family(.resnest)) }
  func testInterventionAndPlainGradientsMatchPyTorch() throws { try checkCases { !$0.ablate.isEmpty || $0.plain } }

  /// Grad-CAM's alpha and map (sample 0, ReLU, at the layer's resolution) against PyTorch hooks.
  func testGradCAMMatchesPyTorchHooks() throws {
    let manifest = try Self.manifest.get()
    XCTAssertGreaterThanOrEqual(manifest.cams.count, 3)
    for c in manifest.cams {
      let executor = try executor(c.model, size: c.input_size, manifest)
      let report = try executor.backward(
        .classLogit(c.given ? c.class : nil), camLayer: c.layer.map { .path($0) } ?? .poolInput)
      XCTAssertEqual(report.target, c.class, c.model)
      let cam = try XCTUnwrap(report.cam, c.model)
      let alpha = cam.alpha
      let scale = c.alpha.map(abs).max() ?? 0
      XCTAssertEqual(alpha.count, c.alpha.count, c.model)
      for (a, b) in zip(alpha, c.alpha) { XCTAssertEqual(a, b, accuracy: 1e-3 * scale, "\(c.model) alpha") }
      let map = cam.map
      XCTAssertEqual([map.height, map.width], [c.cam.count, c.cam.first?.count ?? 0], c.model)
      let want = c.cam.flatMap { $0 }
      let peak = max(want.max() ?? 0, 1e-12)
      for (a, b) in zip(map.values, want) { XCTAssertEqual(Double(a), b, accuracy: 1e-3 * peak, "\(c.model) cam") }
    }
  }

  /// The tape reports what it keeps; a cancel left from before is cleared by the next pass (as `step()` does).
  func testBackwardCancelsAndReportsMemory() throws {
    let manifest = try Self.manifest.get()
    let executor = try executor("resnet18", size: 32, manifest)
    let report = try executor.backward(.classLogit(nil))
    XCTAssertGreaterThan(report.savedBytes, 0)
    XCTAssertGreaterThan(report.recordedOps, 0)
    executor.cancel()
    XCTAssertEqual(try executor.backward(.classLogit(nil)).target, report.target)
  }

  /// A cancel halfway through the backward stops it there: the pass throws `cancelled` and reports nothing (no
  /// gradient of it leaves the call), the ops after the cancel never run, and the next pass starts clean and
  /// gives exactly the gradients of a pass that was never interrupted.
  func testCancelMidBackwardStopsCleanly() throws {
    let manifest = try Self.manifest.get()
    let executor = try executor("resnet18", size: 32, manifest)
    let clean = try executor.backward(.crossEntropy(label: 3))
    var calls: [(Int, Int)] = []
    var returned: GradientReport?
    XCTAssertThrowsError(
      returned = try executor.backward(.crossEntropy(label: 3)) { done, total in
        calls.append((done, total))
        if done == total / 2 { executor.cancel() }
      }
    ) { error in
      guard case ExecutorError.cancelled(let step) = error else { return XCTFail("threw \(error), not cancelled") }
      XCTAssertEqual(step, "backward")
    }
    XCTAssertNil(returned)
    let total = try XCTUnwrap(calls.first?.1)
    XCTAssertEqual(total, clean.recordedOps)
    XCTAssertEqual(calls.map(\.0), Array(0...(total / 2)), "ops after the cancel ran")
    let again = try executor.backward(.crossEntropy(label: 3))
    XCTAssertEqual(again.loss, clean.loss)
    XCTAssertEqual(again.inputGradient.array, clean.inputGradient.array)
    XCTAssertEqual(again.parameters.map(\.key), clean.parameters.map(\.key))
    for (a, b) in zip(again.parameters, clean.parameters) { XCTAssertEqual(a.gradient.array, b.gradient.array, a.key) }
    XCTAssertEqual(again.steps.map(\.norm), clean.steps.map(\.norm))
  }

  /// Without the input's gradient (`inputGradient: false`, PyTorch's input without requires_grad) every
  /// parameter gradient is the same and the report's input gradient is zeros.
  func testBackwardWithoutInputGradientKeepsParameterGradients() throws {
    let manifest = try Self.manifest.get()
    let executor = try executor("densenet121", size: 32, manifest)
    let full = try executor.backward(.classLogit(nil))
    let lean = try executor.backward(.classLogit(nil), inputGradient: false)
    XCTAssertGreaterThan(Ops.l2Norm(full.inputGradient), 0)
    XCTAssertEqual(Ops.l2Norm(lean.inputGradient), 0)
    for (a, b) in zip(lean.parameters, full.parameters) { XCTAssertEqual(a.gradient.array, b.gradient.array, a.key) }
  }
}
