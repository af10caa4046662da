/// How many colours the terminal shows, and how a ``Palette`` maps onto them.
///
/// Truecolor needs both the user's word (`COLORTERM=truecolor` or `24bit`) and a terminfo entry with
/// direct colour (`TERM=xterm-direct`, from Debian's `ncurses-term`): ncurses emits 24-bit colour only
/// for such entries, and in them colour numbers from 8 up *are* RGB values, so a direct entry without
/// `COLORTERM` falls back to the 8 ANSI colours rather than misreading 256-colour indices.
package enum ColourDepth: String, CaseIterable, Equatable, Sendable {
  case trueColor = "truecolor"
  case indexed256 = "256"
  case ansi8 = "8"
  case none = "none"

  /// The depth for a terminal with `colors` colours (ncurses' `COLORS` after `start_color`).
  package static func detect(hasColors: Bool, colors: Int, colorTerm: String?, noColor: Bool) -> ColourDepth {
    guard hasColors, !noColor, colors >= 8 else { return .none }
    if colors >= 1 << 24 {
      return colorTerm == "truecolor" || colorTerm == "24bit" ? .trueColor : .ansi8
    }
    return colors >= 256 ? .indexed256 : .ansi8
  }

  /// The terminal colour number of `colour` at this depth: -1 for the terminal's own colour,
  /// `0xRRGGBB` for truecolor, else a palette index.
  package func index(of colour: TermColor) -> Int32 {
    switch (self, colour) {
    case (.none, _), (_, .terminalDefault): return -1
    case (.trueColor, .ansi(let n)):
      // Below 8 a direct entry still means the ANSI colour; the bright ones become their xterm RGB.
      guard n >= 8 else { return Int32(n) }
      let rgb = Self.xtermBright[n - 8]
      return index(of: .rgb(rgb.0, rgb.1, rgb.2))
    case (.indexed256, .ansi(let n)): return Int32(n)
    case (.ansi8, .ansi(let n)): return Int32(n % 8)
    case (.trueColor, .rgb(let r, let g, let b)):
      // Values under 8 would read as ANSI colours: nudge near-black blue by a step nobody sees.
      return max(8, Int32(r) << 16 | Int32(g) << 8 | Int32(b))
    case (.indexed256, .rgb(let r, let g, let b)): return Int32(ColourMath.nearest256(r, g, b))
    case (.ansi8, .rgb(let r, let g, let b)): return Int32(ColourMath.nearest8(r, g, b))
    }
  }

  private static let xtermBright: [(UInt8, UInt8, UInt8)] = [
    (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0), (92, 92, 255), (255, 0, 255), (0, 255, 255),
    (255, 255, 255),
  ]

  /// `style` as the terminal shows it at this depth. Without colour, a role whose background
  /// differs from the screen's (`base`: a themed selection) is reversed so it still stands out.
  package func resolve(_ style: CellStyle, base: TermColor = .terminalDefault) -> ResolvedStyle {
    ResolvedStyle(
      foreground: index(of: style.foreground), background: index(of: style.background), bold: style.bold,
      dim: style.dim, reverse: style.reverse || (self == .none && style.background != base),
      underline: style.underline)
  }

  /// Every role of `palette` resolved, indexed by the role's raw value.
  package func resolve(_ palette: Palette) -> [ResolvedStyle] {
    let base = palette.style(for: .normal).background
    return StyleRole.allCases.map { resolve(palette.style(for: $0), base: base) }
  }

  /// A colour number as snapshots and notes write it.
  package func describe(_ index: Int32) -> String {
    if index < 0 { return "default" }
    if self == .trueColor && index >= 8 {
      let hex = String(index, radix: 16)
      return "#" + String(repeating: "0", count: 6 - hex.count) + hex
    }
    return String(index)
  }
}

/// A ``CellStyle`` as terminal colour numbers (-1: the terminal's own) and attributes.
package struct ResolvedStyle: Equatable, Hashable, Sendable {
  package var foreground: Int32
  package var background: Int32
  package var bold: Bool
  package var dim: Bool
  package var reverse: Bool
  package var underline: Bool
}
