import Analysis
import Explorer
import XCTest

/// The cell grid, text fitting, glyph bars and number formats.
final class ScreenGridTests: XCTestCase {
  func testPutClipsAndHandlesWideCharacters() {
    var grid = ScreenGrid(width: 8, height: 2)
    XCTAssertEqual(grid.put("層⣿🔥x", x: 0, y: 0), 6, "層 and 🔥 are two columns each, ⣿ one")
    XCTAssertEqual(grid.text(row: 0), "層⣿🔥x  ")
    XCTAssertTrue(grid[1, 0].isContinuation)
    XCTAssertEqual(grid.put("abc層", x: 4, y: 1), 4, "a wide character that does not fit becomes a space")
    XCTAssertEqual(grid.text(row: 1), "    abc ")
    XCTAssertEqual(grid.put("hello", x: 2, y: 1, maxWidth: 2), 2)
    XCTAssertEqual(grid.text(row: 1), "  heabc ")
    XCTAssertEqual(grid.put("out", x: 0, y: 5), 0, "rows outside the grid are ignored")
  }

  func testStyledLinesKeepTheirRoles() {
    var grid = ScreenGrid(width: 10, height: 1)
    var line = StyledLine("ab", .kind)
    line.append("cd", .number)
    grid.put(line, x: 1, y: 0, maxWidth: 3)
    XCTAssertEqual(grid.text(row: 0), " abc      ")
    XCTAssertEqual(grid[1, 0].role, .kind)
    XCTAssertEqual(grid[3, 0].role, .number)
    XCTAssertEqual(grid[4, 0].role, .normal)
    grid.restyle(y: 0, x: 0, width: 3, role: .selected)
    XCTAssertEqual(grid[2, 0], Cell("b", .selected))
  }

  func testTextFitting() {
    XCTAssertEqual(TextFit.truncate("denselayer12", to: 8, ellipsis: "…"), "densela…")
    XCTAssertEqual(DisplayWidth.of(TextFit.truncate("denselayer12", to: 8, ellipsis: "…")), 8)
    XCTAssertEqual(TextFit.truncate("abc", to: 3, ellipsis: "~"), "abc")
    XCTAssertEqual(TextFit.truncateMiddle("denselayer12", to: 8, ellipsis: "…"), "dens…r12")
    XCTAssertEqual(TextFit.truncateMiddle("downsample", to: 7, ellipsis: "..."), "do...le")
    XCTAssertEqual(TextFit.truncateMiddle("conv1", to: 8, ellipsis: "…"), "conv1")
    XCTAssertEqual(TextFit.wrap("one two three four", width: 9), ["one two", "three", "four"])
    XCTAssertEqual(TextFit.wrap("abcdefghij", width: 4), ["abcd", "efgh", "ij"])
    XCTAssertEqual(TextFit.padLeft("7", to: 3), "  7")
    XCTAssertEqual(DisplayWidth.of("e\u{301}"), 1, "combining marks take no column")
  }

  func testBarsHaveEighthResolutionAndAnASCIIFallback() {
    let half = GlyphSet.unicode.bar(fraction: 0.5, width: 4)
    XCTAssertEqual(half.filled, "██")
    XCTAssertEqual(half.empty, "  ")
    XCTAssertEqual(GlyphSet.unicode.bar(fraction: 0.35, width: 4).filled, "█▍")
    XCTAssertEqual(GlyphSet.unicode.bar(fraction: 1, width: 3).filled, "███")
    XCTAssertEqual(GlyphSet.unicode.bar(fraction: 0, width: 3).empty, "   ")
    XCTAssertEqual(GlyphSet.ascii.bar(fraction: 0.625, width: 4).filled, "##=")
    XCTAssertEqual(GlyphSet.ascii.shape([1, 64, 56, 56]), "1x64x56x56")
    for glyph in [GlyphSet.ascii.horizontal, GlyphSet.ascii.expanded, GlyphSet.ascii.ellipsis, GlyphSet.ascii.caret]
      + GlyphSet.ascii.barEighths
    {
      XCTAssertTrue(glyph.unicodeScalars.allSatisfy(\.isASCII), glyph)
    }
  }

  func testNumberFormats() {
    XCTAssertEqual(DisplayFormat.compact(4_089_184_256), "4.09 G")
    XCTAssertEqual(DisplayFormat.compact(668_000_000), "668 M")
    XCTAssertEqual(DisplayFormat.compact(9_408), "9.41 K")
    XCTAssertEqual(DisplayFormat.compact(999_999), "1.00 M")
    XCTAssertEqual(DisplayFormat.compact(512), "512")
    XCTAssertEqual(DisplayFormat.percent(1, of: 4), "25.0 %")
    XCTAssertEqual(DisplayFormat.percent(1, of: 1_000_000), "<0.01 %")
    XCTAssertEqual(DisplayFormat.percent(5, of: 5), "100 %")
    XCTAssertEqual(DisplayFormat.bytes(802_816), "802.8 kB")
    // The unit and figure `summary` prints for activation memory (issue #17: it said MB, the explorer MiB).
    XCTAssertEqual(DisplayFormat.bytes(102_228_128), NumberFormat.megabytes(102_228_128))
    XCTAssertEqual(DisplayFormat.bytes(12), "12 B")
  }

  func testNearestColours() {
    XCTAssertEqual(ColourMath.nearest256(255, 0, 0), 196)
    XCTAssertEqual(ColourMath.nearest256(128, 128, 128), 244)
    XCTAssertEqual(ColourMath.nearest8(250, 10, 10), 1)
    XCTAssertEqual(ColourMath.nearest8(10, 10, 10), 0)
  }
}
