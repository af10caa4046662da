// The explorer's live observers on the fused pass (`ObserverOptions.live`) against the unfused observed pass: every
// node's statistics, previews, residual norms and attention weights, on every family.
import Foundation
import Models
import Runtime
import TensorCore
import XCTest

final class ObservedFusionTests: XCTestCase {
  /// One pass of `name` with `options` on every node; the observations by path and role (the last of a path wins,
  /// as the explorer's digest keeps it) and the logits.
  private func observe(_ name: String, size: Int, _ options: ObserverOptions) throws -> (
    outputs: [String: Observation], norms: [String: Double], attention: [String: [Float]], logits: [Float]
  ) {
    let executor = try Executor(network: try Zoo.model(named: name).build())
    try executor.setSeededWeights(seed: 7, testStatistics: true)
    let shape = [2, 3, size, size]
    try executor.setInput(try Tensor(shape: shape, data: WeightInit.input(seed: 11, shape: shape)))
    executor.observeAll(options)
    executor.stepStatistics = true
    var outputs: [String: Observation] = [:]
    var norms: [String: Double] = [:]
    var attention: [String: [Float]] = [:]
    for report in try executor.runToEnd() {
      XCTAssertNotNil(report.statistics, "\(name) step \(report.name)")
      for o in report.observations {
        switch o.role {
        case .output: outputs[o.path] = o
        case .shortcut, .branch:
          norms[o.path + ":" + o.role.label] =
            o.norm ?? o.tensor.map { t in t.array.reduce(0) { $0 + Double($1) * Double($1) }.squareRoot() }
        case .attention: attention[o.path] = o.tensor?.array
        }
      }
    }
    return (outputs, norms, attention, try XCTUnwrap(executor.output).array)
  }

  /// Statistics of one node within the tolerance the fused pass keeps (see `assertClose`).
  private func assertClose(_ got: ActivationStatistics, _ want: ActivationStatistics, _ what: String) {
    XCTAssertEqual(got.count, want.count, what)
    // The fused conv + BN rounds differently from conv then BN (float32, ~1e-6 relative), and a conv's output
    // recovered through its BN's inverse, (y − b)/s, carries y's rounding magnified by |b|/|s·x|: 1e-4 of the
    // node's range bounds both on these weights.
    let scale = max(abs(Double(want.min)), abs(Double(want.max)), 1e-6)
    let bound = 1e-4 * scale
    XCTAssertEqual(Double(got.min), Double(want.min), accuracy: bound, "\(what) min")
    XCTAssertEqual(Double(got.max), Double(want.max), accuracy: bound, "\(what) max")
    XCTAssertEqual(got.mean, want.mean, accuracy: bound, "\(what) mean")
    XCTAssertEqual(got.std, want.std, accuracy: bound, "\(what) std")
    XCTAssertEqual(got.channelMean.count, want.channelMean.count, what)
    for (a, b) in zip(got.channelMean, want.channelMean) {
      XCTAssertEqual(a, b, accuracy: bound, "\(what) channel mean")
    }
    for (a, b) in zip(got.channelStd, want.channelStd) { XCTAssertEqual(a, b, accuracy: bound, "\(what) channel std") }
    // Exact zeros of a conv recovered through the inverse may round to a tiny value and back: at most 0.1 %.
    XCTAssertEqual(got.zeroFraction, want.zeroFraction, accuracy: 1e-3, "\(what) zeros")
    // Elements within rounding of a bin edge may land in the next bin: at most 0.5 % of them move.
    let moved = zip(got.histogram, want.histogram).reduce(0) { $0 + abs($1.0 - $1.1) }
    XCTAssertLessThanOrEqual(Double(moved), 0.005 * Double(want.count) + 2, "\(what) histogram")
    XCTAssertEqual(got.histogram.reduce(0, +), want.histogram.reduce(0, +), "\(what) histogram total")
  }

  /// Every family: the same nodes observed, each node's statistics within tolerance of the unfused pass's, previews
  /// of the same channels with the same values, norms and attention weights as the unfused pass's, same logits.
  func testLiveObserversOnTheFusedPassMatchTheUnfusedPass() throws {
    for (name, size) in [
      ("resnet18", 64), ("resnet50", 64), ("densenet121", 64), ("seresnet50", 64), ("skresnet18", 64),
      ("resnest50d", 64),
    ] {
      let fused = try observe(name, size: size, .live)
      let unfused = try observe(name, size: size, [.output, .statistics, .residual, .attention])
      XCTAssertEqual(Set(fused.outputs.keys), Set(unfused.outputs.keys), name)
      for (path, want) in unfused.outputs {
        guard let got = fused.outputs[path], let g = got.statistics, let w = want.statistics else {
          XCTFail("\(name) \(path): no statistics")
          continue
        }
        XCTAssertEqual(got.shape, want.shape, "\(name) \(path)")
        assertClose(g, w, "\(name) \(path)")
        // The preview holds the chosen channels of the first sample, equal to the unfused output's.
        guard let preview = got.tensor, let channels = got.channels, let full = want.tensor, full.rank == 4 else {
          continue
        }
        let plane = full.shape[2] * full.shape[3]
        let scale = max(abs(w.min), abs(w.max), 1e-6)
        for (k, c) in channels.enumerated() {
          let a = Array(UnsafeBufferPointer(start: preview.sample(0) + k * plane, count: plane))
          let b = Array(UnsafeBufferPointer(start: full.sample(0) + c * plane, count: plane))
          let diff = zip(a, b).map { abs($0 - $1) }.max() ?? 0
          XCTAssertLessThanOrEqual(diff, 1e-4 * scale, "\(name) \(path) preview channel \(c)")
        }
      }
      XCTAssertEqual(Set(fused.norms.keys), Set(unfused.norms.keys), name)
      for (key, want) in unfused.norms {
        XCTAssertEqual(fused.norms[key] ?? -1, want, accuracy: 1e-4 * want + 1e-9, "\(name) \(key)")
      }
      XCTAssertEqual(Set(fused.attention.keys), Set(unfused.attention.keys), name)
      for (path, want) in unfused.attention {
        let got = fused.attention[path] ?? []
        XCTAssertEqual(got.count, want.count, "\(name) \(path)")
        for (a, b) in zip(got, want) { XCTAssertEqual(a, b, accuracy: 1e-4, "\(name) \(path) attention") }
      }
      let scale = unfused.logits.map { abs($0) }.max() ?? 1
      for (a, b) in zip(fused.logits, unfused.logits) { XCTAssertEqual(a, b, accuracy: 1e-4 * scale, "\(name) logits") }
    }
  }

  /// The live observers keep their tensors small: previews of at most `previewChannels` channels of one sample,
  /// no whole outputs, no residual copies.
  func testLiveObserversCopyOnlyPreviews() throws {
    let (outputs, norms, _, _) = try observe("resnet50", size: 64, .live)
    XCTAssertFalse(norms.isEmpty)
    for (path, o) in outputs {
      guard let t = o.tensor else { continue }
      XCTAssertEqual(t.shape[0], 1, path)
      XCTAssertLessThanOrEqual(t.shape[1], 6, path)
      XCTAssertEqual(o.channels?.count, t.shape[1], path)
    }
  }
}
