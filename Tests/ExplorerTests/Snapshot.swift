import Explorer
import Foundation
import XCTest

/// Text snapshots of screens, kept under `Tests/ExplorerTests/Snapshots` and re-recorded with
/// `CONVSCOPE_RECORD_SNAPSHOTS=1` (a recording run fails, saying "recorded new baseline").
enum Snapshot {
  static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("Snapshots")

  static var isRecording: Bool { ProcessInfo.processInfo.environment["CONVSCOPE_RECORD_SNAPSHOTS"] == "1" }

  /// Compares `grid`'s text with the snapshot `name`, or writes it when recording.
  static func assertMatches(
    _ grid: ScreenGrid, named name: String, file: StaticString = #filePath,
    line: UInt = #line
  ) {
    assertText(grid.text + "\n", named: name, file: file, line: line)
  }

  /// Compares the text *and the style of every cell* with the snapshot `name`: the screen's text,
  /// then one letter per cell naming its resolved style, then the legend of the letters (colour
  /// numbers at `depth` and attributes).
  static func assertStyledMatches(
    _ grid: ScreenGrid, palette: Palette, depth: ColourDepth, named name: String, file: StaticString = #filePath,
    line: UInt = #line
  ) {
    let styles = depth.resolve(palette)
    let letters = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
    var codes: [ResolvedStyle: Character] = [:]
    var legend: [String] = []
    var rows: [String] = []
    for y in 0..<grid.height {
      var row = ""
      for x in 0..<grid.width {
        let style = styles[Int(grid[x, y].role.rawValue)]
        if codes[style] == nil {
          let letter = letters[min(codes.count, letters.count - 1)]
          codes[style] = letter
          var attributes = [
            style.bold ? "bold" : "", style.dim ? "dim" : "", style.reverse ? "reverse" : "",
            style.underline ? "underline" : "",
          ].filter { !$0.isEmpty }.joined(separator: " ")
          if !attributes.isEmpty { attributes = " " + attributes }
          legend.append(
            "\(letter) fg=\(depth.describe(style.foreground)) bg=\(depth.describe(style.background))\(attributes)")
        }
        row.append(codes[style] ?? "?")
      }
      rows.append(row)
    }
    let text =
      grid.text + "\n--- styles at colour depth \(depth.rawValue) (a letter per cell)\n"
      + rows.joined(separator: "\n") + "\n--- legend\n" + legend.joined(separator: "\n") + "\n"
    assertText(text, named: name, file: file, line: line)
  }

  private static func assertText(_ text: String, named name: String, file: StaticString, line: UInt) {
    let url = directory.appendingPathComponent(name + ".txt")
    if isRecording {
      try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
      XCTAssertNoThrow(try text.write(to: url, atomically: true, encoding: .utf8), file: file, line: line)
      // A recording run must not pass: a baseline is only trusted once a later run compares against it.
      return XCTFail(
        "recorded new baseline \(name).txt: check it, then run without CONVSCOPE_RECORD_SNAPSHOTS", file: file,
        line: line)
    }
    guard let expected = try? String(contentsOf: url, encoding: .utf8) else {
      return XCTFail("no snapshot \(name).txt: record it with CONVSCOPE_RECORD_SNAPSHOTS=1", file: file, line: line)
    }
    if expected != text {
      let want = expected.split(separator: "\n", omittingEmptySubsequences: false)
      let got = text.split(separator: "\n", omittingEmptySubsequences: false)
      let row = (0..<min(want.count, got.count)).first { want[$0] != got[$0] } ?? min(want.count, got.count)
      let wantRow = row < want.count ? String(want[row]) : "(none)"
      let gotRow = row < got.count ? String(got[row]) : "(none)"
      XCTFail("snapshot \(name) differs at row \(row):\n  want: \(wantRow)\n  got:  \(gotRow)", file: file, line: line)
    }
  }
}
