extension Theme {
  /// The live run's styles from this theme, on `main_bg`: the pixel ramp from `act_start` / `act_mid` /
  /// `act_end` (RGB colours blended in between, others repeated), heat strips from `attn_*`, step
  /// times in `act_start`, the running block reversed in `hi_fg`. A theme whose ramp is empty (mono)
  /// gets no colours: plots then draw with shade characters (``hasActivationRamp``).
  var runStyles: [StyleRole: CellStyle] {
    let bg = colour("main_bg")
    var styles: [StyleRole: CellStyle] = [
      .running: CellStyle(foreground: colour("hi_fg"), background: bg, bold: true, reverse: true),
      .stepTime: CellStyle(foreground: colour("act_start"), background: bg),
    ]
    let act = ramp("act")
    for top in 0..<Palette.rampLevels {
      for bottom in 0..<Palette.rampLevels {
        styles[.pixel(top: top, bottom: bottom)] =
          act.map { CellStyle(foreground: $0[top], background: $0[bottom]) } ?? CellStyle(background: bg)
      }
    }
    // Intervened nodes in the warning colour, bold and underlined (marked without colour too).
    styles[.ablated] = CellStyle(foreground: colour("ablate_fg"), background: bg, bold: true, underline: true)
    let reuse = ramp("reuse")
    for level in 0..<Palette.rampLevels {
      styles[.reuse(level)] = CellStyle(foreground: reuse?[level] ?? .terminalDefault, background: bg)
    }
    let attn = ramp("attn")
    for level in 0..<Palette.rampLevels {
      styles[.heat(level)] = CellStyle(foreground: attn?[level] ?? .terminalDefault, background: bg)
    }
    return styles
  }

  /// Whether `act_*` / `attn_*` give colours (else plots shade with characters).
  package var hasActivationRamp: Bool { ramp("act") != nil }
  package var hasAttentionRamp: Bool { ramp("attn") != nil }
  /// Whether `reuse_*` give colours (else the reuse maps shade with characters).
  package var hasReuseRamp: Bool { ramp("reuse") != nil }

  /// Five colours from `PREFIX_start` / `_mid` / `_end`; nil when start or end is empty.
  private func ramp(_ prefix: String) -> [TermColor]? {
    let start = colour(prefix + "_start"), mid = colour(prefix + "_mid"), end = colour(prefix + "_end")
    guard start != .terminalDefault, end != .terminalDefault else { return nil }
    let middle = mid == .terminalDefault ? start : mid
    return [start, Self.blend(start, middle), middle, Self.blend(middle, end), end]
  }

  /// Halfway between two RGB colours; the second one when either is not RGB.
  private static func blend(_ a: TermColor, _ b: TermColor) -> TermColor {
    guard case .rgb(let r1, let g1, let b1) = a, case .rgb(let r2, let g2, let b2) = b else { return b }
    return .rgb(
      UInt8((Int(r1) + Int(r2)) / 2), UInt8((Int(g1) + Int(g2)) / 2), UInt8((Int(b1) + Int(b2)) / 2))
  }
}

extension ExplorerState {
  /// Whether thumbnails can rely on colour (the theme has an `act_*` ramp and the terminal colours).
  var activationPlotsInColour: Bool { live.terminalHasColour && theme.hasActivationRamp }
  /// Whether heat strips can rely on colour (`attn_*`).
  var attentionPlotsInColour: Bool { live.terminalHasColour && theme.hasAttentionRamp }
}
