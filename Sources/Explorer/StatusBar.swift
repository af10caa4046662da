/// The status bar: position, then a prompt, a notice or key hints, and the theme on the right.
package enum StatusBar {
  /// The status line for `state`, `width` columns wide.
  package static func line(for state: ExplorerState, width: Int) -> StyledLine {
    let glyphs = state.glyphs
    let sep = " \(glyphs.separator) "
    let position = "\(state.selectedRow + 1)/\(state.rows.count)"
    let right = "theme \(state.themeName)"
    var middle = StyledLine()
    if let prompt = state.prompt {
      middle.append("/", .key)
      middle.append(prompt.text, .prompt)
      middle.append(glyphs.caret, .prompt)
      if let result = state.search, !prompt.text.isEmpty {
        let found = result.matches.isEmpty ? "no match" : "\(result.matches.count) matches"
        middle.append("  \(found)", result.matches.isEmpty ? .warning : .dim)
      }
      middle.append("  Enter keep\(sep)Esc cancel", .dim)
    } else if let notice = state.notice {
      middle.append(notice.text, notice.isWarning ? .warning : .message)
    } else if state.overlay != nil {
      hints(&middle, [(glyphs.keyUpDown, "scroll"), ("Esc", "close"), ("q", "quit")], sep: sep)
    } else {
      var list: [(String, String)] = [
        (glyphs.keyUpDown, "move"), (glyphs.keyLeftRight, "fold"), ("/", "search"),
      ]
      if state.search != nil { list.append(("n N", "matches")) }
      list += [("Tab", state.focus == .tree ? "details" : "tree"), ("?", "help"), ("q", "quit")]
      hints(&middle, list, sep: sep)
    }
    var line = StyledLine(position, .status)
    line.append(sep, .dim)
    let room = width - DisplayWidth.of(position) - DisplayWidth.of(sep) - DisplayWidth.of(right) - 2
    var fitted = StyledLine()
    var used = 0
    for segment in middle.segments where used < room {
      let text = TextFit.truncate(segment.text, to: room - used, ellipsis: glyphs.ellipsis)
      fitted.append(text, segment.role)
      used += DisplayWidth.of(text)
    }
    line.segments += fitted.segments
    line.append(String(repeating: " ", count: max(0, room - used) + 2), .status)
    line.append(right, .dim)
    return line
  }

  private static func hints(_ line: inout StyledLine, _ list: [(String, String)], sep: String) {
    for (k, (key, what)) in list.enumerated() {
      if k > 0 { line.append(sep, .dim) }
      line.append(key, .key)
      line.append(" " + what, .status)
    }
  }
}
