/// How a binding shows among the status bar's key hints, in some contexts.
package struct KeyHint: Sendable {
  /// What the hint calls the keys (the arrows follow the glyph set).
  package enum Keys: Sendable, Equatable {
    case upDown, leftRight
    case text(String)
  }

  /// When the hint shows, besides being in its context.
  package enum Condition: Sendable, Equatable {
    case always
    /// Only while a search result is kept (`n N`).
    case searching
    /// Only in the picker that opens a model, or the one that adds to the compare view.
    case pickerOpens, pickerAdds
    /// Only while the open model is a variant (`E base`).
    case variant
  }

  package var keys: Keys
  /// What the keys do there, in a word or two.
  package var text: String
  package var contexts: Set<KeyContext>
  /// Its place, left to right: a context's hints are sorted by it (hints that can show together never
  /// share one).
  package var slot: Int
  /// When the bar is short, ranked hints are kept lowest rank first; unranked ones are cut from the end.
  package var keepRank: Int?
  package var condition: Condition
}

/// One row of the keybinding table: the keys, where they act, how help names them, what they do.
package struct KeyBinding: Sendable {
  /// The keys and the command each one runs (none for the typed-text row).
  package var keys: [(Key, ExplorerCommand)]
  /// The contexts the keys act in; elsewhere they are not bound.
  package var contexts: Set<KeyContext>
  /// The keys as the help overlay and README show them, with Unicode arrows.
  package var label: String
  /// The same with ASCII-only names, for terminals without UTF-8.
  package var asciiLabel: String
  /// What the keys do, in a few words.
  package var summary: String
  /// How the row shows in the status bar's key hints.
  package var hints: [KeyHint]
}

/// The explorer's one keybinding table: it drives dispatch in every context, the `?` overlay, the
/// status bar's key hints and the README's key tables.
package enum KeyBindings {
  /// The main screen (either pane) and the compare view, which stands in its place: every row help lists.
  private static let screens: Set<KeyContext> = [.tree, .details, .compare]
  private static let main: Set<KeyContext> = [.tree, .details]
  private static let runViews: Set<KeyContext> = [.activations, .attention]
  /// The overlays that scroll.
  private static let views: Set<KeyContext> = [.help, .activations, .attention, .gradient, .wiring]
  /// Where `w` (write the view) and `M` (mouse capture) act.
  private static let exportable: Set<KeyContext> = [
    .tree, .details, .activations, .attention, .lesion, .gradient, .wiring,
  ]
  /// The lesion and reuse views (`L`, `u`).
  private static let studies: Set<KeyContext> = [.lesion, .reuse]
  /// Where typed characters are text.
  private static let textEntry: Set<KeyContext> = [
    .picker, .search, .inputSize, .variantEditor, .classPrompt, .exportPath,
  ]

  /// Every binding of every context: the main screen's in the order help lists them, then the
  /// picker's and the text prompts'.
  package static let all: [KeyBinding] = [
    row(
      [(.up, .moveUp), (.down, .moveDown), (.character("k"), .moveUp), (.character("j"), .moveDown)],
      "↑↓ j k", "Up Down j k", in: screens.union(views).union(studies),
      "move the selection (scroll the details pane when it has the focus)",
      hints: [
        hint(.upDown, "move", main, slot: 0, rank: 2), hint(.upDown, "scroll", [.help, .attention, .wiring], slot: 0),
        hint(.upDown, "step", [.activations, .gradient], slot: 0), hint(.upDown, "choose", [.lesion], slot: 0),
        hint(.upDown, "target", [.reuse], slot: 0),
      ]),
    row(
      [(.left, .collapse), (.right, .expand), (.character("h"), .collapse), (.character("l"), .expand)],
      "←→ h l", "Left Right h l", in: screens.union([.reuse, .attention]),
      "collapse / expand the selected node (collapse on a leaf goes to its parent); compare view: previous / next column; reuse view: "
        + "previous / next source; attention view: the channel cursor (reads out the channel's values)",
      hints: [
        hint(.leftRight, "fold", main, slot: 1, rank: 4), hint(.leftRight, "column", [.compare], slot: 0),
        hint(.leftRight, "source", [.reuse], slot: 1), hint(.leftRight, "channel", [.attention], slot: 1),
      ]),
    row(
      [(.enter, .toggle), (.character(" "), .toggle)], "Enter Space", in: screens,
      "toggle the selected node; compare view: open the selected model",
      hints: [hint(.text("Enter"), "open", [.compare], slot: 3)]),
    row(
      [(.character("g"), .top), (.home, .top), (.character("G"), .bottom), (.end, .bottom)],
      "g G", in: screens.union(views).union([.lesion]), "go to the top / bottom"),
    row(
      [(.pageUp, .pageUp), (.pageDown, .pageDown)], "PgUp PgDn", in: screens.union(views).union([.picker, .lesion]),
      "page up / down", hints: [hint(.text("PgUp PgDn"), "scroll", [.activations], slot: 1)]),
    row(
      [(.tab, .switchFocus), (.backTab, .switchFocus)], "Tab", in: screens.union([.reuse]),
      "switch the focus between the tree and the details pane; reuse view: the next dense block",
      hints: [
        hint(.text("Tab"), "details", [.tree], slot: 4, rank: 6),
        hint(.text("Tab"), "tree", [.details], slot: 4, rank: 6), hint(.text("Tab"), "block", [.reuse], slot: 2),
      ]),
    row(
      [(.character("/"), .search)], "/", in: screens, "search paths and kinds (Enter keeps, Esc cancels)",
      hints: [hint(.text("/"), "search", main, slot: 2, rank: 3)]),
    row(
      [(.character("n"), .nextMatch), (.character("N"), .previousMatch)], "n N", in: screens,
      "next / previous search match",
      hints: [hint(.text("n N"), "matches", main, slot: 3, rank: 5, when: .searching)]),
    row([(.character("m"), .modelPicker)], "m", in: screens, "model picker"),
    row([(.character("c"), .compare)], "c", in: screens, "compare models side by side (c or Esc closes it)"),
    row(
      [(.character("+"), .compareAdd), (.character("-"), .compareRemove)], "+ -", in: screens,
      "compare view: add a model through the picker / remove the selected one",
      hints: [hint(.text("+"), "add", [.compare], slot: 1), hint(.text("-"), "remove", [.compare], slot: 2)]),
    row([(.character("i"), .inputSize)], "i", in: screens, "change the input size"),
    row([(.character("s"), .step)], "s", in: screens.union(runViews), "step the forward pass one block"),
    row([(.character("."), .runToSelected)], ".", in: screens.union(runViews), "run up to the selected block"),
    row([(.character("r"), .runToEnd)], "r", in: screens.union(runViews), "run to the end"),
    row(
      [(.character("x"), .reset)], "x", in: screens.union(runViews).union([.gradient]),
      "reset / cancel the run (or a backward pass)",
      hints: [hint(.text("x"), "cancel", [.gradient], slot: 2)]),
    row([(.character("v"), .activationView)], "v", in: screens.union(runViews), "activation view"),
    row([(.character("a"), .attentionView)], "a", in: screens.union(runViews), "attention view"),
    row(
      [(.character("d"), .ablation(.cycle))], "d", in: main,
      "cycle the selected node's intervention (block: branch off, shortcut off; SE: gates 1; SK / split: uniform, "
        + "each branch; dense layer: off; then none): the pass reruns from the first step it changes",
      hints: [hint(.text("d"), "intervene", main, slot: 7, rank: 7)]),
    row([(.character("D"), .ablation(.clear))], "D", in: main, "clear every intervention"),
    row([(.character("P"), .ablation(.plain))], "P", in: main, "plain mode on / off (every shortcut off)"),
    row(
      [(.character("L"), .ablation(.lesionView))], "L", in: main.union([.lesion]),
      "lesion view: each block removed in turn (dense layers on DenseNet), KL along depth, table sorted by KL"),
    row(
      [(.character("u"), .ablation(.reuseView))], "u", in: main.union([.reuse]),
      "reuse view (DenseNet): per dense block, how strongly each layer reads each earlier one"),
    row(
      [(.character("b"), .ablation(.gradient))], "b", in: main.union([.gradient]),
      "backward pass for a class, then the gradient view",
      hints: [hint(.text("b"), "class", [.gradient], slot: 1)]),
    row(
      [(.enter, .accept)], "Enter", in: [.lesion], "lesion view: select the table's block in the tree",
      hints: [hint(.text("Enter"), "select", [.lesion], slot: 2)]),
    row(
      [(.character("W"), .view(.wiring))], "W", in: main.union([.wiring]),
      "wiring view: the selected block as a data-flow graph (branch, shortcut, attention, concatenation)"),
    row(
      [(.character("w"), .view(.export))], "w", in: exportable,
      "write the current view to a file named at a prompt: the tree as .md, .csv or .json (as `summary`), the "
        + "details pane's node, the activation / attention / lesion / gradient view's numbers as .json or .csv",
      hints: [hint(.text("w"), "write", [.wiring], slot: 1)]),
    row(
      [(.character("M"), .view(.mouse))], "M", in: exportable,
      "mouse capture off / on (off: the terminal's own text selection works)"),
    row(
      [(.character("T"), .view(.layerTimes))], "T", in: main,
      "per-node time and GFLOP/s of the last run in the tree's columns (instead of params and MACs)"),
    row([(.character("t"), .nextTheme)], "t", in: screens, "next theme"),
    row(
      [(.character("e"), .editVariant)], "e", in: main,
      "edit the model's keys (a variant: Enter applies, Esc cancels)"),
    row(
      [(.character("E"), .baseModel)], "E", in: main, "back to the base of a variant",
      hints: [hint(.text("E"), "base", main, slot: 10, when: .variant)]),
    row(
      [(.character("?"), .help), (.character("!"), .notices)], "? !", in: screens.union(views),
      "show / hide this help; ! the last notices, whole",
      hints: [hint(.text("?"), "help", main, slot: 8, rank: 0), hint(.text("?"), "help", [.compare], slot: 5)]),
    row(
      [(.escape, .escape)], "Esc", in: Set(KeyContext.allCases), "close the topmost overlay or cancel a prompt",
      hints: [
        hint(.text("Esc"), "close", views.union(studies).union([.compare, .picker]), slot: 4),
        hint(.text("Esc"), "cancel", [.search, .inputSize, .variantEditor, .classPrompt], slot: 4),
      ]),
    row(
      [(.character("q"), .quit), (.control("c"), .quit)], "q Ctrl-C", in: screens.union(views).union(studies),
      "quit (q from anywhere but a text prompt; Ctrl-C from anywhere, exiting 130 as SIGINT does)",
      hints: [
        hint(.text("q"), "quit", main, slot: 9, rank: 1), hint(.text("q"), "quit", views.union(studies), slot: 6),
      ]),
    // The picker and the prompts: what they bind takes the place of typing.
    row(
      [], "characters", in: textEntry, "add to the picker's filter or the prompt (every character not bound there)",
      hints: [
        hint(.text("type"), "to filter", [.picker, .classPrompt], slot: 0),
        hint(.text("type"), "to edit", [.variantEditor], slot: 0),
      ]),
    row(
      [(.up, .moveUp), (.down, .moveDown), (.tab, .moveDown)], "↑↓ Tab", "Up Down Tab", in: [.picker],
      "choose a model", hints: [hint(.upDown, "choose", [.picker], slot: 1)]),
    row([(.home, .top), (.end, .bottom)], "Home End", in: [.picker], "the first / last model"),
    row(
      [(.up, .moveUp), (.down, .moveDown), (.tab, .moveDown), (.backTab, .moveUp)], "↑↓ Tab", "Up Down Tab",
      in: [.variantEditor], "choose a key (the first character typed replaces its value)",
      hints: [hint(.upDown, "key", [.variantEditor], slot: 1)]),
    row(
      [
        (.up, .moveUp), (.down, .moveDown), (.tab, .moveDown), (.backTab, .moveUp), (.pageUp, .pageUp),
        (.pageDown, .pageDown),
      ], "↑↓ Tab PgUp PgDn", "Up Down Tab PgUp PgDn", in: [.classPrompt],
      "choose a class (typed text filters names and indices)",
      hints: [hint(.upDown, "choose", [.classPrompt], slot: 1)]),
    row(
      [(.enter, .accept)], "Enter", in: textEntry,
      "open or add the chosen model; keep the search; apply the input size or the variant; run the backward pass "
        + "for the chosen class; write the file (`w`)",
      hints: [
        hint(.text("Enter"), "open", [.picker], slot: 2, when: .pickerOpens),
        hint(.text("Enter"), "add", [.picker], slot: 2, when: .pickerAdds),
        hint(.text("Enter"), "keep", [.search], slot: 2),
        hint(.text("Enter"), "apply", [.inputSize, .variantEditor], slot: 2),
        hint(.text("Enter"), "run", [.classPrompt], slot: 2),
      ]),
    row(
      [(.backspace, .deleteBackward), (.delete, .deleteBackward)], "Backspace", in: textEntry,
      "delete the last character"),
    row([(.control("c"), .quit)], "Ctrl-C", in: textEntry, "quit (q is text here)"),
  ]

  /// The main screen's rows, in order: what the `?` overlay and the README's first table list.
  package static let table: [KeyBinding] = all.filter { $0.contexts.contains(.tree) }

  /// What the mouse does, listed after the keys.
  package static let mouseSummary =
    "Mouse: click selects (tree rows, picker rows, compare columns), the wheel scrolls the pane under the pointer. "
    + "M turns mouse capture off (and on): off, the terminal selects text; while it is on, Shift-drag selects text "
    + "where the terminal supports it."

  /// The command bound to `key` in `context`, if any.
  package static func command(for key: Key, in context: KeyContext) -> ExplorerCommand? { dispatch[context]?[key] }

  /// The command bound to `key` on the main screen, if any.
  package static func command(for key: Key) -> ExplorerCommand? { command(for: key, in: .tree) }

  /// The status bar's key hints in `context`, left to right (before their conditions are checked).
  package static func hints(in context: KeyContext) -> [KeyHint] { hintsByContext[context] ?? [] }

  private static let dispatch: [KeyContext: [Key: ExplorerCommand]] = {
    var maps: [KeyContext: [Key: ExplorerCommand]] = [:]
    for binding in all {
      for context in binding.contexts {
        for (key, command) in binding.keys {
          precondition(maps[context]?[key] == nil, "key bound twice in KeyBindings.all: \(key) in \(context)")
          maps[context, default: [:]][key] = command
        }
      }
    }
    return maps
  }()

  private static let hintsByContext: [KeyContext: [KeyHint]] = {
    var lists: [KeyContext: [KeyHint]] = [:]
    for hint in all.flatMap(\.hints) {
      for context in hint.contexts { lists[context, default: []].append(hint) }
    }
    return lists.mapValues { list in list.sorted { $0.slot < $1.slot } }
  }()

  /// The README's key tables (GitHub markdown), generated from ``all``: the main screen's keys, the
  /// mouse, then the keys of the picker and the text prompts.
  package static func markdownTable() -> String {
    var lines = ["| keys | action |", "|---|---|"]
    for binding in table { lines.append("| \(markdownKeys(binding)) | \(binding.summary) |") }
    lines += ["", mouseSummary, "", "In the model picker, the text prompts and the variant editor:", ""]
    lines += ["| keys | where | action |", "|---|---|---|"]
    let order = KeyContext.allCases.filter { textEntry.contains($0) }
    for binding in all where !binding.contexts.isDisjoint(with: textEntry) {
      let contexts = order.filter { binding.contexts.contains($0) }.map(\.title).joined(separator: ", ")
      lines.append("| \(markdownKeys(binding)) | \(contexts) | \(binding.summary) |")
    }
    lines += ["", "In the lesion and reuse views (besides ↑↓, Esc and q):", ""]
    lines += ["| keys | where | action |", "|---|---|---|"]
    for binding in all where !binding.contexts.isDisjoint(with: studies) && !binding.contexts.contains(.tree) {
      let contexts = [KeyContext.lesion, .reuse].filter { binding.contexts.contains($0) }.map(\.title)
      lines.append("| \(markdownKeys(binding)) | \(contexts.joined(separator: ", ")) | \(binding.summary) |")
    }
    return lines.joined(separator: "\n")
  }

  /// The label as code spans, one per key name (the typed-text row's label stays prose).
  private static func markdownKeys(_ binding: KeyBinding) -> String {
    guard !binding.keys.isEmpty else { return binding.label }
    return binding.label.split(separator: " ").map { "`\($0)`" }.joined(separator: " ")
  }

  private static func row(
    _ keys: [(Key, ExplorerCommand)], _ label: String, _ asciiLabel: String? = nil, in contexts: Set<KeyContext>,
    _ summary: String, hints: [KeyHint] = []
  ) -> KeyBinding {
    KeyBinding(
      keys: keys, contexts: contexts, label: label, asciiLabel: asciiLabel ?? label, summary: summary, hints: hints)
  }

  private static func hint(
    _ keys: KeyHint.Keys, _ text: String, _ contexts: Set<KeyContext>, slot: Int, rank: Int? = nil,
    when condition: KeyHint.Condition = .always
  ) -> KeyHint {
    KeyHint(keys: keys, text: text, contexts: contexts, slot: slot, keepRank: rank, condition: condition)
  }
}
