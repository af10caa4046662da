/// Draws an ``ExplorerState`` into a ``ScreenGrid``: a pure function of the state and the size.
package enum ExplorerRenderer {
  /// The screen for `state` on a terminal of `size`.
  package static func render(_ state: ExplorerState, size: TerminalSize) -> ScreenGrid {
    var grid = ScreenGrid(width: size.width, height: size.height)
    if size.isTooSmall {
      drawTooSmall(&grid, glyphs: state.glyphs)
      if state.glyphs.isASCII { grid.replaceNonASCII() }
      return grid
    }
    let layout = ExplorerLayout(size: size)
    drawFrame(&grid, layout: layout, glyphs: state.glyphs, divided: state.compare == nil)
    if let view = state.compare {
      drawCompareTitle(&grid, view: view, state: state, layout: layout)
      ComparePane.draw(&grid, view: view, glyphs: state.glyphs, layout: layout)
    } else {
      drawTitle(&grid, state: state, layout: layout)
      drawTree(&grid, state: state, layout: layout)
      drawDetails(&grid, state: state, layout: layout)
    }
    switch state.overlay {
    case .help(let scroll): drawHelp(&grid, scroll: scroll, state: state, layout: layout)
    case .notices(let scroll):
      drawScrollingBox(
        &grid, title: " last notices (! or Esc closes) ",
        lines: NoticeLog.lines(for: state, width: layout.helpRect.width - 4),
        scroll: scroll, glyphs: state.glyphs, layout: layout)
    case .picker(let picker):
      PickerOverlay.draw(&grid, picker: picker, current: state.model.name, glyphs: state.glyphs, layout: layout)
    case .variant(let editor): VariantEditorOverlay.draw(&grid, editor: editor, glyphs: state.glyphs, layout: layout)
    case .classPrompt(let chooser):
      ClassPromptOverlay.draw(&grid, chooser: chooser, glyphs: state.glyphs, layout: layout)
    case .activations, .attention, .lesion, .reuse, .gradient, .wiring:
      if let overlay = state.overlay { drawRunView(&grid, overlay, state: state, layout: layout) }
    case nil: break
    }
    grid.put(
      StatusBar.line(for: state, width: layout.statusWidth), x: layout.statusX, y: layout.statusRow,
      maxWidth: layout.statusWidth)
    if let notice = state.notice,
      DisplayWidth.of(notice.text) > StatusBar.noticeRoom(for: state, width: layout.statusWidth)
    {
      drawNoticeBox(&grid, notice: notice, glyphs: state.glyphs)
    }
    if state.glyphs.isASCII { grid.replaceNonASCII() }
    return grid
  }

  /// A notice too long for the status bar (a refusal with its reason) also shows whole, wrapped in
  /// a box just above the status bar, until the next key.
  private static func drawNoticeBox(_ grid: inout ScreenGrid, notice: Notice, glyphs: GlyphSet) {
    let width = grid.width - 4
    let lines = TextFit.wrap(glyphs.text(notice.text), width: width - 4)
    let height = min(lines.count + 2, grid.height - 4)
    let y = grid.height - 3 - height
    drawBox(&grid, x: 2, y: y, width: width, height: height, glyphs: glyphs)
    for (k, line) in lines.prefix(height - 2).enumerated() {
      grid.put(line, x: 4, y: y + 1 + k, role: notice.isWarning ? .warning : .message, maxWidth: width - 4)
    }
  }

  // MARK: - Frame

  private static func drawFrame(_ grid: inout ScreenGrid, layout: ExplorerLayout, glyphs: GlyphSet, divided: Bool) {
    let w = grid.width, h = grid.height
    let bottom = h - 1, separator = h - 3
    let horizontal = scalar(glyphs.horizontal), vertical = scalar(glyphs.vertical)
    grid.fill(x: 1, y: 0, width: w - 2, height: 1, with: horizontal, role: .border)
    grid.fill(x: 1, y: separator, width: w - 2, height: 1, with: horizontal, role: .border)
    grid.fill(x: 1, y: bottom, width: w - 2, height: 1, with: horizontal, role: .border)
    for y in 1..<bottom where y != separator {
      grid[0, y] = Cell(vertical, .border)
      grid[w - 1, y] = Cell(vertical, .border)
    }
    grid[0, 0] = Cell(scalar(glyphs.topLeft), .border)
    grid[w - 1, 0] = Cell(scalar(glyphs.topRight), .border)
    grid[0, bottom] = Cell(scalar(glyphs.bottomLeft), .border)
    grid[w - 1, bottom] = Cell(scalar(glyphs.bottomRight), .border)
    grid[0, separator] = Cell(scalar(glyphs.teeRight), .border)
    grid[w - 1, separator] = Cell(scalar(glyphs.teeLeft), .border)
    guard divided else { return }
    for y in 1..<separator { grid[layout.dividerX, y] = Cell(vertical, .border) }
    grid[layout.dividerX, 0] = Cell(scalar(glyphs.teeDown), .border)
    grid[layout.dividerX, separator] = Cell(scalar(glyphs.teeUp), .border)
  }

  /// The header in the top border: model, params, MACs, input shape.
  private static func drawTitle(_ grid: inout ScreenGrid, state: ExplorerState, layout: ExplorerLayout) {
    let model = state.model, glyphs = state.glyphs
    let sep = " \(glyphs.separator) "
    var title = StyledLine(" \(model.name)", .title)
    appendInterventionCount(&title, state: state)
    title.append(sep, .border)
    title.append("\(DisplayFormat.grouped(model.totalParams)) params", .normal)
    title.append(sep, .border)
    title.append("\(DisplayFormat.compact(model.totalMACs)) MACs", .normal)
    title.append(sep, .border)
    title.append("input \(glyphs.shape(model.inputShape)) ", .normal)
    if !state.mouseCaptured {
      title.append(sep, .border)
      title.append("mouse off ", .warning)
    }
    appendRunSource(&title, state: state)
    grid.put(title, x: 1, y: 0, maxWidth: grid.width - 3)
  }

  /// The header of the compare view: how many models, which columns show, the input.
  private static func drawCompareTitle(
    _ grid: inout ScreenGrid, view: CompareView, state: ExplorerState, layout: ExplorerLayout
  ) {
    let glyphs = state.glyphs
    let sep = " \(glyphs.separator) "
    let first = view.columnScroll, last = min(view.models.count, first + layout.compareColumns)
    var title = StyledLine(" compare", .title)
    title.append(sep, .border)
    title.append(view.models.count == 1 ? "1 model" : "\(view.models.count) models", .normal)
    if view.models.count > last - first {
      title.append(" (\(first + 1)-\(last) shown, \(glyphs.keyLeftRight) scroll)", .dim)
    }
    title.append(sep, .border)
    let shapes = Set(view.models.map(\.inputShape))
    let input = shapes.count == 1 ? glyphs.shape(view.models[0].inputShape) : "each model's own"
    title.append("input \(input) ", .normal)
    grid.put(title, x: 1, y: 0, maxWidth: grid.width - 3)
  }

  // MARK: - Panes

  private static func drawTree(_ grid: inout ScreenGrid, state: ExplorerState, layout: ExplorerLayout) {
    let columns = TreePane.columns(for: state, width: layout.treeWidth)
    let headingRole: StyleRole = state.focus == .tree ? .headingFocused : .heading
    var heading = TreePane.heading(columns)
    heading.segments = heading.segments.map { StyledLine.Segment(text: $0.text, role: headingRole) }
    grid.put(heading, x: layout.treeX, y: layout.headingRow, maxWidth: layout.treeWidth)
    let rows = state.rows
    let end = min(rows.count, state.treeScroll + layout.contentHeight)
    let selectedRole: StyleRole = state.focus == .tree ? .selected : .selectedInactive
    for row in state.treeScroll..<max(state.treeScroll, end) {
      let y = layout.contentTop + row - state.treeScroll
      let line = TreePane.line(for: rows[row], in: state, columns: columns)
      grid.put(line, x: layout.treeX, y: y, maxWidth: layout.treeWidth)
      if rows[row] == state.selected {
        grid.restyle(y: y, x: layout.treeX, width: layout.treeWidth, role: selectedRole)
      }
      drawRunMark(&grid, node: rows[row], y: y, state: state, layout: layout, nameWidth: columns.name)
      drawInterventionMark(&grid, node: rows[row], y: y, state: state, layout: layout, nameWidth: columns.name)
    }
    let marginX = layout.dividerX - 1
    if state.treeScroll > 0 {
      grid.put(state.glyphs.moreAbove, x: marginX, y: layout.contentTop, role: .dim, maxWidth: 1)
    }
    if end < rows.count {
      grid.put(
        state.glyphs.moreBelow, x: marginX, y: layout.contentTop + layout.contentHeight - 1, role: .dim,
        maxWidth: 1)
    }
  }

  private static func drawDetails(_ grid: inout ScreenGrid, state: ExplorerState, layout: ExplorerLayout) {
    let headingRole: StyleRole = state.focus == .details ? .headingFocused : .heading
    grid.put("details", x: layout.detailsX, y: layout.headingRow, role: headingRole, maxWidth: layout.detailsWidth)
    let lines = DetailsPane.lines(for: state, width: layout.detailsWidth)
    let scroll = max(0, min(state.detailsScroll, lines.count - layout.contentHeight))
    let end = min(lines.count, scroll + layout.contentHeight)
    for k in scroll..<max(scroll, end) {
      grid.put(lines[k], x: layout.detailsX, y: layout.contentTop + k - scroll, maxWidth: layout.detailsWidth)
    }
    let marginX = grid.width - 2
    if scroll > 0 { grid.put(state.glyphs.moreAbove, x: marginX, y: layout.contentTop, role: .dim, maxWidth: 1) }
    if end < lines.count {
      grid.put(
        state.glyphs.moreBelow, x: marginX, y: layout.contentTop + layout.contentHeight - 1, role: .dim,
        maxWidth: 1)
    }
  }

  // MARK: - Overlays

  private static func drawHelp(_ grid: inout ScreenGrid, scroll: Int, state: ExplorerState, layout: ExplorerLayout) {
    let rect = layout.helpRect
    let glyphs = state.glyphs
    let lines = HelpOverlay.lines(glyphs: glyphs, width: rect.width - 4)
    drawScrollingBox(
      &grid, title: " keys (? or Esc closes) ", lines: lines, scroll: scroll, glyphs: glyphs, layout: layout)
  }

  /// A box in the help overlay's rectangle showing `lines` from `scroll` (clamped to the last page),
  /// with more-above / more-below marks on its right edge. Help and the run views share it.
  static func drawScrollingBox(
    _ grid: inout ScreenGrid, title: String, lines: [StyledLine], scroll: Int, glyphs: GlyphSet,
    layout: ExplorerLayout
  ) {
    let rect = layout.helpRect
    drawBox(&grid, x: rect.x, y: rect.y, width: rect.width, height: rect.height, glyphs: glyphs, title: title)
    let visible = layout.helpVisibleRows
    let first = max(0, min(scroll, lines.count - visible))
    let end = min(lines.count, first + visible)
    for k in first..<max(first, end) {
      grid.put(lines[k], x: rect.x + 2, y: rect.y + 1 + k - first, maxWidth: rect.width - 4)
    }
    if first > 0 { grid.put(glyphs.moreAbove, x: rect.x + rect.width - 2, y: rect.y + 1, role: .dim) }
    if end < lines.count {
      grid.put(glyphs.moreBelow, x: rect.x + rect.width - 2, y: rect.y + rect.height - 2, role: .dim)
    }
  }

  /// A cleared box with a border and an optional title in its top edge.
  package static func drawBox(
    _ grid: inout ScreenGrid, x: Int, y: Int, width: Int, height: Int, glyphs: GlyphSet, title: String = ""
  ) {
    guard width >= 2, height >= 2 else { return }
    grid.fill(x: x, y: y, width: width, height: height)
    let horizontal = scalar(glyphs.horizontal), vertical = scalar(glyphs.vertical)
    grid.fill(x: x + 1, y: y, width: width - 2, height: 1, with: horizontal, role: .border)
    grid.fill(x: x + 1, y: y + height - 1, width: width - 2, height: 1, with: horizontal, role: .border)
    grid.fill(x: x, y: y + 1, width: 1, height: height - 2, with: vertical, role: .border)
    grid.fill(x: x + width - 1, y: y + 1, width: 1, height: height - 2, with: vertical, role: .border)
    grid[x, y] = Cell(scalar(glyphs.topLeft), .border)
    grid[x + width - 1, y] = Cell(scalar(glyphs.topRight), .border)
    grid[x, y + height - 1] = Cell(scalar(glyphs.bottomLeft), .border)
    grid[x + width - 1, y + height - 1] = Cell(scalar(glyphs.bottomRight), .border)
    if !title.isEmpty { grid.put(title, x: x + 2, y: y, role: .title, maxWidth: width - 4) }
  }

  // MARK: - Too small

  private static func drawTooSmall(_ grid: inout ScreenGrid, glyphs: GlyphSet) {
    let minimum = TerminalSize.minimum
    let lines = [
      "Terminal too small",
      "\(grid.width)\(glyphs.times)\(grid.height): convscope needs at least \(minimum.width)\(glyphs.times)\(minimum.height).",
      "Enlarge the window, or press q to quit.",
    ]
    var wrapped: [(String, StyleRole)] = []
    for (k, text) in lines.enumerated() {
      for piece in TextFit.wrap(text, width: grid.width) { wrapped.append((piece, k == 0 ? .warning : .normal)) }
    }
    let top = max(0, (grid.height - wrapped.count) / 2)
    for (k, (text, role)) in wrapped.enumerated() {
      let x = max(0, (grid.width - DisplayWidth.of(text)) / 2)
      grid.put(text, x: x, y: top + k, role: role)
    }
  }

  private static func scalar(_ glyph: String) -> Unicode.Scalar { glyph.unicodeScalars.first ?? " " }
}
