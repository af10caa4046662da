import Explorer
import XCTest

/// The pure reduce function, key by key, on the fixture tree.
final class ReduceTests: XCTestCase {
  private func fresh(_ size: TerminalSize = TerminalSize(width: 80, height: 24)) -> ExplorerState {
    ExplorerState(model: FixtureModel.make(), size: size)
  }

  private func press(_ state: ExplorerState, _ keys: Key...) -> ExplorerState {
    keys.reduce(state) { $0.then(.key($1)) }
  }

  private func paths(_ state: ExplorerState) -> [String] { state.rows.map { state.model.nodes[$0].path } }

  func testOpensExpandedToBlockLevel() {
    let state = fresh()
    XCTAssertEqual(
      paths(state),
      [
        "", "conv1", "bn1", "relu", "layer1", "layer1.0", "layer1.1", "layer1.2", "layer2", "layer2.0", "layer2.1",
        "fc",
      ])
    XCTAssertEqual(state.selected, 0)
    XCTAssertEqual(state.focus, .tree)
  }

  func testMovementKeys() {
    let state = fresh()
    XCTAssertEqual(press(state, .down).selectedNode.path, "conv1")
    XCTAssertEqual(press(state, .character("j"), .character("j")).selectedNode.path, "bn1")
    XCTAssertEqual(press(state, .down, .character("k")).selectedNode.path, "")
    XCTAssertEqual(press(state, .up).selectedNode.path, "", "up at the top stays")
    XCTAssertEqual(press(state, .character("G")).selectedNode.path, "fc")
    XCTAssertEqual(press(state, .end).selectedNode.path, "fc")
    XCTAssertEqual(press(state, .character("G"), .character("g")).selectedNode.path, "")
    XCTAssertEqual(press(state, .character("G"), .home).selectedNode.path, "")
    XCTAssertEqual(press(state, .character("G"), .down).selectedNode.path, "fc", "down at the bottom stays")
  }

  func testPagingMovesByThePaneHeight() {
    var state = fresh(TerminalSize(width: 60, height: 16))
    state.expandAll()
    let page = state.pageSize
    XCTAssertEqual(page, ExplorerLayout(size: state.size).contentHeight - 1)
    let down = press(state, .pageDown)
    XCTAssertEqual(down.selectedRow, page)
    XCTAssertEqual(press(down, .pageDown, .pageDown, .pageDown).selectedRow, state.rows.count - 1)
    XCTAssertEqual(press(down, .pageUp).selectedRow, 0)
    // The selection always stays inside the visible rows.
    let bottom = press(state, .character("G"))
    XCTAssertGreaterThan(bottom.treeScroll, 0)
    XCTAssertLessThan(bottom.selectedRow - bottom.treeScroll, ExplorerLayout(size: bottom.size).contentHeight)
  }

  func testExpandCollapseAndToggle() {
    let onBlock = press(fresh(), .down, .down, .down, .down, .down)
    XCTAssertEqual(onBlock.selectedNode.path, "layer1.0")
    let expanded = press(onBlock, .right)
    XCTAssertEqual(expanded.rows.count, 16)
    XCTAssertEqual(expanded.selectedNode.path, "layer1.0", "expanding keeps the selection")
    XCTAssertEqual(press(expanded, .right).selectedNode.path, "layer1.0.conv1", "→ on an open node enters it")
    XCTAssertEqual(press(expanded, .right, .left).selectedNode.path, "layer1.0", "← on a leaf goes to its parent")
    XCTAssertEqual(press(expanded, .left).rows.count, 12, "← on an open node collapses it")
    XCTAssertEqual(press(onBlock, .character("l")).rows.count, 16)
    XCTAssertEqual(press(onBlock, .character("l"), .character("h")).rows.count, 12)
    XCTAssertEqual(press(onBlock, .enter).rows.count, 16)
    XCTAssertEqual(press(onBlock, .enter, .enter).rows.count, 12)
    XCTAssertEqual(press(onBlock, .character(" ")).rows.count, 16)
    XCTAssertEqual(press(fresh(), .down, .enter).rows.count, 12, "toggling a leaf does nothing")
    XCTAssertEqual(press(fresh(), .left).selectedNode.path, "", "← on the collapsed-less root stays")
    XCTAssertEqual(press(fresh(), .left).rows.count, 1, "← on the open root collapses it")
  }

  func testTabSwitchesFocusAndScrollsTheFocusedPane() {
    let small = TerminalSize(width: 60, height: 16)
    let onConv = press(fresh(small), .down)
    let lineCount = DetailsPane.lines(for: onConv, width: ExplorerLayout(size: small).detailsWidth).count
    XCTAssertGreaterThan(lineCount, ExplorerLayout(size: small).contentHeight, "the fixture must overflow")
    let focused = press(onConv, .tab)
    XCTAssertEqual(focused.focus, .details)
    let scrolled = press(focused, .down, .character("j"))
    XCTAssertEqual(scrolled.detailsScroll, 2)
    XCTAssertEqual(scrolled.selectedNode.path, "conv1", "movement keys scroll details, not the tree")
    XCTAssertEqual(press(scrolled, .up).detailsScroll, 1)
    let bottom = press(focused, .character("G"))
    XCTAssertEqual(bottom.detailsScroll, lineCount - ExplorerLayout(size: small).contentHeight)
    XCTAssertEqual(press(bottom, .pageDown).detailsScroll, bottom.detailsScroll, "scrolling stops at the end")
    XCTAssertEqual(press(bottom, .character("g")).detailsScroll, 0)
    XCTAssertEqual(press(focused, .tab).focus, .tree)
    XCTAssertEqual(press(focused, .backTab).focus, .tree)
    XCTAssertEqual(press(scrolled, .tab, .down).detailsScroll, 0, "a new selection starts at the top of details")
  }

  func testSearchPromptTakesTypedKeysAndExpandsToMatches() {
    let typing = press(
      fresh(), .character("/"), .character("c"), .character("o"), .character("n"),
      .character("v"), .character("2"))
    XCTAssertEqual(typing.prompt?.text, "conv2")
    XCTAssertEqual(typing.selectedNode.path, "layer1.0.conv2", "the search jumps as you type")
    XCTAssertTrue(typing.expanded[typing.model.index(ofPath: "layer1.0")!], "the match's parents open")
    XCTAssertEqual(typing.search?.matches.count, 5)
    let kept = press(typing, .enter)
    XCTAssertNil(kept.prompt)
    XCTAssertEqual(kept.selectedNode.path, "layer1.0.conv2")
    XCTAssertTrue(kept.notice?.text.contains("match 1 of 5") ?? false)
    XCTAssertEqual(press(kept, .character("n")).selectedNode.path, "layer1.1.conv2")
    XCTAssertEqual(
      press(kept, .character("n"), .character("n"), .character("n"), .character("n")).selectedNode.path,
      "layer2.1.conv2")
    XCTAssertEqual(press(kept, .character("N")).selectedNode.path, "layer2.1.conv2", "N wraps around")
    XCTAssertEqual(press(kept, .character("n"), .character("N")).selectedNode.path, "layer1.0.conv2")
    // Keys are text inside the prompt: q types a q instead of quitting.
    let typedQ = press(fresh(), .character("/"), .character("q"))
    XCTAssertFalse(typedQ.shouldQuit)
    XCTAssertEqual(typedQ.prompt?.text, "q")
    XCTAssertEqual(press(typing, .backspace).prompt?.text, "conv")
    // Kinds are searched too.
    let byKind = press(fresh(), .character("/"), .character("L"), .character("i"), .character("n"), .enter)
    XCTAssertEqual(byKind.selectedNode.path, "fc")
  }

  /// Every match opens in the tree as the query is typed and stays open after Enter (issue #17).
  func testSearchOpensTheTreeToEveryDeepMatch() throws {
    let model = try ExplorerModel.zoo(named: "resnet50")
    var state = ExplorerState(model: model)
    for c in "/bn3" { state.send(.key(.character(c))) }
    let deep = try XCTUnwrap(model.index(ofPath: "layer4.2.bn3"))
    XCTAssertTrue(state.rows.contains(deep), "the last block's bn3 shows while typing")
    state.send(.key(.enter))
    XCTAssertTrue(state.rows.contains(deep), "and after Enter")
    XCTAssertEqual(state.search?.matches.count, 16)
    XCTAssertEqual(state.selectedNode.path, "layer1.0.bn3")
  }

  /// `!` lists the last notices whole, newest first, even ones too long for any status bar (issue #17).
  func testNoticeLogShowsTheLastNoticesWhole() {
    var state = press(fresh(), .character("/"), .character("z"), .character("z"), .enter)
    state = press(state, .character("i"), .character("x"), .character("y"), .enter)
    let refusal = state.notice?.text ?? ""
    XCTAssertTrue(refusal.hasPrefix("input size refused"), refusal)
    XCTAssertEqual(state.noticeLog.map(\.text).suffix(2).first, "no node's path or kind contains \"zz\"")
    state = press(state, .character("!"))
    XCTAssertEqual(state.overlay, .notices(scroll: 0))
    let text = ExplorerRenderer.render(state, size: state.size).text
    XCTAssertTrue(text.contains("last notices (! or Esc closes)"))
    XCTAssertTrue(text.contains("no node's path or kind contains \"zz\""), text)
    let newest = text.range(of: "input size refused"), older = text.range(of: "no node's path")
    XCTAssertLessThan(newest?.lowerBound ?? text.endIndex, older?.lowerBound ?? text.startIndex, "newest first")
    XCTAssertNil(press(state, .character("!")).overlay, "! closes it")
    XCTAssertNil(press(state, .escape).overlay, "Esc closes it")
    XCTAssertEqual(press(state, .character("?")).overlay, .help(scroll: 0))
    // The log keeps the last 20.
    for _ in 0..<15 { state = press(state, .escape, .character("Z"), .character("~")) }
    XCTAssertEqual(state.noticeLog.count, ExplorerState.noticeLogLimit)
  }

  func testEscCancelsThePromptAndRestoresTheTree() {
    let start = press(fresh(), .down)
    let cancelled = press(start, .character("/"), .character("b"), .character("n"), .character("2"), .escape)
    XCTAssertNil(cancelled.prompt)
    XCTAssertNil(cancelled.search)
    XCTAssertEqual(cancelled.selectedNode.path, "conv1")
    XCTAssertEqual(cancelled.rows, start.rows)
    let noMatch = press(fresh(), .character("/"), .character("z"), .character("z"), .enter)
    XCTAssertEqual(noMatch.notice?.isWarning, true)
    XCTAssertEqual(noMatch.search?.matches, [])
    // After a search that found nothing, n names it (issue #17) rather than "no search yet".
    let nAfterNoMatch = press(noMatch, .character("n")).notice
    XCTAssertEqual(nAfterNoMatch?.text.hasPrefix("no match for \"zz\""), true, nAfterNoMatch?.text ?? "none")
    XCTAssertEqual(press(fresh(), .character("n")).notice?.isWarning, true, "n without a search says so")
    let cleared = press(fresh(), .character("/"), .character("f"), .character("c"), .enter, .escape)
    XCTAssertNil(cleared.search, "Esc clears the search highlight")
  }

  func testHelpOverlay() {
    let help = press(fresh(), .character("?"))
    XCTAssertEqual(help.overlay, .help(scroll: 0))
    XCTAssertNil(press(help, .escape).overlay)
    XCTAssertNil(press(help, .character("?")).overlay)
    XCTAssertEqual(press(help, .down).overlay, .help(scroll: 1), "at 80×24 the help scrolls")
    XCTAssertEqual(press(help, .down, .up).overlay, .help(scroll: 0))
    XCTAssertTrue(press(help, .character("q")).shouldQuit)
    XCTAssertEqual(press(help, .down).selected, 0, "keys in help do not move the tree")
    let big = press(fresh(TerminalSize(width: 160, height: 64)), .character("?"), .down)
    XCTAssertEqual(big.overlay, .help(scroll: 0), "at 160×64 everything fits: nothing to scroll")
    // The wheel scrolls the help three lines at a time (it did nothing); a click changes nothing.
    let wheeled = help.then(.mouse(MouseEvent(x: 30, y: 10, kind: .wheelDown)))
    XCTAssertEqual(wheeled.overlay, .help(scroll: 3))
    XCTAssertEqual(wheeled.then(.mouse(MouseEvent(x: 30, y: 10, kind: .wheelUp))).overlay, .help(scroll: 0))
    XCTAssertEqual(wheeled.then(.mouse(MouseEvent(x: 30, y: 10, kind: .press))).overlay, .help(scroll: 3))
    XCTAssertEqual(wheeled.selected, 0, "the tree under the help does not move")
  }

  func testQuitKeys() {
    XCTAssertTrue(press(fresh(), .character("q")).shouldQuit)
    XCTAssertTrue(press(fresh(), .control("c")).shouldQuit)
    XCTAssertTrue(press(fresh(), .character("/"), .control("c")).shouldQuit, "Ctrl-C quits from a prompt too")
  }

  func testUnboundKeySaysSoAndChangesNothingElse() {
    let state = press(fresh(), .character("z"))
    XCTAssertTrue(state.notice?.text.contains("? lists the keys") ?? false)
    XCTAssertEqual(state.rows, fresh().rows)
  }

  func testResizeKeepsTheSelectionVisible() {
    var state = fresh(TerminalSize(width: 160, height: 48))
    state.expandAll()
    state = press(state, .character("G"))
    let small = state.then(.resize(TerminalSize(width: 60, height: 16)))
    let height = ExplorerLayout(size: small.size).contentHeight
    XCTAssertTrue((small.treeScroll..<small.treeScroll + height).contains(small.selectedRow))
    let tiny = small.then(.resize(TerminalSize(width: 40, height: 10)))
    XCTAssertTrue(tiny.size.isTooSmall)
    XCTAssertEqual(
      press(tiny, .up).selectedNode.path, press(small, .up).selectedNode.path,
      "keys still work while too small")
    XCTAssertTrue(press(tiny, .character("q")).shouldQuit)
  }

  func testMouseClickSelectsAndWheelScrolls() {
    let size = TerminalSize(width: 80, height: 24)
    let layout = ExplorerLayout(size: size)
    let state = fresh(size)
    let clicked = state.then(.mouse(MouseEvent(x: 20, y: layout.contentTop + 4, kind: .press)))
    XCTAssertEqual(clicked.selectedNode.path, "layer1")
    XCTAssertEqual(clicked.rows, state.rows, "a click on the name only selects")
    let glyphX = layout.treeX + 1 + TreePane.indent(of: state.model.nodes[5])
    let toggled = state.then(.mouse(MouseEvent(x: glyphX, y: layout.contentTop + 5, kind: .press)))
    XCTAssertEqual(toggled.selectedNode.path, "layer1.0")
    XCTAssertEqual(toggled.rows.count, 16, "a click on the glyph toggles")
    let details = state.then(.mouse(MouseEvent(x: layout.detailsX + 2, y: layout.contentTop + 1, kind: .press)))
    XCTAssertEqual(details.focus, .details)
    XCTAssertEqual(
      details.then(.mouse(MouseEvent(x: 5, y: 30, kind: .press))).focus, .details,
      "a click outside the panes changes nothing")

    var tall = fresh(TerminalSize(width: 60, height: 16))
    tall.expandAll()
    let wheeled = tall.then(.mouse(MouseEvent(x: 10, y: 5, kind: .wheelDown)))
    XCTAssertEqual(wheeled.treeScroll, 3)
    XCTAssertEqual(wheeled.selectedRow, 3, "the selection is dragged into view")
    XCTAssertEqual(wheeled.then(.mouse(MouseEvent(x: 10, y: 5, kind: .wheelUp))).treeScroll, 0)
    let onConv = press(tall, .down)
    let detailsWheel = onConv.then(
      .mouse(
        MouseEvent(
          x: ExplorerLayout(size: tall.size).detailsX + 1, y: 5,
          kind: .wheelDown)))
    XCTAssertEqual(detailsWheel.detailsScroll, 3)
    XCTAssertEqual(detailsWheel.selected, onConv.selected)
  }
}
