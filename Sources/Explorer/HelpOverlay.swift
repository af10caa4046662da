/// The `?` overlay: the main screen's part of the keybinding table as lines (``KeyBindings/table``).
package enum HelpOverlay {
  /// The help text fitted to `width` columns: key names, then what they do (wrapped).
  package static func lines(glyphs: GlyphSet, width: Int) -> [StyledLine] {
    let unicode = glyphs == .unicode
    let labels = KeyBindings.table.map { unicode ? $0.label : $0.asciiLabel }
    let keyWidth = (labels.map { DisplayWidth.of($0) }.max() ?? 0) + 2
    let textWidth = max(8, width - keyWidth)
    var out: [StyledLine] = []
    for (binding, label) in zip(KeyBindings.table, labels) {
      for (k, piece) in TextFit.wrap(binding.summary, width: textWidth).enumerated() {
        var line = StyledLine(TextFit.padRight(k == 0 ? label : "", to: keyWidth), .key)
        line.append(piece)
        out.append(line)
      }
    }
    out.append(StyledLine())
    for piece in TextFit.wrap(KeyBindings.mouseSummary, width: width) { out.append(StyledLine(piece, .dim)) }
    return out
  }
}
