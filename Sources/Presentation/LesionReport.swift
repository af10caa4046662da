import Analysis
import Formats
import Foundation
import Runtime
import Session

/// What `convscope lesion` prints: one row per candidate, in network order.
package struct LesionReport {
  package let model: String
  package let source: String
  package let family: String
  package let study: LesionStudy

  package init(model: String, source: String, family: String, study: LesionStudy) {
    self.model = model
    self.source = source
    self.family = family
    self.study = study
  }

  private var cleanTop1: Int {
    let row = study.cleanLogits.prefix(study.classes)
    return row.indices.max { row[$0] < row[$1] } ?? 0
  }

  private func name(_ index: Int) -> String { ClassNames.name(of: index, classCount: study.classes) }

  /// Several samples: the share of unchanged top-1 classes is a column of its own.
  private var perSample: Bool { study.samples > 1 }

  package func table() -> String {
    var lines = [
      "\(model) · lesion of \(study.outcomes.count) \(family) · \(source) · "
        + "\(NumberFormat.fixed(study.fullPassEquivalents, 2)) full-pass equivalents",
      "clean top-1 of sample 0: \(cleanTop1) \(name(cleanTop1))",
    ]
    let width = max(12, study.outcomes.map { $0.intervention.description.count }.max() ?? 0)
    func pad(_ s: String, _ n: Int) -> String { s + String(repeating: " ", count: max(0, n - s.count)) }
    func left(_ s: String, _ n: Int) -> String { String(repeating: " ", count: max(0, n - s.count)) + s }
    var header =
      pad("intervention", width) + "  " + pad("kind", 12) + left("top-1", 6) + "  " + pad("name", 24)
      + pad("same", 5) + left("KL", 10) + left("p(clean top-1)", 16) + left("max|Δlogit|", 13)
    if perSample { header += left("unchanged", 11) }
    lines.append(header)
    for o in study.outcomes {
      var line =
        pad(o.intervention.description, width) + "  " + pad(o.intervention.kindName, 12) + left("\(o.top1)", 6)
        + "  " + pad(String(name(o.top1).prefix(23)), 24) + pad(o.sameTop1 ? "yes" : "no", 5)
        + left(Self.figure(o.kl), 10) + left(Self.figure(o.cleanTop1Probability), 16)
        + left(Self.figure(o.maxLogitDelta), 13)
      if perSample { line += left(NumberFormat.fixed(100 * o.unchangedShare, 1) + "%", 11) }
      lines.append(line)
    }
    return lines.joined(separator: "\n") + "\n"
  }

  /// Four significant digits, so small divergences stay readable.
  private static func figure(_ x: Double) -> String { String(format: "%.4g", x) }

  package func json() -> String {
    func number(_ x: Double) -> JSONValue { x.isFinite ? .number(x) : .null }
    let rows: [JSONValue] = study.outcomes.map { o in
      var fields: [(String, JSONValue)] = [
        ("path", .string(o.intervention.path)), ("kind", .string(o.intervention.kindName)),
        ("spec", .string(o.intervention.description)), ("top1", .integer(Int64(o.top1))),
        ("top1_name", .string(name(o.top1))), ("same_top1", .bool(o.sameTop1)), ("kl", number(o.kl)),
        ("clean_top1_probability", number(o.cleanTop1Probability)), ("max_logit_delta", number(o.maxLogitDelta)),
      ]
      if perSample { fields.append(("unchanged_share", number(o.unchangedShare))) }
      return .object(fields)
    }
    let document = JSONValue.object([
      ("model", .string(model)), ("of", .string(family)), ("samples", .integer(Int64(study.samples))),
      ("clean_top1", .integer(Int64(cleanTop1))), ("clean_top1_name", .string(name(cleanTop1))),
      ("full_pass_equivalents", number(study.fullPassEquivalents)), ("candidates", .array(rows)),
    ])
    return document.text(.rows) + "\n"
  }
}
