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

  /// Parses `text`; `file` names it in warnings.
  package init(parsing text: String, file: String) {
    values = [:]
    warnings = []
    for (number, raw) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
      let line = String(raw).trimmed(" \t")
      if line.isEmpty || line.hasPrefix("#") { continue }
      switch Self.parseLine(line) {
      case .success(let (key, colour)): values[key] = colour
      case .failure(let problem): warnings.append("\(file):\(number + 1): \(problem.text)")
      }
    }
  }

  /// Why a line was skipped.
  private struct Problem: Error { var text: String }

  private static func parseLine(_ line: String) -> Result<(String, TermColor), Problem> {
    let expected = "expected theme[key]=\"#RRGGBB\", got: \(line)"
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
