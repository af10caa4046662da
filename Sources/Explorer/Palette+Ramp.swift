/// The colour ramp of plots (feature maps, heat strips): five levels, low to high.
extension Palette {
  /// Levels of the ramp.
  package static let rampLevels = 5

  /// The ramp of the terminal-colour palette: blue, cyan, green, yellow, red.
  package static let defaultRamp: [TermColor] = [.ansi(4), .ansi(6), .ansi(2), .ansi(3), .ansi(1)]

  /// The half-block pixel styles for a ramp of ``rampLevels`` colours: ▀ takes the upper pixel's colour
  /// as foreground and the lower one's as background.
  package static func rampStyles(_ ramp: [TermColor]) -> [StyleRole: CellStyle] {
    precondition(ramp.count == rampLevels, "a ramp has \(rampLevels) colours")
    var styles: [StyleRole: CellStyle] = [:]
    for top in 0..<rampLevels {
      for bottom in 0..<rampLevels {
        styles[StyleRole.pixel(top: top, bottom: bottom)] = CellStyle(foreground: ramp[top], background: ramp[bottom])
      }
    }
    return styles
  }

  /// The heat-strip styles for a ramp of ``rampLevels`` colours (█ in the level's colour).
  package static func heatStyles(_ ramp: [TermColor]) -> [StyleRole: CellStyle] {
    precondition(ramp.count == rampLevels, "a ramp has \(rampLevels) colours")
    var styles: [StyleRole: CellStyle] = [:]
    for level in 0..<rampLevels { styles[StyleRole.heat(level)] = CellStyle(foreground: ramp[level]) }
    return styles
  }

  /// The run styles every palette gets unless it sets its own (themes derive them from `act_*`).
  static let rampFallback = rampStyles(defaultRamp).merging(heatStyles(defaultRamp)) { a, _ in a }.merging([
    .running: CellStyle(foreground: .ansi(3), bold: true, reverse: true),
    .stepTime: CellStyle(foreground: .ansi(2)),
    .ablated: CellStyle(foreground: .ansi(1), bold: true, underline: true),
  ]) { a, _ in a }.merging((0..<rampLevels).map { (StyleRole.reuse($0), CellStyle(foreground: defaultRamp[$0])) }) {
    a, _ in a
  }

  /// This palette with its pixel roles drawn in `ramp`.
  package func withRamp(_ ramp: [TermColor]) -> Palette {
    Palette(name: name, styles: styles.merging(Palette.rampStyles(ramp)) { _, new in new })
  }
}

extension StyleRole {
  /// The heat-strip role for ramp level `level` (clamped to 0…4).
  package static func heat(_ level: Int) -> StyleRole {
    let l = min(max(level, 0), Palette.rampLevels - 1)
    return StyleRole(rawValue: StyleRole.heat0.rawValue + UInt8(l)) ?? .normal
  }

  /// The reuse-map role for ramp level `level` (clamped to 0…4).
  package static func reuse(_ level: Int) -> StyleRole {
    let l = min(max(level, 0), Palette.rampLevels - 1)
    return StyleRole(rawValue: StyleRole.reuse0.rawValue + UInt8(l)) ?? .normal
  }

  /// The half-block pixel role for ramp levels `top` and `bottom` (each clamped to 0…4).
  package static func pixel(top: Int, bottom: Int) -> StyleRole {
    let levels = Palette.rampLevels
    let t = min(max(top, 0), levels - 1), b = min(max(bottom, 0), levels - 1)
    return StyleRole(rawValue: StyleRole.pixel00.rawValue + UInt8(t * levels + b)) ?? .normal
  }
}
