import Analysis
import Foundation

/// The lesion view (`L`): the study's progress, then KL(p_clean ‖ p) of each candidate along depth on a log
/// scale, and the candidates in a table sorted by KL (Enter selects the row's block in the tree).
package enum LesionView {
  /// Rows of the chart.
  static let chartHeight = 5
  /// The chart's floor: KLs below it draw as empty columns.
  static let floor = 1e-6

  /// The view's lines at `width` columns.
  package static func lines(for state: ExplorerState, _ view: LesionOverlay, width: Int) -> [StyledLine] {
    let glyphs = state.glyphs, sep = " \(glyphs.separator) "
    var out: [StyledLine] = []
    var head = StyledLine(view.family.isEmpty ? "lesion study" : "each of \(view.total) \(view.family)", .heading)
    head.append(sep + "base: \(glyphs.text(view.base))", .dim)
    out.append(head)
    if let failure = view.failure {
      for piece in TextFit.wrap(glyphs.text(failure), width: width) { out.append(StyledLine(piece, .warning)) }
      return out
    }
    guard let result = view.result else {
      guard view.total > 0 else {
        out.append(StyledLine("starting: the clean pass runs first", .message))
        return out
      }
      var line = StyledLine("running ", .message)
      line.append("\(view.done)/\(max(view.total, view.done))", .number)
      line.append(" candidates", .message)
      out.append(line)
      let bar = glyphs.bar(fraction: view.total > 0 ? Double(view.done) / Double(view.total) : 0, width: max(1, width))
      var barLine = StyledLine(bar.filled, .bar)
      barLine.append(bar.empty, .barEmpty)
      out.append(barLine)
      out.append(StyledLine("in the background: keys keep working; Esc stops the study", .dim))
      return out
    }
    guard !result.rows.isEmpty else {
      out.append(StyledLine("no candidates", .dim))
      return out
    }
    let order = result.byKL
    let chosen = order.indices.contains(view.selected) ? order[view.selected] : nil
    let top = result.rows.map(\.kl).max() ?? 0
    let low = max(floor, min(top, result.rows.map(\.kl).filter { $0 > 0 }.min() ?? floor) / 10)
    out.append(
      StyledLine(
        "KL(p_clean \(glyphs.text("‖")) p) along depth, log scale: \(Plots.number(low)) \(glyphs.text("…")) "
          + Plots.number(top),
        .dim))
    let values = result.rows.map { log10(max($0.kl, low) / low) }
    out += Plots.columns(values, height: chartHeight, width: width, glyphs: glyphs, highlight: chosen)
    let first = result.rows.first?.path ?? "", last = result.rows.last?.path ?? ""
    let gap = max(1, width - DisplayWidth.of(first) - DisplayWidth.of(last))
    out.append(StyledLine(first + String(repeating: " ", count: gap) + last, .dim))
    out.append(
      StyledLine(
        "\(result.rows.count) candidates in \(NumberFormat.fixed(result.fullPassEquivalents, 1)) full passes "
          + "(each resumes from its own step)",
        .dim))
    out.append(StyledLine())
    out.append(header(width: width))
    for (rank, index) in order.enumerated() {
      out.append(row(result.rows[index], rank: rank, width: width, glyphs: glyphs, selected: rank == view.selected))
    }
    return out
  }

  /// The table's first line (its index in ``lines(for:_:width:)``), so scrolling can keep the selection shown.
  static func tableStart(_ view: LesionOverlay) -> Int { view.result.map { _ in 6 + chartHeight } ?? 0 }

  /// The first line shown: the chart while the selection is near the top, else enough to show the selection.
  static func scroll(_ view: LesionOverlay, lines: Int, layout: ExplorerLayout) -> Int {
    let visible = layout.helpVisibleRows
    let wanted = tableStart(view) + 1 + view.selected
    return max(0, min(wanted - visible + 1, lines - visible))
  }

  private static let columnWidths = (rank: 4, kl: 10, top1: 8, probability: 9)

  private static func header(width: Int) -> StyledLine {
    let w = columnWidths
    let spec = max(8, width - w.rank - w.kl - w.top1 - w.probability - 4 - 12)
    var line = StyledLine(TextFit.padLeft("#", to: w.rank) + " " + TextFit.padRight("intervention", to: spec), .heading)
    line.append(" " + TextFit.padLeft("KL", to: w.kl), .heading)
    line.append(" " + TextFit.padRight("top-1", to: w.top1), .heading)
    line.append(" " + TextFit.padLeft("p(clean)", to: w.probability), .heading)
    line.append("  now top-1", .heading)
    return line
  }

  private static func row(_ row: LesionRow, rank: Int, width: Int, glyphs: GlyphSet, selected: Bool) -> StyledLine {
    let w = columnWidths
    let spec = max(8, width - w.rank - w.kl - w.top1 - w.probability - 4 - 12)
    var line = StyledLine(
      TextFit.padLeft("\(rank + 1)", to: w.rank) + " "
        + TextFit.padRight(TextFit.truncate(row.spec, to: spec, ellipsis: glyphs.ellipsis), to: spec),
      selected ? .selected : .normal)
    line.append(" " + TextFit.padLeft(Plots.number(row.kl), to: w.kl), selected ? .selected : .number)
    line.append(" " + TextFit.padRight(row.sameTop1 ? "same" : "changed", to: w.top1), row.sameTop1 ? .dim : .ablated)
    line.append(" " + TextFit.padLeft(Plots.percent(row.cleanTop1Probability), to: w.probability), .number)
    line.append("  " + TextFit.truncate(glyphs.text(row.top1), to: 30, ellipsis: glyphs.ellipsis), .dim)
    return line
  }
}
