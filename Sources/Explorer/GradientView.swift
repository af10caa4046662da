import Analysis
import Foundation

/// The gradient view (`b`): ‖∂L/∂x‖₂ per step along depth and ‖∂L/∂W‖₂/‖W‖₂ per parameterised layer, each on a
/// log scale with its decades marked, the selected step's columns highlighted and its numbers written out; with
/// interventions on, the clean network's curve is drawn beside the intervened one.
package enum GradientView {
  /// One curve of a chart: its values (0 or less: nothing drawn), how its marks look, and its legend.
  struct Series {
    var values: [Double]
    var role: StyleRole
    var name: String
  }

  /// Columns of the decade labels left of a chart (`1e-12 ┤`).
  static let axisWidth = 7

  /// Rows of each chart at `layout` (more on a tall terminal).
  static func chartHeight(_ layout: ExplorerLayout) -> Int { max(4, min(10, (layout.helpVisibleRows - 10) / 2)) }

  /// The view's lines at `width` columns.
  package static func lines(for state: ExplorerState, width: Int, layout: ExplorerLayout) -> [StyledLine] {
    let glyphs = state.glyphs, sep = " \(glyphs.separator) "
    var out: [StyledLine] = []
    if let running = state.live.backward {
      var line = StyledLine("running forward + backward for \(glyphs.text(running.objective))", .message)
      line.append(sep + "x cancels, keys keep working", .dim)
      out.append(line)
    }
    guard let digest = state.live.gradient else {
      if state.live.backward == nil { out.append(StyledLine("no backward pass yet: b runs one", .dim)) }
      return out
    }
    var head = StyledLine(
      glyphs.text("L = Σₙ logit[n, \(digest.target)]") + " (\(glyphs.text(digest.className)))", .heading)
    head.append(sep + "L " + sci(digest.loss), .number)
    out += wrapped(head, width: width)
    let with = digest.interventions.isEmpty ? "clean network" : "with " + digest.interventions.joined(separator: ", ")
    out.append(
      StyledLine(
        TextFit.truncate(
          glyphs.text("\(with) · ‖∂L/∂input‖ \(sci(digest.inputNorm)) · \(NumberFormat.fixed(digest.seconds, 2)) s"),
          to: width, ellipsis: glyphs.ellipsis), .dim))
    let selectedStep = state.stepIndex(forNode: state.selected)
    let height = chartHeight(layout)
    let intervenedRole: StyleRole = .ablated
    // Steps along depth.
    out.append(StyledLine())
    out.append(StyledLine(glyphs.text("‖∂L/∂x‖₂ per step along depth (log scale)"), .heading))
    var stepSeries = [Series(values: digest.curves.steps, role: digest.clean == nil ? .bar : intervenedRole, name: "")]
    if let clean = digest.clean {
      stepSeries = [
        Series(values: clean.steps, role: .bar, name: "clean"),
        Series(values: digest.curves.steps, role: intervenedRole, name: digest.interventions.joined(separator: ", ")),
      ]
    }
    out += chart(stepSeries, height: height, width: width, highlight: selectedStep.map { [$0] } ?? [], glyphs: glyphs)
    out.append(ends(digest.stepNames.first ?? "", digest.stepNames.last ?? "", width: width))
    if digest.clean != nil { out.append(legend(stepSeries, glyphs: glyphs)) }
    // Layers along depth.
    let layerStep = digest.curves.layers.map { layer in state.model.index(ofPath: layer.path).flatMap(state.stepIndex) }
    let highlighted = layerStep.indices.filter { layerStep[$0] != nil && layerStep[$0] == selectedStep }
    out.append(StyledLine())
    out.append(
      StyledLine(
        glyphs.text("‖∂L/∂W‖₂ / ‖W‖₂ per parameterised layer (\(digest.curves.layers.count), log scale)"), .heading))
    var layerSeries = [
      Series(values: digest.curves.layers.map(\.ratio), role: digest.clean == nil ? .bar : intervenedRole, name: "")
    ]
    if let clean = digest.clean {
      layerSeries = [
        Series(values: clean.layers.map(\.ratio), role: .bar, name: "clean"),
        Series(values: layerSeries[0].values, role: intervenedRole, name: digest.interventions.joined(separator: ", ")),
      ]
    }
    out += chart(layerSeries, height: height, width: width, highlight: highlighted, glyphs: glyphs)
    out.append(ends(digest.curves.layers.first?.path ?? "", digest.curves.layers.last?.path ?? "", width: width))
    if digest.clean != nil { out.append(legend(layerSeries, glyphs: glyphs)) }
    // The selected step's numbers.
    out.append(StyledLine())
    guard let step = selectedStep, digest.curves.steps.indices.contains(step) else { return out }
    out += stepNumbers(digest, step: step, layers: highlighted, glyphs: glyphs, width: width)
    return out
  }

  /// The selected step's ‖∂L/∂x‖ (and the clean one's), its residual norms and its layers' numbers.
  static func stepNumbers(
    _ digest: GradientDigest, step: Int, layers: [Int], glyphs: GlyphSet, width: Int
  ) -> [StyledLine] {
    let sep = " \(glyphs.separator) "
    let name = digest.stepNames[step]
    var out: [StyledLine] = []
    var line = StyledLine("step \(step + 1)/\(digest.stepNames.count) \(name)", .match)
    line.append(sep + glyphs.text("‖∂L/∂x‖ "), .label)
    line.append(sci(digest.curves.steps[step]), .number)
    if let clean = digest.clean, clean.steps.indices.contains(step) {
      line.append(sep + "clean ", .label)
      line.append(sci(clean.steps[step]), .number)
    }
    out += wrapped(line, width: width)
    if let residual = digest.residuals[name] {
      var r = StyledLine(glyphs.text("  into the block: ‖∂L/∂·‖ shortcut "), .label)
      r.append(sci(residual.shortcut), .number)
      r.append(sep + "branch ", .label)
      r.append(sci(residual.branch), .number)
      out += wrapped(r, width: width)
    }
    guard !layers.isEmpty else { return out }
    let pathWidth = max(8, min(28, width - 3 * 11 - 2))
    var header = StyledLine(TextFit.padRight("  layer", to: pathWidth + 2), .heading)
    for title in ["‖W‖₂", "‖∂L/∂W‖₂", "ratio"] { header.append(TextFit.padLeft(glyphs.text(title), to: 11), .heading) }
    out.append(header)
    for index in layers {
      let layer = digest.curves.layers[index]
      var row = StyledLine(
        "  " + TextFit.padRight(TextFit.truncate(layer.path, to: pathWidth, ellipsis: glyphs.ellipsis), to: pathWidth))
      for value in [layer.weight, layer.gradient, layer.ratio] {
        row.append(TextFit.padLeft(sci(value), to: 11), .number)
      }
      out.append(row)
    }
    return out
  }

  /// `x` as `grad`'s table writes it (four decimals, exponent): `3.2100e-01`.
  package static func sci(_ x: Double) -> String { String(format: "%.4e", x) }

  /// A log-scale chart of `series` over `width` columns (the axis included), `height` rows: the first series
  /// as columns of eighth blocks, a second as a mark in each column at its value; the columns of `highlight`
  /// (indices into the values) in the match role; decades labelled on the axis.
  static func chart(
    _ series: [Series], height: Int, width: Int, highlight: [Int], glyphs: GlyphSet
  ) -> [StyledLine] {
    let count = series.map(\.values.count).max() ?? 0
    let positive = series.flatMap(\.values).filter { $0 > 0 && $0.isFinite }
    guard count > 0, height > 0, let lowest = positive.min(), let highest = positive.max() else {
      return [StyledLine("  (every value is 0: no gradient reaches these)", .dim)]
    }
    // A margin below the lowest value, so that it still draws a sliver on an exact decade.
    var lo = (log10(lowest) - 0.05).rounded(.down), hi = log10(highest).rounded(.up)
    if hi <= lo { (lo, hi) = (lo - 1, hi + 1) }
    let plotWidth = max(1, width - axisWidth)
    // Each column covers a range of values (averaged in log space when there are more values than columns).
    let perValue = max(1, min(4, plotWidth / count))
    let columns: [Range<Int>] =
      count * perValue <= plotWidth
      ? (0..<count).flatMap { i in Array(repeating: i..<(i + 1), count: perValue) }
      : (0..<plotWidth).map { c in
        let a = c * count / plotWidth
        return a..<max(a + 1, (c + 1) * count / plotWidth)
      }
    func level(_ values: [Double], _ range: Range<Int>) -> Double? {
      let logs = range.filter { values.indices.contains($0) && values[$0] > 0 }.map { log10(values[$0]) }
      guard !logs.isEmpty else { return nil }
      return (logs.reduce(0, +) / Double(logs.count) - lo) / (hi - lo)
    }
    let pieces = glyphs.isASCII ? Plots.asciiColumns : Plots.unicodeColumns
    let mark = glyphs.isASCII ? "o" : "●"
    let highlightSet = Set(highlight)
    var lines: [StyledLine] = []
    for row in 0..<height {
      // The decade (if any) whose label goes on this row.
      let top = hi - (hi - lo) * Double(row) / Double(height),
        bottom = hi - (hi - lo) * Double(row + 1) / Double(height)
      let decade = stride(from: hi, through: lo, by: -1).first {
        $0 <= top && $0 > bottom || (row == height - 1 && $0 == lo)
      }
      var line = StyledLine(
        TextFit.padLeft(decade.map { "1e\(Int($0))" } ?? "", to: axisWidth - 2) + " "
          + (decade != nil ? (glyphs.isASCII ? "+" : "┤") : (glyphs.isASCII ? "|" : "│")), .dim)
      let floor = Double(height - 1 - row) * 8
      for range in columns {
        let isHighlight = !highlightSet.isDisjoint(with: range)
        var text = " ", role: StyleRole = series[0].role
        if let f = level(series[0].values, range) {
          let filled = min(8, max(0, Int((f * Double(height * 8)).rounded() - floor)))
          text = pieces[filled]
        }
        if series.count > 1, let f = level(series[1].values, range) {
          let markRow = height - 1 - min(height - 1, max(0, Int(f * Double(height))))
          if markRow == row {
            text = mark
            role = series[1].role
          }
        }
        if isHighlight && role == series[0].role {
          role = .match
          if text == " " { text = glyphs.isASCII ? "|" : "▏" }
        }
        line.append(text, role)
      }
      lines.append(line)
    }
    return lines
  }

  /// `first … last` under a chart, the names at its two ends.
  static func ends(_ first: String, _ last: String, width: Int) -> StyledLine {
    let indent = String(repeating: " ", count: axisWidth)
    let gap = max(1, width - axisWidth - DisplayWidth.of(first) - DisplayWidth.of(last))
    return StyledLine(indent + first + String(repeating: " ", count: gap) + last, .dim)
  }

  /// `█ clean  ● plain`: how each series is drawn.
  static func legend(_ series: [Series], glyphs: GlyphSet) -> StyledLine {
    var line = StyledLine(String(repeating: " ", count: axisWidth))
    line.append(glyphs.isASCII ? "#" : "█", series[0].role)
    line.append(" clean network  ", .dim)
    if series.count > 1 {
      line.append(glyphs.isASCII ? "o" : "●", series[1].role)
      line.append(" with " + glyphs.text(series[1].name), .dim)
    }
    return line
  }

  /// `line` cut into pieces of at most `width` columns (segments kept whole where they fit).
  static func wrapped(_ line: StyledLine, width: Int) -> [StyledLine] {
    guard line.width > width else { return [line] }
    var out: [StyledLine] = []
    var current = StyledLine()
    for segment in line.segments {
      if current.width + DisplayWidth.of(segment.text) > width, current.width > 0 {
        out.append(current)
        current = StyledLine()
      }
      current.append(
        TextFit.truncate(segment.text.trimmingPrefixSpaces(if: current.width == 0), to: width, ellipsis: ""),
        segment.role)
    }
    if current.width > 0 { out.append(current) }
    return out
  }
}

extension String {
  /// The string without its leading spaces when `condition` holds (a wrapped segment that starts a line).
  fileprivate func trimmingPrefixSpaces(if condition: Bool) -> String {
    condition ? String(drop { $0 == " " }) : self
  }
}
