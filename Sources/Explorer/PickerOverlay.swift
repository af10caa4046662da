/// Draws the model picker: a box with the filter, column headings and the models by family.
package enum PickerOverlay {
  /// Columns of the model name, parameter count and MACs.
  static let nameWidth = 20
  static let paramsWidth = 12
  static let macsWidth = 8
  static let inputWidth = 12

  /// The picker's list line `line` (a family heading or a model), `width` columns wide.
  package static func line(
    _ line: ModelPicker.Line, in picker: ModelPicker, current: String, glyphs: GlyphSet, width: Int
  ) -> StyledLine {
    switch line {
    case .family(let name):
      return StyledLine(name, .heading)
    case .entry(let i):
      let entry = picker.entries[i]
      var out = StyledLine("  ")
      out.append(TextFit.padRight(entry.name, to: nameWidth), .normal)
      if let refusal = entry.refusal {
        out.append(
          TextFit.truncate(
            " cannot take this input: \(refusal)", to: max(1, width - 2 - nameWidth), ellipsis: glyphs.ellipsis), .dim)
        return out
      }
      out.append(TextFit.padLeft(DisplayFormat.grouped(entry.params), to: paramsWidth), .number)
      out.append(TextFit.padLeft(DisplayFormat.compact(entry.macs), to: macsWidth + 1), .number)
      // S×S at batch 1; the whole input shape (2×3×160×160) when the batch is not 1.
      let x = glyphs.times, square = "\(entry.inputSize)\(x)\(entry.inputSize)"
      let input = entry.batch == 1 ? square : "\(entry.batch)\(x)3\(x)\(square)"
      out.append(TextFit.padLeft(input, to: inputWidth + 1), .shape)
      if entry.name == current { out.append("  (open)", .dim) }
      return out
    }
  }

  /// Draws `picker` over the screen.
  package static func draw(
    _ grid: inout ScreenGrid, picker: ModelPicker, current: String, glyphs: GlyphSet, layout: ExplorerLayout
  ) {
    let rect = layout.pickerRect
    let title = picker.purpose == .open ? " open a model " : " add a model to the comparison "
    ExplorerRenderer.drawBox(
      &grid, x: rect.x, y: rect.y, width: rect.width, height: rect.height, glyphs: glyphs, title: title)
    let x = rect.x + 2, inner = rect.width - 4
    var filter = StyledLine("filter ", .label)
    filter.append(picker.filter, .prompt)
    filter.append(glyphs.caret, .prompt)
    let count = picker.matching.count
    filter.append("  \(count) of \(picker.entries.count) models", count == 0 ? .warning : .dim)
    grid.put(filter, x: x, y: rect.y + 1, maxWidth: inner)
    var heading = StyledLine(TextFit.padRight("  model", to: nameWidth + 2), .heading)
    heading.append(TextFit.padLeft("params", to: paramsWidth), .heading)
    heading.append(TextFit.padLeft("MACs", to: macsWidth + 1), .heading)
    heading.append(TextFit.padLeft("input", to: inputWidth + 1), .heading)
    grid.put(heading, x: x, y: rect.y + 2, maxWidth: inner)
    let lines = picker.lines
    let rows = layout.pickerVisibleRows
    let end = min(lines.count, picker.scroll + rows)
    for k in picker.scroll..<max(picker.scroll, end) {
      let y = layout.pickerListTop + k - picker.scroll
      grid.put(line(lines[k], in: picker, current: current, glyphs: glyphs, width: inner), x: x, y: y, maxWidth: inner)
      if case .entry(let i) = lines[k], i == picker.selected {
        grid.restyle(y: y, x: rect.x + 1, width: rect.width - 2, role: .selected)
      }
    }
    if lines.isEmpty {
      grid.put(
        "no model matches: Backspace edits the filter", x: x, y: layout.pickerListTop, role: .warning, maxWidth: inner)
    }
    let marginX = rect.x + rect.width - 2
    if picker.scroll > 0 { grid.put(glyphs.moreAbove, x: marginX, y: layout.pickerListTop, role: .dim, maxWidth: 1) }
    if end < lines.count {
      grid.put(glyphs.moreBelow, x: marginX, y: layout.pickerListTop + rows - 1, role: .dim, maxWidth: 1)
    }
  }
}
