import Formats
import Runtime
import TensorCore

/// What `convscope run` prints: per-step times and shapes, statistics, top logits and attention, as a table or JSON.
package struct RunResult {
  package var model: String
  package var inputShape: [Int]
  package var weights: String
  package var seconds: Double
  package var reports: [StepReport]
  package var logits: Tensor
  package var top: Int
  /// Attention observations when `--attention` was given.
  package var attention: [Observation]?
  /// What was switched off (`--ablate`) and whether every shortcut was (`--plain`).
  package var interventions: [Intervention]
  package var plain: Bool

  package init(
    model: String, inputShape: [Int], weights: String, seconds: Double, reports: [StepReport], logits: Tensor, top: Int,
    attention: [Observation]?, interventions: [Intervention] = [], plain: Bool = false
  ) {
    self.interventions = interventions
    self.plain = plain
    self.model = model
    self.inputShape = inputShape
    self.weights = weights
    self.seconds = seconds
    self.reports = reports
    self.logits = logits
    self.top = top
    self.attention = attention
  }

  private static func shape(_ s: [Int]) -> String { s.map(String.init).joined(separator: "×") }
  private static func ms(_ seconds: Double) -> String { String(format3: seconds * 1000) }

  /// The K largest logits of sample `n` with their softmax probabilities, best first.
  private func topK(_ n: Int) -> [ClassScore] {
    ClassScore.top(top, logits: Array(UnsafeBufferPointer(start: logits.sample(n), count: logits.shape[1])))
  }

  private func kind(_ o: Observation) -> AttentionKind {
    if case .attention(let k) = o.role { return k }
    return .squeezeExcite
  }

  /// The first channels of sample 0: `[0.512 0.498 …]` for SE, one bracket per branch for SK / split.
  private static func preview(_ t: Tensor, count: Int = 6) -> String {
    let values = Array(UnsafeBufferPointer(start: t.sample(0), count: t.sampleCount))
    let rows = t.rank == 3 ? t.shape[1] : 1
    let width = values.count / max(rows, 1)
    return (0..<rows).map { r in
      let row = values[(r * width)..<(r * width + min(count, width))].map { String(format3: Double($0)) }
      return "[" + row.joined(separator: " ") + (width > count ? " …]" : "]")
    }.joined(separator: " ")
  }

  package func table() -> String {
    var lines = ["\(model) · input \(Self.shape(inputShape)) · weights \(weights)"]
    if plain || !interventions.isEmpty {
      let shown = (plain ? ["plain (every shortcut off)"] : []) + interventions.map(\.description)
      lines.append("interventions: " + shown.joined(separator: ", "))
    }
    let width = max(4, reports.map(\.name.count).max() ?? 0)
    func pad(_ s: String, _ n: Int) -> String { s + String(repeating: " ", count: max(0, n - s.count)) }
    func left(_ s: String, _ n: Int) -> String { String(repeating: " ", count: max(0, n - s.count)) + s }
    var header = pad("step", width) + "  " + left("ms", 10) + "  " + pad("output", 16)
    let hasStats = reports.contains { $0.statistics != nil }
    if hasStats { header += left("min", 10) + left("max", 10) + left("mean", 10) + left("std", 10) + left("zeros", 8) }
    lines.append(header)
    for r in reports {
      var line = pad(r.name, width) + "  " + left(Self.ms(r.seconds), 10) + "  " + pad(Self.shape(r.outputShape), 16)
      if let s = r.statistics {
        line += left(String(format3: Double(s.min)), 10) + left(String(format3: Double(s.max)), 10)
        line += left(String(format3: s.mean), 10) + left(String(format3: s.std), 10)
        line += left(String(format3: s.zeroFraction * 100) + "%", 8)
      }
      lines.append(line)
    }
    lines.append("forward pass: \(Self.ms(seconds)) ms (\(reports.count) steps)")
    lines.append("output: \(Self.shape(logits.shape))")
    if top > 0 {
      for n in 0..<logits.shape[0] {
        lines.append("top-\(min(top, logits.shape[1])) of sample \(n): rank · class · name · probability")
        lines += ClassScore.tableLines(topK(n), classCount: logits.shape[1]).map { "  " + $0 }
      }
    }
    if let attention, attention.isEmpty {
      lines.append("attention: \(model) has no SE, SK or split-attention blocks")
    } else if let attention {
      lines.append("attention (\(attention.count) nodes):")
      let pathWidth = attention.map(\.path.count).max() ?? 0
      for o in attention {
        guard let t = o.tensor else { continue }
        let summary = AttentionSummary(kind: kind(o), weights: t.array, shape: t.shape)
        lines.append(
          "  " + pad(o.path, pathWidth) + "  " + pad(kind(o).rawValue, 5) + pad(Self.shape(t.shape), 14) + summary.text)
        lines.append(String(repeating: " ", count: pathWidth + 4) + Self.preview(t))
      }
      lines.append("(the first weights of sample 0 per row; --format json lists them all)")
    }
    return lines.joined(separator: "\n") + "\n"
  }

  package func json() -> String {
    func num(_ x: Double) -> JSONValue { x.isFinite ? .number(x) : .null }
    func num(_ x: Float) -> JSONValue { x.isFinite ? .number(Double("\(x)") ?? Double(x)) : .null }
    func milliseconds(_ seconds: Double) -> JSONValue { num((seconds * 1_000_000).rounded() / 1000) }  // µs resolution
    func ints(_ s: [Int]) -> JSONValue { .array(s.map { .integer(Int64($0)) }) }
    func stats(_ s: ActivationStatistics) -> JSONValue {
      .object([
        ("min", num(s.min)), ("max", num(s.max)), ("mean", num(s.mean)), ("std", num(s.std)),
        ("zero_fraction", num(s.zeroFraction)), ("histogram", ints(s.histogram)),
        ("channel_mean", .array(s.channelMean.map { num($0) })), ("channel_std", .array(s.channelStd.map { num($0) })),
      ])
    }
    var root: [(String, JSONValue)] = [
      ("model", .string(model)), ("input_shape", ints(inputShape)), ("weights", .string(weights)),
      ("forward_ms", milliseconds(seconds)),
      (
        "steps",
        .array(
          reports.map { r in
            var entry: [(String, JSONValue)] = [
              ("path", .string(r.name)), ("ms", milliseconds(r.seconds)), ("output_shape", ints(r.outputShape)),
            ]
            if let s = r.statistics { entry.append(("stats", stats(s))) }
            return .object(entry)
          })
      ),
      ("output_shape", ints(logits.shape)),
      (
        "top",
        .array(
          (0..<logits.shape[0]).map { n in
            .array(
              topK(n).map {
                .object([
                  ("class", .integer(Int64($0.index))), ("logit", num($0.logit)),
                  ("probability", num($0.probability)), ("name", .string($0.name(classCount: logits.shape[1]))),
                ])
              })
          })
      ),
    ]
    if plain || !interventions.isEmpty {
      let listed: [JSONValue] = interventions.map {
        .object([("path", .string($0.path)), ("kind", .string($0.kindName))])
      }
      root.append(("interventions", .array(listed)))
      root.append(("plain", .bool(plain)))
    }
    if let attention {
      root.append(
        (
          "attention",
          .array(
            attention.compactMap { o in
              guard let t = o.tensor else { return nil }
              let values = t.array
              let summary = AttentionSummary(kind: kind(o), weights: values, shape: t.shape)
              var s: [(String, JSONValue)] = []
              if summary.kind == .squeezeExcite {
                s = [
                  ("gate_mean", num(summary.gateMean)), ("gate_min", num(summary.gateMin)),
                  ("gate_max", num(summary.gateMax)), ("gate_spread", num(summary.gateSpread)),
                ]
              } else {
                s = [("branch_share", .array(summary.branchShare.map { num($0) }))]
              }
              return .object([
                ("path", .string(o.path)), ("kind", .string(kind(o).rawValue)), ("shape", ints(t.shape)),
                ("weights", .array(values.map { num($0) })), ("summary", .object(s)),
              ])
            })
        ))
    }
    return JSONValue.object(root).serialized + "\n"
  }
}
