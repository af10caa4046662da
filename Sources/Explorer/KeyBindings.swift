/// One row of the keybinding table: the keys, how help names them, what they do.
package struct KeyBinding: Sendable {
  /// The keys and the command each one runs.
  package var keys: [(Key, ExplorerCommand)]
  /// The keys as the help overlay and README show them, with Unicode arrows.
  package var label: String
  /// The same with ASCII-only names, for terminals without UTF-8.
  package var asciiLabel: String
  /// What the keys do, in a few words.
  package var summary: String
}

/// The explorer's one keybinding table: it drives dispatch, the `?` overlay and the README's key table.
package enum KeyBindings {
  /// Every binding, in the order help lists them.
  package static let table: [KeyBinding] = [
    row(
      [(.up, .moveUp), (.down, .moveDown), (.character("k"), .moveUp), (.character("j"), .moveDown)],
      "↑↓ j k", "Up Down j k", "move the selection (scroll the details pane when it has the focus)"),
    row(
      [(.left, .collapse), (.right, .expand), (.character("h"), .collapse), (.character("l"), .expand)],
      "←→ h l", "Left Right h l",
      "collapse / expand the selected node (collapse on a leaf goes to its parent); compare view: previous / next column"
    ),
    row(
      [(.enter, .toggle), (.character(" "), .toggle)], "Enter Space", "Enter Space",
      "toggle the selected node; compare view: open the selected model"),
    row(
      [(.character("g"), .top), (.home, .top), (.character("G"), .bottom), (.end, .bottom)],
      "g G", "g G", "go to the top / bottom"),
    row([(.pageUp, .pageUp), (.pageDown, .pageDown)], "PgUp PgDn", "PgUp PgDn", "page up / down"),
    row(
      [(.tab, .switchFocus), (.backTab, .switchFocus)], "Tab", "Tab",
      "switch the focus between the tree and the details pane"),
    row([(.character("/"), .search)], "/", "/", "search paths and kinds (Enter keeps, Esc cancels)"),
    row(
      [(.character("n"), .nextMatch), (.character("N"), .previousMatch)], "n N", "n N",
      "next / previous search match"),
    row([(.character("m"), .modelPicker)], "m", "m", "model picker"),
    row([(.character("c"), .compare)], "c", "c", "compare models side by side (c or Esc closes it)"),
    row(
      [(.character("+"), .compareAdd), (.character("-"), .compareRemove)], "+ -", "+ -",
      "compare view: add a model through the picker / remove the selected one"),
    row([(.character("i"), .inputSize)], "i", "i", "change the input size"),
    row([(.character("s"), .step)], "s", "s", "step the forward pass one block"),
    row([(.character("."), .runToSelected)], ".", ".", "run up to the selected block"),
    row([(.character("r"), .runToEnd)], "r", "r", "run to the end"),
    row([(.character("x"), .reset)], "x", "x", "reset / cancel the run"),
    row([(.character("v"), .activationView)], "v", "v", "activation view"),
    row([(.character("a"), .attentionView)], "a", "a", "attention view"),
    row([(.character("t"), .nextTheme)], "t", "t", "next theme"),
    row([(.character("?"), .help)], "?", "?", "show / hide this help"),
    row([(.escape, .escape)], "Esc", "Esc", "close the topmost overlay or cancel a prompt"),
    row(
      [(.character("q"), .quit), (.control("c"), .quit)], "q Ctrl-C", "q Ctrl-C",
      "quit (q from anywhere but a text prompt, Ctrl-C from anywhere)"),
  ]

  /// What the mouse does, listed after the keys.
  package static let mouseSummary =
    "Mouse: click selects (tree rows, picker rows, compare columns), the wheel scrolls the pane under the pointer."

  /// The command bound to `key`, if any.
  package static func command(for key: Key) -> ExplorerCommand? { dispatch[key] }

  private static let dispatch: [Key: ExplorerCommand] = {
    var map: [Key: ExplorerCommand] = [:]
    for binding in table {
      for (key, command) in binding.keys {
        precondition(map[key] == nil, "key bound twice in KeyBindings.table: \(key)")
        map[key] = command
      }
    }
    return map
  }()

  /// The README's key table (GitHub markdown), generated from ``table``.
  package static func markdownTable() -> String {
    var lines = ["| keys | action |", "|---|---|"]
    for binding in table {
      let keys = binding.label.split(separator: " ").map { "`\($0)`" }.joined(separator: " ")
      lines.append("| \(keys) | \(binding.summary) |")
    }
    lines.append("")
    lines.append(mouseSummary)
    return lines.joined(separator: "\n")
  }

  private static func row(
    _ keys: [(Key, ExplorerCommand)], _ label: String, _ asciiLabel: String, _ summary: String
  ) -> KeyBinding {
    KeyBinding(keys: keys, label: label, asciiLabel: asciiLabel, summary: summary)
  }
}
