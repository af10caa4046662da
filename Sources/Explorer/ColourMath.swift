/// Nearest-colour mapping from 24-bit RGB to the xterm 256-colour and 8-colour palettes.
package enum ColourMath {
  /// The xterm-256 index closest to (r, g, b): the 6×6×6 cube or the 24-step grey ramp.
  package static func nearest256(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> Int {
    let levels = [0, 95, 135, 175, 215, 255]
    func cubeIndex(_ v: UInt8) -> Int {
      var best = 0
      for (i, level) in levels.enumerated() where abs(level - Int(v)) < abs(levels[best] - Int(v)) { best = i }
      return best
    }
    let ri = cubeIndex(r), gi = cubeIndex(g), bi = cubeIndex(b)
    let cube = 16 + 36 * ri + 6 * gi + bi
    let cubeError = distance((levels[ri], levels[gi], levels[bi]), (Int(r), Int(g), Int(b)))
    let average = (Int(r) + Int(g) + Int(b)) / 3
    let greyStep = max(0, min(23, (average - 8 + 5) / 10))
    let grey = 8 + 10 * greyStep
    let greyError = distance((grey, grey, grey), (Int(r), Int(g), Int(b)))
    return greyError < cubeError ? 232 + greyStep : cube
  }

  /// The ANSI colour (0–7) closest to (r, g, b).
  package static func nearest8(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> Int {
    let basics = [
      (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205), (0, 205, 205),
      (229, 229, 229),
    ]
    var best = 0
    for (i, c) in basics.enumerated()
    where distance(c, (Int(r), Int(g), Int(b))) < distance(basics[best], (Int(r), Int(g), Int(b))) {
      best = i
    }
    return best
  }

  private static func distance(_ a: (Int, Int, Int), _ b: (Int, Int, Int)) -> Int {
    let dr = a.0 - b.0, dg = a.1 - b.1, db = a.2 - b.2
    return dr * dr + dg * dg + db * db
  }
}
