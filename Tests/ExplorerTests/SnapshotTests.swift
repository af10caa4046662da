import Explorer
import Foundation
import XCTest

/// Every screen of the explorer on real zoo models, at 80×24 and 160×48, Unicode and ASCII,
/// compared with the text snapshots in `Snapshots/` (re-record with CONVSCOPE_RECORD_SNAPSHOTS=1).
final class SnapshotTests: XCTestCase {
  private static let sizes = [TerminalSize(width: 80, height: 24), TerminalSize(width: 160, height: 48)]
  private static let glyphSets = [GlyphSet.unicode, GlyphSet.ascii]

  /// Renders `model` at every size and glyph set after `prepare`, checking each snapshot.
  private func check(
    _ screen: String, model name: String, file: StaticString = #filePath, line: UInt = #line,
    prepare: (inout ExplorerState) -> Void = { _ in }
  ) throws {
    let model = try ExplorerModel.zoo(named: name)
    for size in Self.sizes {
      for glyphs in Self.glyphSets {
        var state = ExplorerState(model: model, glyphs: glyphs, size: size)
        prepare(&state)
        let grid = ExplorerRenderer.render(state, size: size)
        if glyphs.isASCII {
          XCTAssertTrue(grid.text.unicodeScalars.allSatisfy(\.isASCII), "\(screen): ASCII screen has Unicode")
        }
        Snapshot.assertMatches(
          grid, named: "\(screen)-\(size.width)x\(size.height)-\(glyphs.name)", file: file, line: line)
      }
    }
  }

  private func select(_ path: String) -> (inout ExplorerState) -> Void {
    { state in XCTAssertTrue(state.select(path: path), "no node \(path)") }
  }

  func testMainScreen() throws { try check("main-resnet50", model: "resnet50") }

  func testDetailsOfAConv() throws { try check("conv-resnet50", model: "resnet50", prepare: select("layer1.0.conv2")) }

  func testDetailsOfABottleneck() throws {
    try check("bottleneck-resnet50", model: "resnet50", prepare: select("layer2.0"))
  }

  func testDetailsOfADenseLayer() throws {
    try check("denselayer-densenet121", model: "densenet121", prepare: select("features.denseblock1.denselayer1"))
  }

  func testDetailsOfAnSEModule() throws {
    try check("se-seresnet50", model: "seresnet50", prepare: select("layer1.0.se"))
  }

  func testDetailsOfASelectiveKernel() throws {
    try check("sk-skresnext50_32x4d", model: "skresnext50_32x4d", prepare: select("layer1.0.conv2"))
  }

  func testDetailsOfASplitAttention() throws {
    try check("splitattn-resnest50d", model: "resnest50d", prepare: select("layer1.0.conv2"))
  }

  func testHelpOverlay() throws {
    try check("help-resnet50", model: "resnet50") { state in state.send(.key(.character("?"))) }
  }

  func testSearch() throws {
    try check("search-resnet50", model: "resnet50") { state in
      for c in "/conv2" { state.send(.key(.character(c))) }
    }
  }

  func testTooSmall() throws {
    let model = try ExplorerModel.zoo(named: "resnet50")
    for size in [TerminalSize(width: 59, height: 24), TerminalSize(width: 80, height: 15)] {
      for glyphs in Self.glyphSets {
        let state = ExplorerState(model: model, glyphs: glyphs, size: size)
        let grid = ExplorerRenderer.render(state, size: size)
        XCTAssertTrue(grid.text.contains("Terminal too small"))
        Snapshot.assertMatches(grid, named: "toosmall-\(size.width)x\(size.height)-\(glyphs.name)")
      }
    }
  }

  // MARK: - Part two: picker, compare, input size, themes

  private func keys(_ text: String) -> (inout ExplorerState) -> Void {
    { state in for c in text { state.send(.key(.character(c))) } }
  }

  func testModelPicker() throws { try check("picker-resnet50", model: "resnet50", prepare: keys("m")) }

  func testModelPickerFiltered() throws {
    try check("picker-filtered-resnet50", model: "resnet50", prepare: keys("mnet1"))
  }

  func testCompareDefaultSet() throws { try check("compare-default", model: "resnet50", prepare: keys("c")) }

  func testCompareOneAdded() throws {
    try check("compare-added", model: "resnet50") { state in
      self.keys("c+densenet_bc")(&state)
      state.send(.key(.enter))
    }
  }

  func testCompareOneRemoved() throws {
    try check("compare-removed", model: "resnet50", prepare: keys("cll-"))
  }

  func testCompareNarrowScrolledToTheEnd() throws {
    try check("compare-scrolled", model: "resnet50", prepare: keys("cG"))
  }

  func testInputSizePrompt() throws { try check("inputsize-prompt", model: "resnet50", prepare: keys("i160 2")) }

  func testInputSizeApplied() throws {
    try check("inputsize-applied", model: "resnet50") { state in
      self.keys("i160 2")(&state)
      state.send(.key(.enter))
    }
  }

  func testInputSizeRefused() throws {
    try check("inputsize-refused", model: "densenet121") { state in
      self.keys("i16")(&state)
      state.send(.key(.enter))
    }
  }

  // MARK: - Variants: the editor, a variant applied, a refusal, the compare view with differences

  /// `e`, ↓↓ to `groups`, type 32, ↓, type 4: the form before Enter.
  private func editResNeXt(_ state: inout ExplorerState) {
    keys("e")(&state)
    for _ in 0..<2 { state.send(.key(.down)) }
    keys("32")(&state)
    state.send(.key(.down))
    keys("4")(&state)
  }

  func testVariantEditor() throws { try check("variant-editor", model: "resnet50", prepare: editResNeXt) }

  func testVariantApplied() throws {
    try check("variant-applied", model: "resnet50") { state in
      self.editResNeXt(&state)
      state.send(.key(.enter))
    }
  }

  func testVariantRefused() throws {
    try check("variant-refused", model: "resnet50") { state in
      self.keys("e")(&state)
      for _ in 0..<2 { state.send(.key(.down)) }
      self.keys("0")(&state)
      state.send(.key(.enter))
    }
  }

  func testCompareVariantBesideItsBase() throws {
    try check("compare-variant", model: "resnet50") { state in
      self.editResNeXt(&state)
      state.send(.key(.enter))
      self.keys("c")(&state)
    }
  }

  /// The main screen in every theme of `themes/` at every colour depth, style of every cell included.
  func testMainScreenInEachThemeAtEachDepth() throws {
    let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("themes").path
    let catalog = ThemeCatalog(directories: [directory])
    XCTAssertEqual(catalog.names, ["dark", "default", "light", "mono"])
    let size = TerminalSize(width: 80, height: 24)
    var state = ExplorerState(model: try ExplorerModel.zoo(named: "resnet50"), size: size)
    XCTAssertTrue(state.select(path: "layer1"))
    for theme in catalog.themes {
      state.themeName = theme.name
      let grid = ExplorerRenderer.render(state, size: size)
      for depth in ColourDepth.allCases {
        Snapshot.assertStyledMatches(
          grid, palette: theme.palette, depth: depth, named: "theme-\(theme.name)-\(depth.rawValue)-80x24")
      }
    }
  }

  /// The compare view's gradient bars (MACs and parameters) in the dark theme, style of every cell.
  func testCompareBarsInTheDarkTheme() throws {
    let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("themes").path
    var catalog = ThemeCatalog(directories: [directory])
    let dark = try catalog.select("dark")
    let size = TerminalSize(width: 160, height: 48)
    var state = ExplorerState(model: try ExplorerModel.zoo(named: "resnet50"), size: size)
    state.themeName = "dark"
    state.send(.key(.character("c")))
    let grid = ExplorerRenderer.render(state, size: size)
    Snapshot.assertStyledMatches(grid, palette: dark.palette, depth: .indexed256, named: "compare-dark-256-160x48")
  }
}
