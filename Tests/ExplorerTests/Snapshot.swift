import Explorer
import Foundation
import XCTest

/// Text snapshots of screens, kept under `Tests/ExplorerTests/Snapshots` and re-recorded with
/// `CONVSCOPE_RECORD_SNAPSHOTS=1`.
enum Snapshot {
  static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("Snapshots")

  static var isRecording: Bool { ProcessInfo.processInfo.environment["CONVSCOPE_RECORD_SNAPSHOTS"] == "1" }

  /// Compares `grid`'s text with the snapshot `name`, or writes it when recording.
  static func assertMatches(
    _ grid: ScreenGrid, named name: String, file: StaticString = #filePath,
    line: UInt = #line
  ) {
    let url = directory.appendingPathComponent(name + ".txt")
    let text = grid.text + "\n"
    if isRecording {
      try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
      XCTAssertNoThrow(try text.write(to: url, atomically: true, encoding: .utf8), file: file, line: line)
      return
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
