/// Terminal column widths of Unicode scalars, in pure Swift so rendering needs no libc or ncurses.
///
/// Covers what the explorer draws and what model names could hold: ASCII and Latin (1 column),
/// combining marks (0), East Asian wide ideographs, Hangul, fullwidth forms and emoji (2).
package enum DisplayWidth {
  /// The number of terminal columns `scalar` occupies (0, 1 or 2).
  package static func of(_ scalar: Unicode.Scalar) -> Int {
    let v = scalar.value
    if v < 0x300 { return v < 0x20 || (v >= 0x7F && v < 0xA0) ? 0 : 1 }
    if isCombining(v) { return 0 }
    return isWide(v) ? 2 : 1
  }

  /// The number of terminal columns `text` occupies.
  package static func of(_ text: String) -> Int {
    var total = 0
    for scalar in text.unicodeScalars { total += of(scalar) }
    return total
  }

  private static func isCombining(_ v: UInt32) -> Bool {
    (0x300...0x36F).contains(v) || (0x1AB0...0x1AFF).contains(v) || (0x1DC0...0x1DFF).contains(v)
      || (0x20D0...0x20FF).contains(v) || (0xFE20...0xFE2F).contains(v) || v == 0x200B
      || v == 0x200C || v == 0x200D || (0xFE00...0xFE0F).contains(v)
  }

  private static func isWide(_ v: UInt32) -> Bool {
    (0x1100...0x115F).contains(v) || (0x2E80...0x303E).contains(v) || (0x3041...0x33FF).contains(v)
      || (0x3400...0x4DBF).contains(v) || (0x4E00...0x9FFF).contains(v) || (0xA000...0xA4CF).contains(v)
      || (0xAC00...0xD7A3).contains(v) || (0xF900...0xFAFF).contains(v) || (0xFE30...0xFE4F).contains(v)
      || (0xFF00...0xFF60).contains(v) || (0xFFE0...0xFFE6).contains(v) || (0x1F300...0x1F64F).contains(v)
      || (0x1F900...0x1F9FF).contains(v) || (0x20000...0x3FFFD).contains(v)
  }
}
