import Explorer
import Foundation
import XCTest

/// The btop-syntax theme parser, the theme → palette mapping, the lookup of theme files and the
/// colour-depth fallback.
final class ThemeTests: XCTestCase {
  private static let repoThemes = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("themes").path

  // MARK: - Parser

  func testEveryLineFormBtopUses() {
    let text = """
      #Bashtop theme with everything
      # comment after spaces

      theme[main_bg]="#1E1E2e"
      theme[main_fg]="#cc"
      theme[title]="255 128 0"
      theme[hi_fg]=""
        theme[div_line] = "#30"   
      theme[inactive_fg]='#ABCDEF'
      theme[graph_text]="10 20 30" # trailing comment
      theme[proc_misc]=#102030
      theme[kind_fg]="ansi:3"
      """
    let file = ThemeFile(parsing: text, file: "t.theme")
    XCTAssertEqual(file.warnings, [])
    XCTAssertEqual(file.values["main_bg"], .rgb(0x1E, 0x1E, 0x2E))
    XCTAssertEqual(file.values["main_fg"], .rgb(0xCC, 0xCC, 0xCC), "#BW is a grey")
    XCTAssertEqual(file.values["title"], .rgb(255, 128, 0), "decimal R G B")
    XCTAssertEqual(file.values["hi_fg"], .terminalDefault, "empty means the terminal's own")
    XCTAssertEqual(file.values["div_line"], .rgb(0x30, 0x30, 0x30), "spaces around = and trailing spaces")
    XCTAssertEqual(file.values["inactive_fg"], .rgb(0xAB, 0xCD, 0xEF), "single quotes")
    XCTAssertEqual(file.values["graph_text"], .rgb(10, 20, 30), "a comment after the value")
    XCTAssertEqual(file.values["proc_misc"], .rgb(0x10, 0x20, 0x30), "no quotes")
    XCTAssertEqual(file.values["kind_fg"], .ansi(3))
  }

  func testCRLFLineEndingsAndLaterLinesWin() {
    let file = ThemeFile(parsing: "theme[title]=\"#01\"\r\ntheme[title]=\"#02\"\r\n", file: "crlf.theme")
    XCTAssertEqual(file.warnings, [])
    XCTAssertEqual(file.values["title"], .rgb(2, 2, 2))
  }

  func testUnknownKeysAreKeptButIgnoredByThePalette() {
    let file = ThemeFile(parsing: "theme[cpu_box]=\"#112233\"\ntheme[no_such_key]=\"#445566\"", file: "u.theme")
    XCTAssertEqual(file.warnings, [], "unknown keys are not errors")
    let theme = Theme(name: "u", source: "u.theme", file: file, fallback: .builtInDefault)
    XCTAssertNil(theme.colours["no_such_key"])
    XCTAssertEqual(theme.colours, Theme.builtInDefault.colours, "nothing convscope reads changed")
  }

  func testMissingKeysComeFromTheDefaultTheme() {
    let file = ThemeFile(parsing: "theme[main_fg]=\"#102030\"", file: "m.theme")
    let theme = Theme(name: "m", source: "m.theme", file: file, fallback: .builtInDefault)
    XCTAssertEqual(theme.colour("main_fg"), .rgb(0x10, 0x20, 0x30))
    XCTAssertEqual(theme.colour("number_fg"), .rgb(0x10, 0x20, 0x30), "number_fg falls back to main_fg of the file")
    XCTAssertEqual(theme.colour("kind_fg"), Theme.builtInDefault.colour("kind_fg"))
    XCTAssertEqual(theme.colour("macs_bar_start"), .ansi(2))
    for (key, _) in Theme.keys { XCTAssertNotNil(theme.colours[key], key) }
  }

  func testMalformedLinesWarnWithFileAndLineAndTheRestApplies() {
    let text = """
      theme[main_fg]="#112233"
      this is not a theme line
      theme[title]="#12345"
      theme[hi_fg]="300 0 0"
      theme[div_line="#000000"
      theme[selected_bg]="#445566
      theme[selected_fg]="#778899"
      """
    let file = ThemeFile(parsing: text, file: "bad.theme")
    XCTAssertEqual(file.warnings.count, 5)
    XCTAssertTrue(file.warnings[0].hasPrefix("bad.theme:2: expected theme[key]=\"#RRGGBB\""), file.warnings[0])
    XCTAssertEqual(
      file.warnings[1],
      "bad.theme:3: theme[title]: \"#12345\" is not a colour (use \"#RRGGBB\", \"#BW\", \"R G B\" or \"\")")
    XCTAssertTrue(file.warnings[2].hasPrefix("bad.theme:4: theme[hi_fg]: \"300 0 0\""), file.warnings[2])
    XCTAssertTrue(file.warnings[3].hasPrefix("bad.theme:5: "), file.warnings[3])
    XCTAssertEqual(file.warnings[4], "bad.theme:6: theme[selected_bg]: the value's closing quote is missing")
    for warning in file.warnings { XCTAssertFalse(warning.contains("\n"), "one line each") }
    XCTAssertEqual(file.values["main_fg"], .rgb(0x11, 0x22, 0x33))
    XCTAssertEqual(file.values["selected_fg"], .rgb(0x77, 0x88, 0x99), "lines after bad ones still apply")
    XCTAssertNil(file.values["title"])
  }

  func testAnOverlongLineIsSkippedUnreadAndTheRestApplies() {
    let long = "theme[main_fg]=\"" + String(repeating: "x", count: 3_000_000) + "\""
    let file = ThemeFile(parsing: long + "\ntheme[title]=\"#010203\"\n", file: "long.theme")
    XCTAssertEqual(
      file.warnings, ["long.theme:1: a line of 3000017 bytes is over the 1024-byte limit of a theme line"])
    XCTAssertEqual(file.values, ["title": .rgb(1, 2, 3)])
  }

  func testWarningsQuoteABadLineShortlyAndStopListingAfterAHundred() {
    let bad = String(repeating: "y", count: 1000)
    let file = ThemeFile(parsing: Array(repeating: bad, count: 250).joined(separator: "\n"), file: "b.theme")
    XCTAssertEqual(file.warnings.count, ThemeFile.maxWarnings + 1)
    XCTAssertEqual(file.warnings[0], "b.theme:1: expected theme[key]=\"#RRGGBB\", got: \(bad.prefix(60))…")
    XCTAssertEqual(file.warnings.last, "b.theme: 150 more malformed lines not listed")
  }

  func testCarriageReturnsAloneEndLinesToo() {
    let file = ThemeFile(parsing: "theme[title]=\"#01\"\rbad\r\ntheme[hi_fg]=\"#02\"", file: "cr.theme")
    XCTAssertEqual(file.values, ["title": .rgb(1, 1, 1), "hi_fg": .rgb(2, 2, 2)])
    XCTAssertEqual(file.warnings.map { $0.prefix(11) }, ["cr.theme:2:"])
  }

  func testAFileOverTheLimitIsNotReadAndWarns() throws {
    let path = NSTemporaryDirectory() + "/big-\(getpid()).theme"
    defer { try? FileManager.default.removeItem(atPath: path) }
    try Data(count: ThemeFile.maxFileBytes + 1).write(to: URL(fileURLWithPath: path))
    let theme = try ThemeCatalog.load(path: path, name: "big")
    XCTAssertEqual(theme.warnings.count, 1)
    XCTAssertTrue(
      theme.warnings[0].hasSuffix(
        "1048577 bytes is over the 1048576-byte limit of a theme file; its colours are not used"))
    XCTAssertEqual(theme.colours, Theme.builtInDefault.colours)
  }

  func testAFIFOIsRefusedAtOnce() throws {
    let path = NSTemporaryDirectory() + "/fifo-\(getpid()).theme"
    defer { unlink(path) }
    XCTAssertEqual(mkfifo(path, 0o600), 0)
    XCTAssertThrowsError(try ThemeCatalog.load(path: path, name: "fifo")) { error in
      XCTAssertEqual("\(error)", "cannot read theme file \(path): not a regular file")
    }
  }

  func testAnEmptyFileIsTheDefaultTheme() {
    for text in ["", "\n\n", "# only a comment\n"] {
      let file = ThemeFile(parsing: text, file: "empty.theme")
      XCTAssertEqual(file.warnings, [])
      XCTAssertEqual(file.values, [:])
      let theme = Theme(name: "empty", source: "empty.theme", file: file, fallback: .builtInDefault)
      XCTAssertEqual(theme.palette.styles, Palette.terminalDefault.styles)
    }
  }

  /// A theme in btop's own words (its keys, no convscope keys) dropped into a themes folder.
  func testABtopThemeFileDroppedIn() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("convscope-btop-\(getpid())")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let btop = """
      #Bashtop gruvbox-like theme
      # Main background, empty for terminal default, need to be empty if you want transparent background
      theme[main_bg]="#282828"
      # Main text color
      theme[main_fg]="#a89984"
      # Title color for boxes
      theme[title]="#ebdbb2"
      # Highlight color for keyboard shortcuts
      theme[hi_fg]="#d79921"
      # Background color of selected items
      theme[selected_bg]="#282828"
      # Foreground color of selected items
      theme[selected_fg]="#fabd2f"
      # Color of inactive/disabled text
      theme[inactive_fg]="#282828"
      # Color of text appearing on top of graphs, i.e uptime and current network graph scaling
      theme[graph_text]="#585858"
      # Misc colors for processes box including mini cpu graphs, details memory graph and details status text
      theme[proc_misc]="#98971a"
      # Cpu box outline color
      theme[cpu_box]="#a89984"
      # Box divider line and small boxes line color
      theme[div_line]="#a89984"
      # Temperature graph colors
      theme[temp_start]="#458588"
      theme[temp_mid]="#d3869b"
      theme[temp_end]="#fb4394"
      # CPU graph colors
      theme[cpu_start]="#b8bb26"
      theme[cpu_mid]="#d79921"
      theme[cpu_end]="#fb4934"
      # Mem/Disk meters
      theme[used_start]="#458588"
      theme[used_mid]="#689d6a"
      theme[used_end]="#8ec07c"
      theme[process_start]="#8ec07c"
      theme[process_mid]="#d3869b"
      theme[process_end]="#fb4934"
      """
    try btop.write(to: directory.appendingPathComponent("gruvbox.theme"), atomically: true, encoding: .utf8)
    var catalog = ThemeCatalog(directories: [directory.path])
    XCTAssertEqual(catalog.names, ["default", "gruvbox"], "the built-in default is always there")
    let theme = try catalog.select("gruvbox")
    XCTAssertEqual(theme.warnings, [])
    let palette = theme.palette
    XCTAssertEqual(
      palette.style(for: .normal), CellStyle(foreground: .rgb(0xA8, 0x99, 0x84), background: .rgb(0x28, 0x28, 0x28)))
    XCTAssertEqual(palette.style(for: .title).foreground, .rgb(0xEB, 0xDB, 0xB2))
    XCTAssertEqual(palette.style(for: .key).foreground, .rgb(0xD7, 0x99, 0x21))
    XCTAssertEqual(palette.style(for: .selected).foreground, .rgb(0xFA, 0xBD, 0x2F))
    XCTAssertFalse(palette.style(for: .selected).reverse, "a themed selection needs no reverse")
    XCTAssertEqual(palette.style(for: .border).foreground, .rgb(0xA8, 0x99, 0x84))
    // Our own keys take the nearest btop key of the same file, not the default theme's ANSI colours.
    XCTAssertEqual(palette.style(for: .treeGuide).foreground, .rgb(0xA8, 0x99, 0x84), "tree_guide ← div_line")
    XCTAssertEqual(palette.style(for: .kind).foreground, .rgb(0x98, 0x97, 0x1A), "kind_fg ← proc_misc")
    XCTAssertEqual(palette.style(for: .bar).foreground, .rgb(0xB8, 0xBB, 0x26), "macs_bar_start ← cpu_start")
    XCTAssertEqual(palette.style(for: .barEnd).foreground, .rgb(0xFB, 0x49, 0x34), "macs_bar_end ← cpu_end")
    XCTAssertEqual(palette.style(for: .paramsBar).foreground, .rgb(0x45, 0x85, 0x88), "params_bar_start ← used_start")
    XCTAssertEqual(palette.style(for: .warning).foreground, .rgb(0xFB, 0x43, 0x94), "warning_fg ← temp_end")
    for role in StyleRole.allCases {
      XCTAssertNotEqual(palette.style(for: role).background, .terminalDefault, "\(role) paints main_bg")
    }
  }

  // MARK: - Files and lookup

  func testTheRepositoryThemesLoadCleanly() throws {
    var catalog = ThemeCatalog(directories: [Self.repoThemes])
    XCTAssertEqual(catalog.names, ["dark", "default", "light", "mono"])
    for name in catalog.names {
      let theme = try catalog.select(name)
      XCTAssertEqual(theme.warnings, [], name)
      XCTAssertTrue(theme.source.hasSuffix("themes/\(name).theme"), theme.source)
    }
    let mono = try catalog.select("mono")
    for role in StyleRole.allCases {
      XCTAssertEqual(mono.palette.style(for: role).foreground, .terminalDefault, "mono has no colour: \(role)")
    }
    XCTAssertTrue(mono.palette.style(for: .selected).reverse, "mono's selection is reversed")
  }

  func testDefaultThemeFileIsTheBuiltInOne() throws {
    let text = try String(contentsOfFile: Self.repoThemes + "/default.theme", encoding: .utf8)
    XCTAssertEqual(text, Theme.defaultText, "themes/default.theme and Theme.defaultText must not drift apart")
  }

  func testUnknownNameListsTheAvailableThemes() {
    var catalog = ThemeCatalog(directories: [Self.repoThemes])
    XCTAssertThrowsError(try catalog.select("solarized")) { error in
      XCTAssertEqual(
        "\(error)",
        "no theme named \"solarized\": available themes are dark, default, light, mono (or give a path to a .theme file)"
      )
    }
    XCTAssertThrowsError(try catalog.select("/nonexistent/x.theme")) { error in
      XCTAssertEqual("\(error)", "cannot read theme file /nonexistent/x.theme: no such file")
    }
    // A folder given as a theme says so (it read "not readable UTF-8 text").
    let folder = FileManager.default.temporaryDirectory.path
    XCTAssertThrowsError(try catalog.select(folder)) { error in
      XCTAssertEqual("\(error)", "cannot read theme file \(folder): a directory, not a .theme file")
    }
  }

  func testAPathIsLoadedAndJoinsTheCycle() throws {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("zz-custom-\(getpid()).theme").path
    try "theme[title]=\"#ff0000\"\nbroken\n".write(toFile: path, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(atPath: path) }
    var catalog = ThemeCatalog(directories: [Self.repoThemes])
    let theme = try catalog.select(path)
    XCTAssertEqual(theme.name, "zz-custom-\(getpid())")
    XCTAssertEqual(theme.warnings, ["\(path):2: expected theme[key]=\"#RRGGBB\", got: broken"])
    XCTAssertEqual(catalog.names.last, theme.name)
  }

  func testMissingFoldersStillGiveTheBuiltInDefault() {
    let catalog = ThemeCatalog(directories: ["/nonexistent/a", "/nonexistent/b"])
    XCTAssertEqual(catalog.names, ["default"])
    XCTAssertEqual(catalog.themes[0].source, "built-in")
  }

  func testSearchOrder() {
    let dirs = ThemeCatalog.searchDirectories(
      environment: ["CONVSCOPE_THEMES": "/custom", "XDG_CONFIG_HOME": "/xdg", "HOME": "/home/u"],
      currentDirectory: "/work/here", executable: "/repo/.build/x86_64-unknown-linux-gnu/release/convscope")
    XCTAssertEqual(
      Array(dirs.prefix(4)),
      [
        "/custom", "/xdg/convscope/themes", "/work/here/themes",
        "/repo/.build/x86_64-unknown-linux-gnu/share/convscope/themes",
      ])
    XCTAssertTrue(dirs.contains("/repo/themes"), "the checkout above .build/…/release")
    XCTAssertTrue(dirs.last?.hasSuffix("/themes") ?? false)
    let noXDG = ThemeCatalog.searchDirectories(
      environment: ["HOME": "/home/u"], currentDirectory: "/w", executable: nil)
    XCTAssertEqual(noXDG.first, "/home/u/.config/convscope/themes")
    let installed = ThemeCatalog.searchDirectories(
      environment: [:], currentDirectory: "/w", executable: "/usr/local/bin/convscope")
    XCTAssertTrue(installed.contains("/usr/local/share/convscope/themes"))
  }

  // MARK: - Colour depth

  func testDepthDetection() {
    XCTAssertEqual(
      ColourDepth.detect(hasColors: true, colors: 1 << 24, colorTerm: "truecolor", noColor: false), .trueColor)
    XCTAssertEqual(ColourDepth.detect(hasColors: true, colors: 1 << 24, colorTerm: "24bit", noColor: false), .trueColor)
    XCTAssertEqual(
      ColourDepth.detect(hasColors: true, colors: 1 << 24, colorTerm: nil, noColor: false), .ansi8,
      "a direct entry without COLORTERM: only the 8 ANSI numbers mean what they say")
    XCTAssertEqual(
      ColourDepth.detect(hasColors: true, colors: 256, colorTerm: "truecolor", noColor: false), .indexed256,
      "COLORTERM alone cannot make ncurses emit 24-bit colour")
    XCTAssertEqual(ColourDepth.detect(hasColors: true, colors: 8, colorTerm: nil, noColor: false), .ansi8)
    XCTAssertEqual(ColourDepth.detect(hasColors: true, colors: 16, colorTerm: nil, noColor: false), .ansi8)
    XCTAssertEqual(ColourDepth.detect(hasColors: true, colors: 256, colorTerm: nil, noColor: true), .none)
    XCTAssertEqual(ColourDepth.detect(hasColors: false, colors: 0, colorTerm: nil, noColor: false), .none)
  }

  func testColourNumbersAtEachDepth() {
    let orange = TermColor.rgb(255, 135, 0)
    XCTAssertEqual(ColourDepth.trueColor.index(of: orange), 0xFF8700)
    XCTAssertEqual(ColourDepth.indexed256.index(of: orange), 208)
    XCTAssertEqual(ColourDepth.ansi8.index(of: orange), 3)
    XCTAssertEqual(ColourDepth.none.index(of: orange), -1)
    XCTAssertEqual(ColourDepth.trueColor.index(of: .rgb(0, 0, 0)), 8, "never an ANSI number by accident")
    XCTAssertEqual(ColourDepth.trueColor.index(of: .ansi(4)), 4)
    XCTAssertEqual(ColourDepth.trueColor.index(of: .ansi(9)), 0xFF0000)
    XCTAssertEqual(ColourDepth.indexed256.index(of: .ansi(9)), 9)
    XCTAssertEqual(ColourDepth.ansi8.index(of: .ansi(9)), 1)
    for depth in ColourDepth.allCases { XCTAssertEqual(depth.index(of: .terminalDefault), -1) }
  }

  func testWithoutColourAThemedSelectionIsReversed() throws {
    var catalog = ThemeCatalog(directories: [Self.repoThemes])
    let dark = try catalog.select("dark").palette
    let styles = ColourDepth.none.resolve(dark)
    let selected = styles[Int(StyleRole.selected.rawValue)]
    XCTAssertTrue(selected.reverse)
    XCTAssertEqual(selected.foreground, -1)
    XCTAssertFalse(styles[Int(StyleRole.normal.rawValue)].reverse, "plain text is not reversed")
    XCTAssertFalse(ColourDepth.indexed256.resolve(dark)[Int(StyleRole.selected.rawValue)].reverse)
  }

  /// The attention ramp's low end reads on dark and light backgrounds (issue #17: it was ANSI black).
  func testAttentionRampLowEndIsVisibleOnDarkAndLight() throws {
    let low = Theme.builtInDefault.palette.style(for: .heat(0)).foreground
    let unreadable: [TermColor] = [.ansi(0), .ansi(7), .ansi(8), .ansi(15), .terminalDefault]
    XCTAssertFalse(unreadable.contains(low), "default theme's low end \(low)")
    var catalog = ThemeCatalog(directories: [Self.repoThemes])
    for name in ["dark", "light"] {
      let palette = try catalog.select(name).palette
      let background = palette.style(for: .normal).background
      guard case .rgb(let r, let g, let b) = palette.style(for: .heat(0)).foreground,
        case .rgb(let br, let bg, let bb) = background
      else { return XCTFail("\(name): RGB ramp and background expected") }
      let distance = abs(Int(r) - Int(br)) + abs(Int(g) - Int(bg)) + abs(Int(b) - Int(bb))
      XCTAssertGreaterThan(distance, 150, "\(name): the low end stands out from the background")
    }
  }
}
