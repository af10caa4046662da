/// Draws the variant editor: a form of the base's keys (value here, value in the base), what the chosen key
/// means and accepts, why the last Enter was refused, and the model Enter would ask for.
package enum VariantEditorOverlay {
  /// Columns of the key name and of the value.
  static let keyWidth = 18
  static let valueWidth = 18

  /// The editor's lines, `width` columns wide.
  package static func lines(for editor: VariantEditor, glyphs: GlyphSet, width: Int) -> [StyledLine] {
    var out: [StyledLine] = []
    var heading = StyledLine(TextFit.padRight("  key", to: keyWidth + 2), .heading)
    heading.append(TextFit.padRight("value", to: valueWidth), .heading)
    heading.append("base \(editor.spec.baseName)", .heading)
    out.append(heading)
    for (k, field) in editor.fields.enumerated() {
      let chosen = k == editor.selected
      var line = StyledLine(chosen ? (glyphs.isASCII ? "> " : "▸ ") : "  ", .key)
      line.append(TextFit.padRight(field.key, to: keyWidth), chosen ? .key : .label)
      let value = field.text + (chosen ? glyphs.caret : "")
      line.append(TextFit.padRight(value, to: valueWidth), field.isChanged ? .prompt : .normal)
      line.append(field.base, .dim)
      out.append(line)
    }
    out.append(StyledLine())
    if editor.fields.indices.contains(editor.selected) {
      let field = editor.fields[editor.selected]
      for piece in TextFit.wrap("\(field.key): \(field.doc); \(field.expected)", width: width) {
        out.append(StyledLine(glyphs.text(piece), .dim))
      }
    }
    if let refusal = editor.refusal {
      for piece in TextFit.wrap("refused: \(refusal)", width: width) {
        out.append(StyledLine(glyphs.text(piece), .warning))
      }
    }
    let settings = editor.settings
    var result = StyledLine("Enter ", .key)
    result.append(
      settings.isEmpty
        ? "opens \(editor.spec.baseName) as it is"
        : "builds \(editor.spec.baseName) \(glyphs.separator) \(settings.joined(separator: " "))", .normal)
    out.append(result)
    return out
  }

  /// Draws `editor` over the screen, in the help overlay's rectangle.
  package static func draw(_ grid: inout ScreenGrid, editor: VariantEditor, glyphs: GlyphSet, layout: ExplorerLayout) {
    let rect = layout.helpRect
    ExplorerRenderer.drawBox(
      &grid, x: rect.x, y: rect.y, width: rect.width, height: rect.height, glyphs: glyphs,
      title: " edit \(editor.spec.displayName) (Enter applies, Esc cancels) ")
    let all = lines(for: editor, glyphs: glyphs, width: rect.width - 4)
    for (k, line) in all.prefix(layout.helpVisibleRows).enumerated() {
      grid.put(line, x: rect.x + 2, y: rect.y + 1 + k, maxWidth: rect.width - 4)
      if k == editor.selected + 1 {
        grid.restyle(y: rect.y + 1 + k, x: rect.x + 1, width: rect.width - 2, role: .selected)
      }
    }
  }
}
