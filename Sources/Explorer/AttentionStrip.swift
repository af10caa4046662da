/// The attention view's per-channel strips: one cell per channel in rows of a round number of channels,
/// each row labelled with its first channel under an axis of offsets, a cursor that reads out one channel,
/// and the legend of the ramp's colours.
enum AttentionStrip {
  /// Channels per row for `channels` in `room` columns: all of them when they fit, else the largest
  /// power of two that fits (so the row labels are round: 0, 64, 128…).
  static func perRow(channels: Int, room: Int) -> Int {
    guard channels > room else { return max(1, channels) }
    var n = 1
    while n * 2 <= room { n *= 2 }
    return max(1, n)
  }

  /// The strip of `values` (0…1), `width` columns wide with a 2-column indent: an axis line, the rows,
  /// and under the cursor's row a mark with `readout` (the cursor's channel and its values).
  static func lines(
    _ values: [Double], width: Int, cursor: Int, readout: String, glyphs: GlyphSet, colour: Bool
  ) -> [StyledLine] {
    guard !values.isEmpty else { return [] }
    let labelWidth = String(values.count - 1).count + 1
    let indent = 2 + labelWidth
    let perRow = perRow(channels: values.count, room: max(1, width - indent))
    var out = [axis(perRow: perRow, indent: indent)]
    let cursor = min(max(0, cursor), values.count - 1)
    for start in stride(from: 0, to: values.count, by: perRow) {
      var row = StyledLine(TextFit.padLeft("\(start)", to: indent - 1) + " ", .dim)
      for c in start..<min(values.count, start + perRow) {
        let l = Plots.level(values[c])
        let text = colour && !glyphs.isASCII ? "█" : Plots.characterRamp(glyphs)[l]
        row.append(text, .heat(l))
      }
      out.append(row)
      if cursor >= start && cursor < start + perRow {
        out.append(mark(at: indent + cursor - start, readout: readout, width: width, glyphs: glyphs))
      }
    }
    return out
  }

  /// `ch 0       16      32`: offsets within a row, every 16 channels (8 in short rows).
  private static func axis(perRow: Int, indent: Int) -> StyledLine {
    var cells = Array(repeating: Character(" "), count: perRow)
    let step = perRow >= 64 ? 16 : 8
    var free = 0
    for t in stride(from: 0, to: perRow, by: step) where t >= free {
      let label = Array(String(t))
      guard t + label.count <= perRow else { break }
      for (k, ch) in label.enumerated() { cells[t + k] = ch }
      free = t + label.count + 1
    }
    return StyledLine(TextFit.padLeft("ch", to: indent - 1) + " " + String(cells), .dim)
  }

  /// The cursor's mark under its cell, with the readout after it (or before it near the right edge).
  private static func mark(at x: Int, readout: String, width: Int, glyphs: GlyphSet) -> StyledLine {
    let caret = glyphs.moreAbove
    if x + 1 + 1 + DisplayWidth.of(readout) <= width || x < DisplayWidth.of(readout) + 1 {
      var line = StyledLine(String(repeating: " ", count: x), .normal)
      line.append(caret, .key)
      line.append(" " + readout, .number)
      return line
    }
    var line = StyledLine(String(repeating: " ", count: x - DisplayWidth.of(readout) - 1), .normal)
    line.append(readout + " ", .number)
    line.append(caret, .key)
    return line
  }

  /// The ramp's five colours with the value each stands for: `█ 0-.2  █ .2-.4 …` (the character ramp
  /// without colour).
  static func legend(glyphs: GlyphSet, colour: Bool) -> StyledLine {
    let bounds = ["0", ".2", ".4", ".6", ".8", "1"]
    var line = StyledLine("colours ", .dim)
    for level in 0..<Palette.rampLevels {
      if level > 0 { line.append("  ", .dim) }
      let swatch = colour && !glyphs.isASCII ? "██" : String(repeating: Plots.characterRamp(glyphs)[level], count: 2)
      line.append(swatch, .heat(level))
      line.append(" \(bounds[level])-\(bounds[level + 1])", .dim)
    }
    return line
  }

  /// Under a squeezed strip (the details pane): `c0`, how many channels a cell holds, and the last channel.
  static func squeezedAxis(channels: Int, cells: Int) -> StyledLine {
    let last = "c\(channels - 1)"
    let per = channels > cells ? "\((channels + cells - 1) / cells) ch per cell" : ""
    let room = cells - 2 - DisplayWidth.of(last)
    var middle = ""
    if !per.isEmpty, DisplayWidth.of(per) + 2 <= room {
      let left = (room - DisplayWidth.of(per)) / 2
      middle = String(repeating: " ", count: left) + per
    }
    return StyledLine("  " + TextFit.padRight("c0" + middle, to: max(0, cells - DisplayWidth.of(last))) + last, .dim)
  }
}
