/// Fitting text into columns: truncation with an ellipsis, padding and word wrapping.
package enum TextFit {
  /// `text` cut to `width` columns, ending in `ellipsis` when cut.
  package static func truncate(_ text: String, to width: Int, ellipsis: String) -> String {
    guard width > 0 else { return "" }
    if DisplayWidth.of(text) <= width { return text }
    let room = width - DisplayWidth.of(ellipsis)
    guard room > 0 else { return String(repeating: ".", count: width) }
    var out = String.UnicodeScalarView()
    var used = 0
    for scalar in text.unicodeScalars {
      let w = DisplayWidth.of(scalar)
      if used + w > room { break }
      out.append(scalar)
      used += w
    }
    return String(out) + ellipsis
  }

  /// `text` cut to `width` columns in the middle (`denseb…ock1`), keeping both ends readable.
  package static func truncateMiddle(_ text: String, to width: Int, ellipsis: String) -> String {
    guard width > 0 else { return "" }
    if DisplayWidth.of(text) <= width { return text }
    let room = width - DisplayWidth.of(ellipsis)
    guard room > 1 else { return truncate(text, to: width, ellipsis: ellipsis) }
    let scalars = Array(text.unicodeScalars)
    var head = String.UnicodeScalarView(), tail: [Unicode.Scalar] = []
    var headUsed = 0, tailUsed = 0
    let headRoom = (room + 1) / 2, tailRoom = room - headRoom
    for scalar in scalars {
      let w = DisplayWidth.of(scalar)
      if headUsed + w > headRoom { break }
      head.append(scalar)
      headUsed += w
    }
    for scalar in scalars.reversed() {
      let w = DisplayWidth.of(scalar)
      if tailUsed + w > tailRoom { break }
      tail.insert(scalar, at: 0)
      tailUsed += w
    }
    return String(head) + ellipsis + String(String.UnicodeScalarView(tail))
  }

  /// `text` padded with spaces on the left to `width` columns (never cut).
  package static func padLeft(_ text: String, to width: Int) -> String {
    let w = DisplayWidth.of(text)
    return w >= width ? text : String(repeating: " ", count: width - w) + text
  }

  /// `text` padded with spaces on the right to `width` columns (never cut).
  package static func padRight(_ text: String, to width: Int) -> String {
    let w = DisplayWidth.of(text)
    return w >= width ? text : text + String(repeating: " ", count: width - w)
  }

  /// Greedy word wrap of `text` into lines of at most `width` columns (long words are cut).
  package static func wrap(_ text: String, width: Int) -> [String] {
    guard width > 0 else { return [] }
    var lines: [String] = []
    var current = ""
    for word in text.split(separator: " ", omittingEmptySubsequences: true).map(String.init) {
      var word = word
      while DisplayWidth.of(word) > width {
        if !current.isEmpty { lines.append(current); current = "" }
        // A character wider than the line still takes one line of its own (else this never ends).
        var head = truncate(word, to: width, ellipsis: "")
        if head.isEmpty, let first = word.first { head = String(first) }
        lines.append(head)
        word = String(word.dropFirst(head.count))
      }
      if current.isEmpty {
        current = word
      } else if DisplayWidth.of(current) + 1 + DisplayWidth.of(word) <= width {
        current += " " + word
      } else {
        lines.append(current)
        current = word
      }
    }
    if !current.isEmpty { lines.append(current) }
    return lines
  }
}
