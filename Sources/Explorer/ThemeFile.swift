/// A theme file in btop's syntax, parsed: `theme[key]="value"` lines and `#` comments.
///
/// Values: `"#RRGGBB"`, `"#BW"` (a grey, two hex digits), `"R G B"` (decimal 0–255), `""` (the
/// terminal's own colour) and, as a convscope extension for the default theme, `"ansi:N"` (one of
/// the terminal's 16 colours, 0–15). Keys are kept whether or not convscope uses them; a line that
/// is not of this form, or a value that is not a colour, becomes a one-line warning naming the file
/// and line, and the rest of the file still applies.
package struct ThemeFile: Equatable, Sendable {
  /// The colour of every key the file sets, in the file's own words (later lines win).
  package var values: [String: TermColor]
  /// One line per malformed line: `FILE:LINE: what is wrong`.
  package var warnings: [String]

  /// The largest theme file read: btop's themes are a few KB, so anything near this is not a theme.
  package static let maxFileBytes = 1 << 20
  /// The longest line parsed; a longer one is skipped with a warning, unread, so parsing stays linear.
  package static let maxLineBytes = 1024
  /// Warnings listed one by one; the rest are counted in a last line.
  package static let maxWarnings = 100

  /// Parses `text`; `file` names it in warnings.
  package init(parsing text: String, file: String) {
    self.init(parsing: Array(text.utf8), file: file)
  }

  /// Parses the bytes of a theme file in one pass (lines end at LF, CRLF or CR); `file` names it in warnings.
  package init(parsing bytes: [UInt8], file: String) {
    values = [:]
    warnings = []
    var unlisted = 0
    var number = 0
    var start = 0
    while start <= bytes.count {
      var end = start
      while end < bytes.count && bytes[end] != 10 && bytes[end] != 13 { end += 1 }
      number += 1
      let next =
        end < bytes.count && bytes[end] == 13 && end + 1 < bytes.count && bytes[end + 1] == 10 ? end + 2 : end + 1
      let problem: String?
      if end - start > Self.maxLineBytes {
        problem = "a line of \(end - start) bytes is over the \(Self.maxLineBytes)-byte limit of a theme line"
      } else {
        let line = String(decoding: bytes[start..<end], as: UTF8.self).trimmed(" \t")
        if line.isEmpty || line.hasPrefix("#") {
          problem = nil
        } else {
          switch Self.parseLine(line) {
          case .success(let (key, colour)):
            values[key] = colour
            problem = nil
          case .failure(let failure): problem = failure.text
          }
        }
      }
      if let problem {
        if warnings.count < Self.maxWarnings { warnings.append("\(file):\(number): \(problem)") } else { unlisted += 1 }
      }
      start = next
    }
    if unlisted > 0 { warnings.append("\(file): \(unlisted) more malformed lines not listed") }
  }

  /// A file too large to be a theme: no colours, one warning.
  package init(oversize bytes: Int, file: String) {
    values = [:]
    warnings = [
      "\(file): \(bytes) bytes is over the \(Self.maxFileBytes)-byte limit of a theme file; its colours are not used"
    ]
  }

  /// Why a line was skipped.
  private struct Problem: Error { var text: String }

  private static func parseLine(_ line: String) -> Result<(String, TermColor), Problem> {
    let shown = line.count > 60 ? line.prefix(60) + "…" : line
    let expected = "expected theme[key]=\"#RRGGBB\", got: \(shown)"
    guard line.hasPrefix("theme["), let close = line.firstIndex(of: "]") else {
      return .failure(Problem(text: expected))
    }
    let key = String(line[line.index(line.startIndex, offsetBy: 6)..<close]).trimmed(" \t")
    var rest = Substring(line[line.index(after: close)...]).drop { $0 == " " || $0 == "\t" }
    guard !key.isEmpty, rest.first == "=" else { return .failure(Problem(text: expected)) }
    rest = rest.dropFirst().drop { $0 == " " || $0 == "\t" }
    // A value in double or single quotes (btop writes double), or bare up to a trailing comment.
    var value: String
    if let quote = rest.first, quote == "\"" || quote == "'" {
      let body = rest.dropFirst()
      guard let end = body.firstIndex(of: quote) else {
        return .failure(Problem(text: "theme[\(key)]: the value's closing quote is missing"))
      }
      value = String(body[..<end])
      let after = body[body.index(after: end)...].trimmed(" \t")
      guard after.isEmpty || after.hasPrefix("#") else { return .failure(Problem(text: expected)) }
    } else {
      // Bare: `#RRGGBB` up to the first space, or `R G B` up to a comment.
      value =
        rest.first == "#"
        ? String(rest.prefix { $0 != " " && $0 != "\t" })
        : String(rest.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
    }
    value = value.trimmed(" \t")
    guard let colour = parseColour(value) else {
      return .failure(
        Problem(text: "theme[\(key)]: \"\(value)\" is not a colour (use \"#RRGGBB\", \"#BW\", \"R G B\" or \"\")"))
    }
    return .success((key, colour))
  }

  /// A value as a colour, or nil when it is none of the accepted forms.
  package static func parseColour(_ value: String) -> TermColor? {
    if value.isEmpty { return .terminalDefault }
    if value.hasPrefix("ansi:") {
      guard let n = Int(value.dropFirst(5)), (0...15).contains(n) else { return nil }
      return .ansi(n)
    }
    if value.hasPrefix("#") {
      let hex = value.dropFirst()
      guard hex.allSatisfy(\.isHexDigit) else { return nil }
      if hex.count == 2, let grey = UInt8(hex, radix: 16) { return .rgb(grey, grey, grey) }
      guard hex.count == 6, let rgb = Int(hex, radix: 16) else { return nil }
      return .rgb(UInt8(rgb >> 16), UInt8((rgb >> 8) & 0xFF), UInt8(rgb & 0xFF))
    }
    let parts = value.split(separator: " ", omittingEmptySubsequences: true)
    guard parts.count == 3 else { return nil }
    let numbers = parts.compactMap { UInt8($0) }
    guard numbers.count == 3 else { return nil }
    return .rgb(numbers[0], numbers[1], numbers[2])
  }
}

extension String {
  /// The string without leading and trailing characters from `set` (no Foundation needed).
  fileprivate func trimmed(_ set: String) -> String {
    let chars = Set(set)
    guard let start = firstIndex(where: { !chars.contains($0) }) else { return "" }
    let end = lastIndex { !chars.contains($0) } ?? start
    return String(self[start...end])
  }
}

extension Substring {
  fileprivate func trimmed(_ set: String) -> String { String(self).trimmed(set) }
}
