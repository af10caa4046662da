import Formats

/// The numbers of a view as named columns, written by `w` as CSV (RFC 4180) or JSON (an array of objects).
package struct ExportTable: Equatable, Sendable {
  /// One cell: a number, a string, or nothing (JSON null, an empty CSV field).
  package enum Cell: Equatable, Sendable {
    case number(Double)
    case integer(Int)
    case text(String)
    case none
  }

  package var columns: [String]
  package var rows: [[Cell]]

  package init(columns: [String], rows: [[Cell]]) {
    self.columns = columns
    self.rows = rows
  }

  /// RFC 4180 CSV: a header of the column names, one line per row, CRLF line ends.
  package var csv: String {
    func field(_ text: String) -> String {
      text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
        ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
    }
    func text(_ cell: Cell) -> String {
      switch cell {
      case .number(let value): return value.isFinite ? "\(value)" : ""
      case .integer(let value): return String(value)
      case .text(let value): return field(value)
      case .none: return ""
      }
    }
    let lines = [columns.map(field).joined(separator: ",")] + rows.map { $0.map(text).joined(separator: ",") }
    return lines.joined(separator: "\r\n") + "\r\n"
  }

  /// The rows as a JSON array of objects keyed by column, one object a line.
  package var json: String {
    func value(_ cell: Cell) -> JSONValue {
      switch cell {
      case .number(let value): return value.isFinite ? .number(value) : .null
      case .integer(let value): return .integer(Int64(value))
      case .text(let value): return .string(value)
      case .none: return .null
      }
    }
    let objects = rows.map { row in JSONValue.object(zip(columns, row).map { ($0, value($1)) }) }
    return JSONValue.array(objects).text(.rows) + "\n"
  }
}

/// A view whose numbers `w` writes: the activation, attention and lesion views (and any view added later that
/// implements it, such as the gradient view) name their table here.
package protocol ExportableView {
  /// The view's numbers for `state`; nil when it has none yet (nothing has run).
  static func exportTable(for state: ExplorerState) -> ExportTable?
  /// The file name's middle part (`activations` in `resnet50-activations.csv`).
  static var exportName: String { get }
}

extension ActivationView: ExportableView {
  package static let exportName = "activations"

  package static func exportTable(for state: ExplorerState) -> ExportTable? {
    let ran = state.live.completed.filter { $0.statistics != nil }
    guard !ran.isEmpty else { return nil }
    return ExportTable(
      columns: ["step", "name", "mean", "std", "zeros", "seconds"],
      rows: ran.map { digest in
        let s = digest.statistics
        return [
          .integer(digest.index + 1), .text(digest.name), s.map { .number($0.mean) } ?? .none,
          s.map { .number($0.std) } ?? .none, s.map { .number($0.zeroFraction) } ?? .none, .number(digest.seconds),
        ]
      })
  }
}

extension AttentionView: ExportableView {
  package static let exportName = "attention"

  /// One row per attention node and branch (SE gates have one): the mean weight over channels and its spread.
  package static func exportTable(for state: ExplorerState) -> ExportTable? {
    guard !state.live.attention.isEmpty else { return nil }
    var rows: [[ExportTable.Cell]] = []
    for digest in state.live.attention {
      for (branch, mean) in digest.rowMeans.enumerated() {
        rows.append([
          .text(digest.path), .text(digest.step), .text("\(digest.kind)"), .integer(branch), .integer(digest.channels),
          .number(mean), .number(digest.spread),
        ])
      }
    }
    return ExportTable(columns: ["path", "step", "kind", "branch", "channels", "mean", "spread"], rows: rows)
  }
}

extension LesionView: ExportableView {
  package static let exportName = "lesion"

  /// The lesion study's table, sorted by KL as the view shows it.
  package static func exportTable(for state: ExplorerState) -> ExportTable? {
    guard case .lesion(let view) = state.overlay, let result = view.result else { return nil }
    return ExportTable(
      columns: ["path", "intervention", "kl", "same_top1", "top1", "clean_top1_probability"],
      rows: result.byKL.map { index in
        let row = result.rows[index]
        return [
          .text(row.path), .text(row.spec), .number(row.kl), .text(row.sameTop1 ? "yes" : "no"), .text(row.top1),
          .number(row.cleanTop1Probability),
        ]
      })
  }
}

extension GradientView: ExportableView {
  package static let exportName = "gradient"

  /// One row per step (‖∂L/∂output‖₂) and one per parameterised layer (‖W‖₂, ‖∂L/∂W‖₂, their ratio), as `grad`
  /// reports them; with interventions the clean network's figure sits beside each.
  package static func exportTable(for state: ExplorerState) -> ExportTable? {
    guard let digest = state.live.gradient else { return nil }
    let clean = digest.clean
    var rows: [[ExportTable.Cell]] = []
    for (index, name) in digest.stepNames.enumerated() {
      let norm = index < digest.curves.steps.count ? ExportTable.Cell.number(digest.curves.steps[index]) : .none
      let cleanNorm = clean.flatMap { index < $0.steps.count ? ExportTable.Cell.number($0.steps[index]) : nil }
      rows.append([.text("step"), .integer(index + 1), .text(name), norm, cleanNorm ?? .none, .none, .none, .none])
    }
    let cleanLayers = Dictionary(clean?.layers.map { ($0.path, $0) } ?? [], uniquingKeysWith: { first, _ in first })
    for (index, layer) in digest.curves.layers.enumerated() {
      rows.append([
        .text("layer"), .integer(index + 1), .text(layer.path), .number(layer.gradient),
        cleanLayers[layer.path].map { .number($0.gradient) } ?? .none, .number(layer.weight), .number(layer.ratio),
        cleanLayers[layer.path].map { .number($0.ratio) } ?? .none,
      ])
    }
    return ExportTable(
      columns: [
        "kind", "index", "name", "gradient_norm", "clean_gradient_norm", "weight_norm", "ratio", "clean_ratio",
      ],
      rows: rows)
  }
}
