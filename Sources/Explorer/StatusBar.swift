/// The status bar: position, then a prompt, a notice or key hints, and the theme on the right.
package enum StatusBar {
  /// The status line for `state`, `width` columns wide.
  package static func line(for state: ExplorerState, width: Int) -> StyledLine {
    let glyphs = state.glyphs
    let sep = " \(glyphs.separator) "
    let position =
      state.compare.map { "\(min($0.selected + 1, $0.models.count))/\($0.models.count)" }
      ?? "\(state.selectedRow + 1)/\(state.rows.count)"
    let right = "theme \(state.themeName)"
    /// Columns left for the middle part.
    func room(_ width: Int) -> Int {
      width - DisplayWidth.of(position) - DisplayWidth.of(sep) - DisplayWidth.of(right) - 2
    }
    var middle = StyledLine()
    if let prompt = state.prompt, prompt.purpose == .inputSize {
      middle.append("input size ", .key)
      middle.append(prompt.text, .prompt)
      middle.append(glyphs.caret, .prompt)
      middle.append(
        "  S, S B or B\(glyphs.times)3\(glyphs.times)S\(glyphs.times)S\(sep)now \(glyphs.shape(state.model.inputShape))",
        .dim)
      middle.append("\(sep)Enter apply\(sep)Esc cancel", .dim)
    } else if let prompt = state.prompt {
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
    } else if let progress = runProgress(state) {
      middle = progress
    } else if case .picker(let picker) = state.overlay {
      let enter = picker.purpose == .open ? "open" : "add"
      hints(
        &middle, [("type", "to filter"), (glyphs.keyUpDown, "choose"), ("Enter", enter), ("Esc", "close")],
        room: room(width), sep: sep)
    } else if case .activations = state.overlay {
      hints(
        &middle, [(glyphs.keyUpDown, "step"), ("PgUp PgDn", "scroll"), ("Esc", "close"), ("q", "quit")],
        room: room(width), sep: sep)
    } else if state.overlay != nil {
      hints(&middle, [(glyphs.keyUpDown, "scroll"), ("Esc", "close"), ("q", "quit")], room: room(width), sep: sep)
    } else if state.compare != nil {
      hints(
        &middle,
        [
          (glyphs.keyLeftRight, "column"), ("+", "add"), ("-", "remove"), ("Enter", "open"), ("Esc", "close"),
          ("?", "help"),
        ],
        room: room(width), sep: sep)
    } else {
      // Listed in display order; when they do not all fit, the lowest priority (last number) go first.
      var list: [(String, String, Int)] = [
        (glyphs.keyUpDown, "move", 2), (glyphs.keyLeftRight, "fold", 4), ("/", "search", 3),
      ]
      if state.search != nil { list.append(("n N", "matches", 5)) }
      list += [("Tab", state.focus == .tree ? "details" : "tree", 6), ("?", "help", 0), ("q", "quit", 1)]
      var budget = room(width)
      var kept = Set<Int>()
      for (k, item) in list.enumerated().sorted(by: { $0.element.2 < $1.element.2 }) {
        let w = DisplayWidth.of(item.0) + 1 + DisplayWidth.of(item.1) + DisplayWidth.of(sep)
        if w <= budget + DisplayWidth.of(sep) {
          kept.insert(k)
          budget -= w
        }
      }
      let shown = list.enumerated().filter { kept.contains($0.offset) }.map { ($0.element.0, $0.element.1) }
      hints(&middle, shown, room: room(width), sep: sep)
    }
    var line = StyledLine(position, .status)
    line.append(sep, .dim)
    let room = room(width)
    var used = 0
    if state.prompt != nil || state.notice != nil || state.live.isRunning {
      // A prompt or notice is cut with an ellipsis when it does not fit.
      for segment in middle.segments where used < room {
        let text = TextFit.truncate(segment.text, to: room - used, ellipsis: glyphs.ellipsis)
        line.append(text, segment.role)
        used += DisplayWidth.of(text)
      }
    } else {
      // Hints are whole or absent: key, description and separator go together.
      var k = 0
      while k < middle.segments.count {
        let group = Array(middle.segments[k..<min(k + 3, middle.segments.count)])
        let w = group.reduce(0) { $0 + DisplayWidth.of($1.text) }
        if used + w > room { break }
        line.segments += group
        used += w
        k += 3
      }
      if let last = line.segments.last, last.text == sep {
        line.segments.removeLast()
        used -= DisplayWidth.of(sep)
      }
    }
    line.append(String(repeating: " ", count: max(0, room - used) + 2), .status)
    line.append(right, .dim)
    return line
  }

  /// Columns the status bar gives a notice (what is left beside the position and the theme name).
  package static func noticeRoom(for state: ExplorerState, width: Int) -> Int {
    let sep = " \(state.glyphs.separator) "
    let position = line(for: state, width: width).segments.first?.text ?? ""
    return width - DisplayWidth.of(position) - DisplayWidth.of(sep) - DisplayWidth.of("theme \(state.themeName)") - 2
  }

  /// Appends hints as groups of three segments: key, description, separator.
  private static func hints(_ line: inout StyledLine, _ list: [(String, String)], room: Int, sep: String) {
    for (key, what) in list {
      line.append(key, .key)
      line.append(" " + what, .status)
      line.append(sep, .dim)
    }
  }
}
