import Explorer
import Foundation
import XCTest

/// The one keybinding table drives dispatch, help and the README; these keep them in step.
final class KeyBindingsTests: XCTestCase {
  private static let readmeURL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("README.md")
  private static let begin =
    "<!-- keys:begin (generated from KeyBindings.table; CONVSCOPE_RECORD_SNAPSHOTS=1 rewrites) -->"
  private static let end = "<!-- keys:end -->"

  func testEveryKeyOfTheDesignIsBound() {
    let expected: [(Key, ExplorerCommand)] = [
      (.up, .moveUp), (.down, .moveDown), (.character("k"), .moveUp), (.character("j"), .moveDown),
      (.left, .collapse), (.right, .expand), (.character("h"), .collapse), (.character("l"), .expand),
      (.enter, .toggle), (.character(" "), .toggle), (.character("g"), .top), (.character("G"), .bottom),
      (.pageUp, .pageUp), (.pageDown, .pageDown), (.tab, .switchFocus), (.character("/"), .search),
      (.character("n"), .nextMatch), (.character("N"), .previousMatch), (.character("m"), .modelPicker),
      (.character("c"), .compare), (.character("+"), .compareAdd), (.character("-"), .compareRemove),
      (.character("i"), .inputSize), (.character("s"), .step),
      (.character("."), .runToSelected), (.character("r"), .runToEnd), (.character("x"), .reset),
      (.character("v"), .activationView), (.character("a"), .attentionView), (.character("t"), .nextTheme),
      (.character("?"), .help), (.escape, .escape), (.character("q"), .quit), (.control("c"), .quit),
      (.character("d"), .ablation(.cycle)), (.character("D"), .ablation(.clear)), (.character("P"), .ablation(.plain)),
      (.character("L"), .ablation(.lesionView)), (.character("u"), .ablation(.reuseView)),
    ]
    for (key, command) in expected { XCTAssertEqual(KeyBindings.command(for: key), command, "\(key)") }
    XCTAssertNil(KeyBindings.command(for: .character("z")))
  }

  func testHelpListsEveryBinding() {
    let text = HelpOverlay.lines(glyphs: .unicode, width: 76).map(\.plainText).joined(separator: "\n")
    for binding in KeyBindings.table {
      XCTAssertTrue(text.contains(binding.label), binding.label)
      XCTAssertTrue(text.contains(String(binding.summary.prefix(20))), binding.summary)
    }
    let ascii = HelpOverlay.lines(glyphs: .ascii, width: 76).map(\.plainText).joined()
    XCTAssertTrue(ascii.unicodeScalars.allSatisfy(\.isASCII), "the ASCII help has no Unicode")
  }

  func testReadmeKeyTableIsTheGeneratedOne() throws {
    var readme = try String(contentsOf: Self.readmeURL, encoding: .utf8)
    guard let start = readme.range(of: Self.begin), let stop = readme.range(of: Self.end) else {
      return XCTFail("README.md lacks the generated key table markers")
    }
    let current = String(readme[start.upperBound..<stop.lowerBound])
    let generated = "\n" + KeyBindings.markdownTable() + "\n"
    if ProcessInfo.processInfo.environment["CONVSCOPE_RECORD_SNAPSHOTS"] == "1" {
      readme.replaceSubrange(start.upperBound..<stop.lowerBound, with: generated)
      try readme.write(to: Self.readmeURL, atomically: true, encoding: .utf8)
      return
    }
    XCTAssertEqual(current, generated, "README's key table differs from KeyBindings.table: re-record it")
  }

  /// Notices name keys as the help does (they read `backTab`, `delete`, `pageUp`).
  func testNoticesNameKeysReadably() {
    let names: [(Key, String)] = [
      (.backTab, "Shift-Tab"), (.delete, "Delete"), (.pageUp, "PgUp"), (.pageDown, "PgDn"), (.home, "Home"),
      (.end, "End"), (.character(" "), "Space"), (.control("z"), "Ctrl-Z"), (.character("~"), "~"),
    ]
    for (key, name) in names { XCTAssertEqual(ExplorerState.describe(key), name) }
    var state = ExplorerState(model: FixtureModel.make())
    state.send(.key(.character("v")))
    state.send(.key(.backTab))
    XCTAssertEqual(state.notice?.text, "Shift-Tab does nothing here: Esc closes the view")
  }

  /// Each context's keys come from the same table: what the picker, prompts, help and run views bind.
  func testEachContextBindsItsOwnKeys() {
    let cases: [(KeyContext, Key, ExplorerCommand?)] = [
      (.picker, .tab, .moveDown), (.picker, .home, .top), (.picker, .end, .bottom), (.picker, .enter, .accept),
      (.picker, .backspace, .deleteBackward), (.picker, .control("c"), .quit), (.picker, .escape, .escape),
      (.picker, .pageDown, .pageDown), (.picker, .left, nil), (.picker, .backTab, nil),
      (.search, .enter, .accept), (.search, .delete, .deleteBackward), (.search, .up, nil),
      (.inputSize, .control("c"), .quit), (.inputSize, .tab, nil),
      (.help, .character("?"), .help), (.help, .home, .top), (.help, .character("v"), nil),
      (.activations, .character("s"), .step), (.attention, .character("a"), .attentionView),
      (.activations, .character("t"), nil), (.attention, .enter, nil),
      (.lesion, .enter, .accept), (.lesion, .character("L"), .ablation(.lesionView)), (.lesion, .character("d"), nil),
      (.reuse, .tab, .switchFocus), (.reuse, .left, .collapse), (.reuse, .enter, nil),
      (.compare, .character("d"), nil), (.compare, .character("+"), .compareAdd), (.details, .tab, .switchFocus),
      (.tree, .enter, .toggle), (.tree, .character("!"), .notices), (.help, .character("!"), .notices),
      (.attention, .left, .collapse), (.attention, .right, .expand), (.activations, .left, nil),
    ]
    for (context, key, command) in cases {
      XCTAssertEqual(KeyBindings.command(for: key, in: context), command, "\(key) in \(context)")
    }
  }

  /// Typed text is the one thing the table does not list: where text is typed, no character is bound.
  func testTextEntryContextsBindNoCharacter() {
    for context in [KeyContext.picker, .search, .inputSize] {
      for scalar in (32...126).compactMap(Unicode.Scalar.init) {
        XCTAssertNil(KeyBindings.command(for: .character(Character(scalar)), in: context), "\(scalar) in \(context)")
      }
    }
  }

  /// Hints sit in their row's contexts, and two that can show together never share a slot.
  func testHintsSitInTheirRowsContexts() {
    for binding in KeyBindings.all {
      for hint in binding.hints {
        XCTAssertTrue(hint.contexts.isSubset(of: binding.contexts), "\(binding.label): \(hint.text)")
      }
    }
    for context in KeyContext.allCases {
      let bySlot = Dictionary(grouping: KeyBindings.hints(in: context), by: \.slot)
      for (slot, hints) in bySlot where hints.count > 1 {
        let conditions = hints.map(\.condition)
        XCTAssertFalse(conditions.contains(.always), "slot \(slot) in \(context)")
        XCTAssertEqual(Set(conditions.map { "\($0)" }).count, hints.count, "slot \(slot) in \(context)")
      }
    }
  }

  /// The status bar's hints per context, left to right, as the table gives them.
  func testStatusHintsPerContext() {
    func hints(_ context: KeyContext) -> [String] {
      KeyBindings.hints(in: context).map { hint in
        let keys: String
        switch hint.keys {
        case .upDown: keys = "↑↓"
        case .leftRight: keys = "←→"
        case .text(let text): keys = text
        }
        return "\(keys) \(hint.text)"
      }
    }
    XCTAssertEqual(
      hints(.tree),
      ["↑↓ move", "←→ fold", "/ search", "n N matches", "Tab details", "d intervene", "? help", "q quit", "E base"])
    XCTAssertEqual(hints(.details).count, 9)
    XCTAssertEqual(hints(.lesion), ["↑↓ choose", "Enter select", "Esc close", "q quit"])
    XCTAssertEqual(hints(.reuse), ["↑↓ target", "←→ source", "Tab block", "Esc close", "q quit"])
    XCTAssertEqual(hints(.compare), ["←→ column", "+ add", "- remove", "Enter open", "Esc close", "? help"])
    XCTAssertEqual(hints(.help), ["↑↓ scroll", "Esc close", "q quit"])
    XCTAssertEqual(hints(.attention), ["↑↓ scroll", "←→ channel", "Esc close", "q quit"])
    XCTAssertEqual(hints(.activations), ["↑↓ step", "PgUp PgDn scroll", "Esc close", "q quit"])
    XCTAssertEqual(hints(.picker), ["type to filter", "↑↓ choose", "Enter open", "Enter add", "Esc close"])
    XCTAssertEqual(hints(.search), ["Enter keep", "Esc cancel"])
    XCTAssertEqual(hints(.inputSize), ["Enter apply", "Esc cancel"])
    XCTAssertEqual(hints(.variantEditor), ["type to edit", "↑↓ key", "Enter apply", "Esc cancel"])
    XCTAssertEqual(hints(.classPrompt), ["type to filter", "↑↓ choose", "Enter run", "Esc cancel"])
    XCTAssertEqual(hints(.gradient), ["↑↓ step", "b class", "x cancel", "Esc close", "q quit"])
  }

  /// Which context keys act in follows what is open: prompt, overlay, compare view, focus.
  func testKeyContextFollowsTheState() {
    var state = ExplorerState(model: FixtureModel.make())
    XCTAssertEqual(state.keyContext, .tree)
    state.apply(.key(.tab))
    XCTAssertEqual(state.keyContext, .details)
    state.apply(.key(.character("v")))
    XCTAssertEqual(state.keyContext, .activations)
    state.apply(.key(.character("a")))
    XCTAssertEqual(state.keyContext, .attention)
    state.apply(.key(.character("?")))
    XCTAssertEqual(state.keyContext, .help)
    state.apply(.key(.escape))
    state.apply(.key(.character("/")))
    XCTAssertEqual(state.keyContext, .search)
    state.apply(.key(.escape))
    state.apply(.key(.character("i")))
    XCTAssertEqual(state.keyContext, .inputSize)
  }

  /// A prompt's keys: typed text, Backspace (nothing on an empty prompt), Enter, Esc, Ctrl-C; q is text.
  func testPromptEdits() {
    let prompt = Prompt(purpose: .search, text: "co", savedSelection: 0)
    XCTAssertEqual(prompt.edit(by: .character("q")), .edit("coq"))
    XCTAssertEqual(prompt.edit(by: .backspace), .edit("c"))
    XCTAssertEqual(Prompt(purpose: .inputSize, savedSelection: 0).edit(by: .delete), .ignore)
    XCTAssertEqual(prompt.edit(by: .enter), .accept)
    XCTAssertEqual(prompt.edit(by: .escape), .cancel)
    XCTAssertEqual(prompt.edit(by: .control("c")), .quit)
    XCTAssertEqual(prompt.edit(by: .left), .ignore)
  }
}
