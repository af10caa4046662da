/// The status bar: position, then a prompt, a notice or key hints, and the theme on the right.
package enum StatusBar {
  /// The status line for `state`, `width` columns wide.
  package static func line(for state: ExplorerState, width: Int) -> StyledLine {
    let glyphs = state.glyphs
    let sep = " \(glyphs.separator) "
    let position =
      state.compare.map { "\(min($0.selected + 1, $0.models.count))/\($0.models.count)" }
      ?? "\(state.selectedRow + 1)/\(state.rows.count)"
    let right = rightText(state)
    /// Columns left for the middle part.
    func room(_ width: Int) -> Int {
      width - DisplayWidth.of(position) - DisplayWidth.of(sep) - DisplayWidth.of(right) - 2
    }
    // The key hints of where keys act now, from the keybinding table.
    let hints = KeyBindings.hints(in: state.keyContext).filter { shows($0, in: state) }
    let hintText = hints.map { "\(keys($0, glyphs)) \($0.text)" }.joined(separator: sep)
    var middle = StyledLine()
    if let prompt = state.prompt, prompt.purpose == .export {
      middle.append("write to ", .key)
      middle.append(prompt.text, .prompt)
      middle.append(glyphs.caret, .prompt)
      middle.append("  .md .csv .json by the extension\(sep)\(hintText)", .dim)
    } else if let prompt = state.prompt, prompt.purpose == .inputSize {
      middle.append("input size ", .key)
      middle.append(prompt.text, .prompt)
      middle.append(glyphs.caret, .prompt)
      middle.append(
        "  S, S B or B\(glyphs.times)3\(glyphs.times)S\(glyphs.times)S\(sep)now \(glyphs.shape(state.model.inputShape))",
        .dim)
      middle.append("\(sep)\(hintText)", .dim)
    } else if let prompt = state.prompt {
      middle.append("/", .key)
      middle.append(prompt.text, .prompt)
      middle.append(glyphs.caret, .prompt)
      if let result = state.search, !prompt.text.isEmpty {
        let found = result.matches.isEmpty ? "no match" : "\(result.matches.count) matches"
        middle.append("  \(found)", result.matches.isEmpty ? .warning : .dim)
      }
      middle.append("  \(hintText)", .dim)
    } else if let notice = state.notice {
      middle.append(notice.text, notice.isWarning ? .warning : .message)
    } else if let progress = runProgress(state) {
      middle = progress
    } else {
      // Ranked hints are kept lowest rank first while they fit; the others are cut from the end below.
      var budget = room(width)
      var kept = Set(hints.indices.filter { hints[$0].keepRank == nil })
      let ranked = hints.indices.filter { hints[$0].keepRank != nil }
      for k in ranked.sorted(by: { (hints[$0].keepRank ?? 0) < (hints[$1].keepRank ?? 0) }) {
        let w = DisplayWidth.of(keys(hints[k], glyphs)) + 1 + DisplayWidth.of(hints[k].text) + DisplayWidth.of(sep)
        if w <= budget + DisplayWidth.of(sep) {
          kept.insert(k)
          budget -= w
        }
      }
      for (k, hint) in hints.enumerated() where kept.contains(k) {
        middle.append(keys(hint, glyphs), .key)
        middle.append(" " + hint.text, .status)
        middle.append(sep, .dim)
      }
    }
    var line = StyledLine(position, .status)
    line.append(sep, .dim)
    let room = room(width)
    var used = 0
    if state.prompt != nil || state.notice != nil || state.live.isRunning || state.live.backward != nil {
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
    return width - DisplayWidth.of(position) - DisplayWidth.of(sep) - DisplayWidth.of(rightText(state)) - 2
  }

  /// The right end: the variant's overrides when the open model is one, and the theme.
  private static func rightText(_ state: ExplorerState) -> String {
    let theme = "theme \(state.themeName)"
    guard let spec = state.model.spec, !spec.overrides.isEmpty, state.compare == nil else { return theme }
    let variant = "variant " + spec.overrides.map(\.description).joined(separator: " ")
    return variant + " \(state.glyphs.separator) " + theme
  }

  /// What a hint calls its keys with `glyphs`.
  private static func keys(_ hint: KeyHint, _ glyphs: GlyphSet) -> String {
    switch hint.keys {
    case .upDown: glyphs.keyUpDown
    case .leftRight: glyphs.keyLeftRight
    case .text(let text): text
    }
  }

  /// Whether `hint` shows in `state`, besides being in its context.
  private static func shows(_ hint: KeyHint, in state: ExplorerState) -> Bool {
    switch hint.condition {
    case .always: return true
    case .searching: return !(state.search?.matches.isEmpty ?? true)
    case .variant: return !(state.model.spec?.overrides.isEmpty ?? true)
    case .pickerOpens, .pickerAdds:
      guard case .picker(let picker) = state.overlay else { return false }
      switch picker.purpose {
      case .open: return hint.condition == .pickerOpens
      case .addToCompare: return hint.condition == .pickerAdds
      }
    }
  }
}
