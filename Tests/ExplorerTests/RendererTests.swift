import Explorer
import XCTest

/// Styles and layout decisions that text snapshots do not show.
final class RendererTests: XCTestCase {
  private func state(_ size: TerminalSize = TerminalSize(width: 80, height: 24)) -> ExplorerState {
    ExplorerState(model: FixtureModel.make(), size: size)
  }

  func testSelectedRowIsHighlightedByFocus() {
    var s = state()
    s.send(.key(.down))
    let layout = ExplorerLayout(size: s.size)
    let y = layout.contentTop + 1
    var grid = ExplorerRenderer.render(s, size: s.size)
    for x in layout.treeX..<layout.dividerX { XCTAssertEqual(grid[x, y].role, .selected, "x \(x)") }
    XCTAssertNotEqual(grid[layout.treeX + 3, y + 1].role, .selected)
    XCTAssertEqual(grid[layout.treeX, layout.headingRow].role, .headingFocused)
    s.send(.key(.tab))
    grid = ExplorerRenderer.render(s, size: s.size)
    XCTAssertEqual(grid[layout.treeX + 3, y].role, .selectedInactive)
    XCTAssertEqual(grid[layout.treeX, layout.headingRow].role, .heading)
    XCTAssertEqual(grid[layout.detailsX, layout.headingRow].role, .headingFocused)
  }

  func testSearchMatchesAreMarked() throws {
    var s = state()
    for c in "/conv2" { s.send(.key(.character(c))) }
    s.send(.key(.enter))
    s.send(.key(.character("g")))
    let grid = ExplorerRenderer.render(s, size: s.size)
    let layout = ExplorerLayout(size: s.size)
    let node = try XCTUnwrap(s.model.index(ofPath: "layer1.0.conv2"))
    let row = try XCTUnwrap(s.rows.firstIndex(of: node))
    let y = layout.contentTop + row - s.treeScroll
    XCTAssertTrue(grid.text(row: y).contains("conv2"))
    // Name column: margin, indentation, glyph, space, then the name.
    let x = layout.treeX + 1 + TreePane.indent(of: s.model.nodes[node]) + 2
    XCTAssertEqual(grid[x, y].role, .match)
    XCTAssertNotEqual(grid[x, y - 2].role, .match, "layer1.0.conv1 is no match")
  }

  func testColumnsFitTheWidth() {
    let narrow = TreePane.columns(
      for: state(), width: ExplorerLayout(size: TerminalSize(width: 80, height: 24)).treeWidth)
    // At 80 columns the headline numbers come before the names' width (issue #17): params and MACs show.
    XCTAssertNotNil(narrow.params)
    XCTAssertNotNil(narrow.macs)
    XCTAssertNotNil(narrow.kind)
    XCTAssertGreaterThanOrEqual(narrow.name, 12)
    let hundred = TreePane.columns(
      for: state(), width: ExplorerLayout(size: TerminalSize(width: 100, height: 30)).treeWidth)
    XCTAssertNotNil(hundred.params)
    XCTAssertNotNil(hundred.macs)
    XCTAssertNotNil(hundred.kind)
    XCTAssertNotNil(hundred.shape)
    let wide = TreePane.columns(
      for: state(), width: ExplorerLayout(size: TerminalSize(width: 160, height: 48)).treeWidth)
    XCTAssertNotNil(wide.kind)
    XCTAssertNotNil(wide.shape)
    XCTAssertNotNil(wide.params)
    XCTAssertNotNil(wide.macs)
    XCTAssertNotNil(wide.bar)
    XCTAssertTrue(wide.groupedParams)
    let big = state(TerminalSize(width: 160, height: 48)).then(.key(.down))
    let grid = ExplorerRenderer.render(big, size: big.size)
    XCTAssertEqual(grid[ExplorerLayout(size: grid.size).treeX + 3, 2].role, .title, "the root's name")
    XCTAssertTrue(grid.cells.contains { $0.role == .bar }, "share bars are drawn")
  }

  func testStatusBarShowsPromptNoticeAndTheme() {
    var s = state()
    s.send(.key(.character("/")))
    s.send(.key(.character("f")))
    var grid = ExplorerRenderer.render(s, size: s.size)
    let row = ExplorerLayout(size: s.size).statusRow
    XCTAssertTrue(grid.text(row: row).contains("/f█"))
    XCTAssertTrue(grid.text(row: row).contains("theme default"))
    s.send(.key(.escape))
    s.send(.key(.character("j")))
    s.send(.key(.character("z")))
    grid = ExplorerRenderer.render(s, size: s.size)
    XCTAssertTrue(grid.text(row: row).contains("z does nothing here"))
  }

  func testScrollMarkersShowHiddenRows() {
    var s = state(TerminalSize(width: 60, height: 16))
    s.expandAll()
    var grid = ExplorerRenderer.render(s, size: s.size)
    let layout = ExplorerLayout(size: s.size)
    let bottom = layout.contentTop + layout.contentHeight - 1
    XCTAssertEqual(grid[layout.dividerX - 1, bottom].scalar, "▼")
    XCTAssertEqual(grid[layout.dividerX - 1, layout.contentTop].scalar, " ")
    s.send(.key(.character("G")))
    grid = ExplorerRenderer.render(s, size: s.size)
    XCTAssertEqual(grid[layout.dividerX - 1, layout.contentTop].scalar, "▲")
  }
}
