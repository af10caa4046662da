/// A bar whose filled cells take a theme's start, mid and end colours by position, as btop's
/// meters do: a short bar stays in the start colour, a full one ends in the end colour.
package enum GradientBar {
  /// The MACs colours and the parameters colours.
  package static let macs: [StyleRole] = [.bar, .barMid, .barEnd]
  package static let params: [StyleRole] = [.paramsBar, .paramsBarMid, .paramsBarEnd]

  /// A `width`-cell bar filled to `fraction` (0…1), as styled runs.
  package static func line(fraction: Double, width: Int, glyphs: GlyphSet, roles: [StyleRole] = macs) -> StyledLine {
    let bar = glyphs.bar(fraction: fraction, width: width)
    var line = StyledLine()
    var column = 0
    for character in bar.filled {
      let third = min(2, column * 3 / max(1, width))
      if let last = line.segments.last, last.role == roles[third] {
        line.segments[line.segments.count - 1].text.append(character)
      } else {
        line.append(String(character), roles[third])
      }
      column += 1
    }
    if !bar.empty.isEmpty { line.append(bar.empty, .barEmpty) }
    return line
  }
}
