/// Draws the compare view: a label column, then one column per model with its totals, depth and
/// per-stage output shapes, parameters and MACs (bars scaled to the largest stage in the view, so
/// columns compare at a glance).
package enum ComparePane {
  /// Cells of a bar, and of the number beside it.
  static let barWidth = 5
  static let numberWidth = 6

  /// The lines of the view, each a label and one cell per model (`nil`: empty), before scrolling.
  package static func lines(for view: CompareView, glyphs: GlyphSet) -> [(label: StyledLine, cells: [StyledLine])] {
    let models = view.models
    var out: [(StyledLine, [StyledLine])] = []
    func row(_ label: String, _ role: StyleRole = .label, _ cell: (ModelSummary) -> StyledLine) {
      out.append((StyledLine(label, role), models.map(cell)))
    }
    row("model", .heading) { StyledLine($0.name, .title) }
    row("family") { StyledLine($0.family, .kind) }
    row("input") { StyledLine(glyphs.shape($0.inputShape), .shape) }
    // A variant beside its base also shows the difference of each figure from the base's.
    row("params") {
      var line = StyledLine(DisplayFormat.grouped($0.params), .number)
      if let base = view.base(of: $0) {
        line.append("  " + ExplorerState.difference($0.params, from: base.params), .prompt)
      }
      return line
    }
    row("MACs") {
      var line = StyledLine(DisplayFormat.compact($0.macs), .number)
      if let base = view.base(of: $0), let change = ExplorerState.percentChange($0.macs, from: base.macs) {
        line.append("  " + change, .prompt)
      }
      return line
    }
    row("depth") {
      var line = StyledLine("\(DisplayFormat.grouped($0.depth))", .number)
      line.append(" conv+linear layers", .dim)
      if let base = view.base(of: $0), base.depth != $0.depth {
        line.append(" " + ExplorerState.difference($0.depth, from: base.depth), .prompt)
      }
      return line
    }
    row("stages", .heading) { _ in
      var line = StyledLine(TextFit.padRight("params", to: barWidth + numberWidth + 1), .heading)
      line.append("  MACs", .heading)
      return line
    }
    let maxParams = models.flatMap { $0.stages.map(\.params) }.max() ?? 0
    let maxMACs = models.flatMap { $0.stages.map(\.macs) }.max() ?? 0
    for r in 0..<view.stageRowCount {
      let label = r == 0 ? "stem" : r == view.stageRowCount - 1 ? "head" : "stage \(r)"
      out.append(
        (
          StyledLine(label, .label),
          models.map { model in
            guard let stage = view.stage(of: model, row: r) else { return StyledLine() }
            var line = StyledLine(stage.name, .normal)
            line.append(" " + glyphs.shape(stage.outputShape), .shape)
            return line
          }
        ))
      out.append(
        (
          StyledLine(),
          models.map { model in
            guard let stage = view.stage(of: model, row: r) else { return StyledLine() }
            var line = GradientBar.line(
              fraction: maxParams > 0 ? Double(stage.params) / Double(maxParams) : 0, width: barWidth,
              glyphs: glyphs, roles: GradientBar.params)
            line.append(" " + TextFit.padLeft(DisplayFormat.compact(stage.params), to: numberWidth) + "  ", .number)
            line.segments +=
              GradientBar.line(
                fraction: maxMACs > 0 ? Double(stage.macs) / Double(maxMACs) : 0, width: barWidth, glyphs: glyphs
              ).segments
            line.append(" " + TextFit.padLeft(DisplayFormat.compact(stage.macs), to: numberWidth), .number)
            return line
          }
        ))
    }
    return out
  }

  /// Draws `view` into the compare area of `layout`.
  package static func draw(_ grid: inout ScreenGrid, view: CompareView, glyphs: GlyphSet, layout: ExplorerLayout) {
    let x0 = layout.compareX, y0 = layout.compareTop
    let height = layout.compareHeight, width = layout.compareWidth
    let visible = layout.compareColumns
    let all = lines(for: view, glyphs: glyphs)
    let first = view.columnScroll
    let last = min(view.models.count, first + visible)
    let cellWidth = CompareView.columnWidth - 1
    let end = min(all.count, view.lineScroll + height)
    for k in view.lineScroll..<max(view.lineScroll, end) {
      let y = y0 + k - view.lineScroll
      let (label, cells) = all[k]
      grid.put(label, x: x0 + 1, y: y, maxWidth: CompareView.labelWidth - 2)
      for column in first..<max(first, last) {
        let x = x0 + CompareView.labelWidth + (column - first) * CompareView.columnWidth
        grid.put(cells[column], x: x, y: y, maxWidth: cellWidth)
        if k == 0 && column == view.selected {
          grid.restyle(y: y, x: x - 1, width: cellWidth + 1, role: .selected)
        }
      }
    }
    if view.models.isEmpty {
      grid.put("no models to compare: + adds one, Esc closes", x: x0 + CompareView.labelWidth, y: y0, role: .dim)
    }
    // Sideways and downwards scroll marks.
    if first > 0 { grid.put(glyphs.moreLeft, x: x0 + CompareView.labelWidth - 2, y: y0, role: .dim, maxWidth: 1) }
    if last < view.models.count { grid.put(glyphs.moreRight, x: x0 + width - 1, y: y0, role: .dim, maxWidth: 1) }
    if view.lineScroll > 0 { grid.put(glyphs.moreAbove, x: x0 + width - 1, y: y0 + 1, role: .dim, maxWidth: 1) }
    if end < all.count { grid.put(glyphs.moreBelow, x: x0 + width - 1, y: y0 + height - 1, role: .dim, maxWidth: 1) }
  }
}
