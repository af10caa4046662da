import Runtime

/// The activation view (`v`): per step along the network's depth, the mean, std and zeros % of the
/// tensor each step hands on, as column charts, with the selected step highlighted; then a table.
package enum ActivationView {
  /// Rows of each chart.
  static let chartHeight = 4

  /// The view's lines at `width` columns.
  package static func lines(for state: ExplorerState, width: Int) -> [StyledLine] {
    let live = state.live, glyphs = state.glyphs
    let ran = live.completed.filter { $0.statistics != nil }
    guard !ran.isEmpty else {
      return TextFit.wrap("No step has run yet: s steps the forward pass, r runs it to the end.", width: width)
        .map { StyledLine($0, .dim) }
    }
    let selected = state.stepIndex(forNode: state.selected)
    var out: [StyledLine] = []
    var title = StyledLine("\(ran.count)/\(live.stepNames.count) steps run", .dim)
    if let selected, selected < live.stepNames.count {
      title.append("  \(glyphs.separator) selected ", .dim)
      title.append(live.stepNames[selected], .match)
      title.append("  (\(glyphs.keyUpDown) moves)", .dim)
    }
    out.append(title)
    let metrics: [(String, (ActivationStatistics) -> Double, (Double) -> String)] = [
      ("mean", { $0.mean }, Plots.number), ("std", { $0.std }, Plots.number),
      ("zeros", { $0.zeroFraction }, Plots.percent),
    ]
    for (name, value, format) in metrics {
      let values = ran.compactMap { $0.statistics.map(value) }
      var heading = StyledLine(name, .heading)
      heading.append("  \(format(values.min() ?? 0)) \(glyphs.text("…")) \(format(values.max() ?? 0))", .dim)
      if let selected, selected < ran.count { heading.append("  selected \(format(values[selected]))", .match) }
      out.append(heading)
      out += Plots.columns(values, height: chartHeight, width: width, glyphs: glyphs, highlight: selected)
    }
    out.append(StyledLine())
    let nameWidth = max(8, min(width - 40, live.stepNames.map { DisplayWidth.of($0) }.max() ?? 8))
    var header = StyledLine(TextFit.padRight("  step", to: nameWidth + 5), .heading)
    for column in ["mean", "std", "zeros", "time"] { header.append(TextFit.padLeft(column, to: 9), .heading) }
    out.append(header)
    for digest in ran {
      guard let s = digest.statistics else { continue }
      let isSelected = digest.index == selected
      let name = TextFit.truncate(digest.name, to: nameWidth, ellipsis: glyphs.ellipsis)
      var line = StyledLine(
        TextFit.padLeft("\(digest.index + 1)", to: 4) + " " + TextFit.padRight(name, to: nameWidth),
        isSelected ? .match : .normal)
      line.append(TextFit.padLeft(Plots.number(s.mean), to: 9), .number)
      line.append(TextFit.padLeft(Plots.number(s.std), to: 9), .number)
      line.append(TextFit.padLeft(Plots.percent(s.zeroFraction), to: 9), .number)
      line.append(TextFit.padLeft(DetailsPane.milliseconds(digest.seconds), to: 9), .stepTime)
      out.append(line)
    }
    return out
  }
}
