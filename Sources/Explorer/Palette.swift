/// A colour as a theme names it: the terminal's own, one of the 16 ANSI colours, or 24-bit RGB.
package enum TermColor: Equatable, Hashable, Sendable {
  case terminalDefault
  case ansi(Int)
  case rgb(UInt8, UInt8, UInt8)
}

/// How one ``StyleRole`` looks: colours and attributes.
package struct CellStyle: Equatable, Hashable, Sendable {
  package var foreground: TermColor
  package var background: TermColor
  package var bold: Bool
  package var dim: Bool
  package var reverse: Bool
  package var underline: Bool

  package init(
    foreground: TermColor = .terminalDefault, background: TermColor = .terminalDefault, bold: Bool = false,
    dim: Bool = false, reverse: Bool = false, underline: Bool = false
  ) {
    self.foreground = foreground
    self.background = background
    self.bold = bold
    self.dim = dim
    self.reverse = reverse
    self.underline = underline
  }
}

/// A theme resolved to one ``CellStyle`` per ``StyleRole``; the backend turns it into colour pairs.
///
/// ``Theme/palette`` builds one from a `themes/*.theme` file; ``ColourDepth`` maps it to what the
/// terminal can show.
package struct Palette: Equatable, Sendable {
  package var name: String
  package var styles: [StyleRole: CellStyle]

  package init(name: String, styles: [StyleRole: CellStyle]) {
    self.name = name
    self.styles = styles
  }

  /// The style of `role` (plain text when the palette leaves it out).
  package func style(for role: StyleRole) -> CellStyle { styles[role] ?? Palette.rampFallback[role] ?? CellStyle() }

  /// The same palette with colours removed, attributes kept (for `NO_COLOR` and monochrome terminals).
  package var withoutColour: Palette {
    Palette(
      name: name,
      styles: styles.mapValues {
        CellStyle(bold: $0.bold, dim: $0.dim, reverse: $0.reverse, underline: $0.underline)
      })
  }

  /// The built-in default theme's palette: the terminal's own colours with ANSI accents that read
  /// on dark and light backgrounds alike; needs no file.
  package static var terminalDefault: Palette { Theme.builtInDefault.palette }
}
