/// Draws the class prompt of `b`: a box with the filter, the objective it sets, and the matching classes.
package enum ClassPromptOverlay {
  /// List rows shown at once in `layout` (the box less its border, filter, objective and hint lines).
  static func visibleRows(_ layout: ExplorerLayout) -> Int { max(1, layout.pickerRect.height - 5) }

  /// The first list row shown: enough to keep the choice visible.
  static func scroll(_ chooser: ClassChooser, rows: Int) -> Int { max(0, chooser.choice - rows + 1) }

  /// Draws `chooser` over the screen.
  package static func draw(_ grid: inout ScreenGrid, chooser: ClassChooser, glyphs: GlyphSet, layout: ExplorerLayout) {
    let rect = layout.pickerRect
    ExplorerRenderer.drawBox(
      &grid, x: rect.x, y: rect.y, width: rect.width, height: rect.height, glyphs: glyphs,
      title: " backward pass: which class? ")
    let x = rect.x + 2, inner = rect.width - 4
    let entries = chooser.entries
    var filter = StyledLine("class ", .label)
    filter.append(chooser.text, .prompt)
    filter.append(glyphs.caret, .prompt)
    let count = chooser.text.isEmpty ? chooser.classCount : entries.count
    filter.append("  \(count) of \(chooser.classCount) classes", count == 0 ? .warning : .dim)
    grid.put(filter, x: x, y: rect.y + 1, maxWidth: inner)
    let target = chooser.chosen.map { $0.index.map(String.init) ?? "top-1" } ?? "C"
    grid.put(
      glyphs.text("objective L = Σₙ logit[n, \(target)] · Enter runs forward + backward"), x: x,
      y: rect.y + 2, role: .dim, maxWidth: inner)
    let rows = visibleRows(layout)
    let first = scroll(chooser, rows: rows)
    for (k, entry) in entries.dropFirst(first).prefix(rows).enumerated() {
      let index = first + k
      let chosen = index == chooser.choice
      let text = TextFit.truncate(glyphs.text(entry.label), to: inner - 2, ellipsis: glyphs.ellipsis)
      let line = TextFit.padRight((chosen ? "\(glyphs.text("›")) " : "  ") + text, to: inner)
      grid.put(line, x: x, y: rect.y + 4 + k, role: chosen ? .selected : (entry.index == nil ? .message : .normal))
    }
    if entries.isEmpty {
      grid.put("no class matches: Backspace edits", x: x, y: rect.y + 4, role: .warning, maxWidth: inner)
    }
  }
}
