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
}
