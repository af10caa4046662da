import Analysis
import Formats
import Graph
import Runtime

/// `bench MODEL --per-layer`: each conv, norm, pool, linear and attention node's median time over the timed
/// passes, its MACs and achieved GFLOP/s; a node computed inside another's kernel is listed as fused into it.
package struct LayerTiming: Sendable, Equatable {
  package var path: String
  package var kind: String
  /// Median over the passes of the node's own time (nested nodes' time subtracted); nil when fused.
  package var medianMs: Double?
  /// The node whose kernel computed this one (a BN or ReLU folded into a conv).
  package var fusedInto: String?
  /// The nodes this one's kernel also computed.
  package var fused: [String]
  package var macs: Int
  /// Achieved GFLOP/s (FLOP = 2·MAC); nil when fused or without MACs.
  package var gflops: Double? {
    guard let medianMs, medianMs > 0, macs > 0 else { return nil }
    return 2 * Double(macs) / (medianMs * 1e6)
  }

  package init(
    path: String, kind: String, medianMs: Double?, fusedInto: String? = nil, fused: [String] = [], macs: Int
  ) {
    self.path = path
    self.kind = kind
    self.medianMs = medianMs
    self.fusedInto = fusedInto
    self.fused = fused
    self.macs = macs
  }

  /// Whether the per-layer report lists a module of this layer (the nodes that compute; activations, adds and
  /// containers fold into "other").
  package static func isReported(_ layer: Layer) -> Bool {
    switch layer {
    case .conv2d, .batchNorm2d, .batchNormAct, .linear, .maxPool2d, .avgPool2d, .adaptiveAvgPool2d, .softmax,
      .radixSoftmax, .squeezeExcite, .selectiveKernel, .selectiveKernelAttention, .skConv, .splitAttention:
      return true
    case .relu, .sigmoid, .identity, .flatten, .sequential, .moduleList, .program, .residual, .denseBlock:
      return false
    }
  }

  /// The reported nodes of `network` in the order they ran, from one profile per timed pass.
  package static func rows(profiles: [LayerProfile], network: Network, analysis: Analysis) -> [LayerTiming] {
    guard let first = profiles.first else { return [] }
    var out: [LayerTiming] = []
    var listed = Set<String>()
    func add(_ path: String, fusedInto owner: String?) {
      guard listed.insert(path).inserted, let module = network.root.descendant(at: path) else { return }
      let own = analysis.node(path)?.ownMACs ?? 0
      if let owner {
        guard isReported(module.layer) else { return }
        out.append(LayerTiming(path: path, kind: module.kind, medianMs: nil, fusedInto: owner, macs: own))
        return
      }
      let fused = first.entries[path]?.fused ?? []
      guard isReported(module.layer) else { return }
      let times = profiles.map { ($0.entries[path]?.seconds ?? 0) * 1000 }
      out.append(
        LayerTiming(
          path: path, kind: module.kind, medianMs: BenchResult.median(times), fused: fused,
          macs: own))
      for partner in fused { add(partner, fusedInto: path) }
    }
    for path in first.order { add(path, fusedInto: first.fusedInto[path]) }
    return out
  }
}

extension LayerTiming {
  /// The per-layer table: path, kind, median ms (or the node it is fused into), MACs, GFLOP/s, share of the pass;
  /// the last line is what the listed nodes leave of the pass (activations, adds, concatenations, copies).
  package static func table(_ rows: [LayerTiming], passMs: Double) -> [String] {
    let width = max(5, rows.map(\.path.count).max() ?? 0)
    let kindWidth = max(4, rows.map(\.kind.count).max() ?? 0)
    func left(_ s: String, _ n: Int) -> String { String(repeating: " ", count: max(0, n - s.count)) + s }
    func right(_ s: String, _ n: Int) -> String { s.padding(toLength: max(n, s.count), withPad: " ", startingAt: 0) }
    var lines = [
      right("layer", width) + "  " + right("kind", kindWidth) + left("median ms", 11) + left("MACs", 10)
        + left("GFLOP/s", 9) + left("time %", 8)
    ]
    var listed = 0.0
    for row in rows {
      var line = right(row.path, width) + "  " + right(row.kind, kindWidth)
      if let ms = row.medianMs {
        listed += ms
        line += left(NumberFormat.fixed(ms, 3), 11) + left(NumberFormat.scaled(row.macs), 10)
        line += left(row.gflops.map { NumberFormat.fixed($0, 2) } ?? "-", 9)
        line += left(NumberFormat.fixed(passMs > 0 ? 100 * ms / passMs : 0, 1), 8)
      } else {
        line += "  fused into " + (row.fusedInto ?? "")
      }
      lines.append(line)
    }
    let other = max(0, passMs - listed)
    lines.append(
      right("(other)", width) + "  " + right("", kindWidth) + left(NumberFormat.fixed(other, 3), 11) + left("", 10)
        + left("", 9) + left(NumberFormat.fixed(passMs > 0 ? 100 * other / passMs : 0, 1), 8))
    return lines
  }

  /// One JSON object per row (`median_ms` and `gflops` null for a fused node).
  package static func json(_ rows: [LayerTiming]) -> JSONValue {
    .array(
      rows.map { row in
        .object([
          ("path", .string(row.path)), ("kind", .string(row.kind)),
          ("median_ms", row.medianMs.map { .number(($0 * 1000).rounded() / 1000) } ?? .null),
          ("macs", .integer(Int64(row.macs))),
          ("gflops", row.gflops.map { .number(($0 * 100).rounded() / 100) } ?? .null),
          ("fused_into", row.fusedInto.map(JSONValue.string) ?? .null),
          ("fused", .array(row.fused.map(JSONValue.string))),
        ])
      })
  }
}
