/// Every non-ASCII character the explorer draws, in one place, with a plain-ASCII twin.
///
/// The backend picks ``unicode`` when the locale's codeset is UTF-8 and ``ascii`` otherwise.
package struct GlyphSet: Equatable, Sendable {
  package var name: String
  package var horizontal: String
  package var vertical: String
  package var topLeft: String
  package var topRight: String
  package var bottomLeft: String
  package var bottomRight: String
  /// ┬ ┴ ├ ┤: joints where the pane divider meets the frame.
  package var teeDown: String
  package var teeUp: String
  package var teeRight: String
  package var teeLeft: String
  /// Tree glyphs for an expanded node, a collapsed one, and a leaf.
  package var expanded: String
  package var collapsed: String
  package var leaf: String
  package var ellipsis: String
  /// Between the dimensions of a shape: `1×64×56×56`.
  package var times: String
  /// Between items of the header and status bar.
  package var separator: String
  /// Bar pieces: index k draws k/8 of a cell; index 8 is a full cell.
  package var barEighths: [String]
  package var barEmpty: String
  /// Marks more content above / below in a scrolled pane.
  package var moreAbove: String
  package var moreBelow: String
  /// Marks more columns to the left / right in a view scrolled sideways.
  package var moreLeft: String
  package var moreRight: String
  /// The caret shown at the end of a text prompt.
  package var caret: String
  /// Arrow keys as the help overlay and status bar name them.
  package var keyUpDown: String
  package var keyLeftRight: String
  /// Marks an intervened node in the tree and the header.
  package var intervened: String

  /// Box drawing, triangles and eighth blocks.
  package static let unicode = GlyphSet(
    name: "unicode", horizontal: "─", vertical: "│", topLeft: "┌", topRight: "┐", bottomLeft: "└",
    bottomRight: "┘", teeDown: "┬", teeUp: "┴", teeRight: "├", teeLeft: "┤", expanded: "▾", collapsed: "▸",
    leaf: "·", ellipsis: "…", times: "×", separator: "·",
    barEighths: [" ", "▏", "▎", "▍", "▌", "▋", "▊", "▉", "█"], barEmpty: " ", moreAbove: "▲", moreBelow: "▼",
    moreLeft: "◀", moreRight: "▶", caret: "█", keyUpDown: "↑↓", keyLeftRight: "←→",
    intervened: "✗")

  /// 7-bit ASCII only, for terminals and locales without UTF-8.
  package static let ascii = GlyphSet(
    name: "ascii", horizontal: "-", vertical: "|", topLeft: "+", topRight: "+", bottomLeft: "+",
    bottomRight: "+", teeDown: "+", teeUp: "+", teeRight: "+", teeLeft: "+", expanded: "-", collapsed: "+",
    leaf: " ", ellipsis: "~", times: "x", separator: "|",
    barEighths: [" ", " ", " ", " ", "=", "=", "=", "=", "#"], barEmpty: " ", moreAbove: "^", moreBelow: "v",
    moreLeft: "<", moreRight: ">", caret: "_", keyUpDown: "Up/Dn", keyLeftRight: "Lt/Rt",
    intervened: "X")

  /// Whether only 7-bit ASCII may be drawn.
  package var isASCII: Bool { name == GlyphSet.ascii.name }

  /// `text` as this glyph set can draw it: unchanged for Unicode; for ASCII, common symbols are
  /// spelled out (`×` → `x`, `σ` → `sigma`, `—` → `-`) and anything else becomes `?`.
  package func text(_ text: String) -> String {
    guard isASCII, !text.unicodeScalars.allSatisfy(\.isASCII) else { return text }
    var out = ""
    for scalar in text.unicodeScalars {
      if scalar.isASCII {
        out.unicodeScalars.append(scalar)
      } else {
        out += Self.transliterations[scalar] ?? (DisplayWidth.of(scalar) == 0 ? "" : "?")
      }
    }
    return out
  }

  private static let transliterations: [Unicode.Scalar: String] = [
    "×": "x", "·": ".", "—": "-", "–": "-", "−": "-", "…": "...", "→": "->", "←": "<-", "↑": "^", "↓": "v",
    "≤": "<=", "≥": ">=", "≈": "~", "≠": "!=", "√": "sqrt", "∑": "sum", "Σ": "sum", "⊙": "(*)", "⊕": "(+)",
    "∈": " in ", "σ": "sigma", "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "eps",
    "λ": "lambda", "μ": "mu", "π": "pi", "ℓ": "l", "²": "^2", "³": "^3", "′": "'", "‘": "'", "’": "'",
    "“": "\"", "”": "\"", "\u{00A0}": " ", "ᵀ": "^T", "₁": "1", "₂": "2", "ᵢ": "_i", "ₖ": "_k",
    "‖": "||", "∂": "d", "ₙ": "_n", "›": ">",
  ]

  /// A shape such as `[1, 64, 56, 56]` written `1×64×56×56`.
  package func shape(_ dims: [Int]) -> String {
    dims.map(String.init).joined(separator: times)
  }

  /// A bar of `width` cells filled to `fraction` (0…1) with eighth-cell resolution.
  package func bar(fraction: Double, width: Int) -> (filled: String, empty: String) {
    guard width > 0 else { return ("", "") }
    let clamped = min(1, max(0, fraction.isFinite ? fraction : 0))
    let eighths = Int((clamped * Double(width * 8)).rounded())
    let full = eighths / 8, part = eighths % 8
    var filled = String(repeating: barEighths[8], count: full)
    var used = full
    if part > 0 && used < width && barEighths[part] != " " {
      filled += barEighths[part]
      used += 1
    }
    return (filled, String(repeating: barEmpty, count: width - used))
  }
}
