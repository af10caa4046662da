/// The reuse view (`u`, DenseNet): one heat map per dense block — targets down (each layer's `conv1`, then the
/// transition or classifier), sources across (the block's input, then each layer's features) — coloured by mean
/// |w| relative to the block's largest, with a legend and the value under the cursor.
package enum ReuseView {
  /// The view's lines at `width` columns, and the line of the cursor's row (to keep it shown).
  package static func lines(for state: ExplorerState, _ view: ReuseOverlay, width: Int) -> (
    lines: [StyledLine], cursor: Int
  ) {
    let glyphs = state.glyphs
    let colour = state.live.terminalHasColour && state.theme.hasReuseRamp
    var out: [StyledLine] = []
    let text =
      "mean |w| of each target's weights on each source's channels, as a share of its block's largest "
      + "(Huang et al. 2016, section 5)"
    for piece in TextFit.wrap(text, width: width) { out.append(StyledLine(piece, .dim)) }
    var legend = StyledLine("legend ", .label)
    for level in 0..<Palette.rampLevels {
      legend.append(cell(level, glyphs: glyphs, colour: colour))
      let upper = (level + 1) * 100 / Palette.rampLevels
      legend.append(" \(glyphs.text("≤"))\(upper) %  ", .dim)
    }
    legend.append("blank: not seen", .dim)
    out.append(legend)
    out.append(cursorLine(view, glyphs: glyphs, width: width))
    out.append(StyledLine())
    // Maps side by side, as many as fit in a row of maps.
    var cursorLine = out.count
    var start = 0
    let blocks = view.maps.blocks
    while start < blocks.count {
      var end = start
      var used = 0
      while end < blocks.count {
        let w = max(blocks[end].sources.count, title(blocks[end]).count) + 2
        if end > start, used + w > width { break }
        used += w
        end += 1
      }
      let group = start..<end
      var titles = StyledLine()
      var cellWidths: [Int] = []
      for b in group {
        let w = max(blocks[b].sources.count, title(blocks[b]).count) + 2
        cellWidths.append(w)
        titles.append(TextFit.padRight(title(blocks[b]), to: w), b == view.block ? .match : .heading)
      }
      out.append(titles)
      let height = group.map { blocks[$0].targets.count }.max() ?? 0
      for r in 0..<height {
        var line = StyledLine()
        for (k, b) in group.enumerated() {
          let block = blocks[b]
          let peak = block.maximum
          var used = 0
          if r < block.targets.count {
            for (c, value) in block.means[r].enumerated() {
              var segment: StyledLine.Segment
              if let value {
                let level = peak > 0 ? min(Palette.rampLevels - 1, Int(value / peak * Double(Palette.rampLevels))) : 0
                segment = cell(level, glyphs: glyphs, colour: colour)
              } else {
                segment = StyledLine.Segment(text: " ", role: .normal)
              }
              if b == view.block, r == view.row, c == view.column {
                segment = StyledLine.Segment(text: glyphs.isASCII ? "@" : "◆", role: .selected)
                cursorLine = out.count
              }
              line.append(segment)
              used += 1
            }
          }
          line.append(String(repeating: " ", count: max(0, cellWidths[k] - used)))
        }
        out.append(line)
      }
      out.append(StyledLine())
      start = end
    }
    return (out, cursorLine)
  }

  /// `block2 13×14`: a map's title.
  static func title(_ block: ReuseMaps.Block) -> String {
    let name = block.path.split(separator: ".").last.map(String.init) ?? block.path
    let short = name.hasPrefix("dense") ? String(name.dropFirst("dense".count)) : name
    return "\(short) \(block.targets.count)x\(block.sources.count)"
  }

  /// The value under the cursor, with its target and source.
  static func cursorLine(_ view: ReuseOverlay, glyphs: GlyphSet, width: Int) -> StyledLine {
    guard view.maps.blocks.indices.contains(view.block) else { return StyledLine("no dense blocks", .dim) }
    let block = view.maps.blocks[view.block]
    guard block.targets.indices.contains(view.row), block.sources.indices.contains(view.column) else {
      return StyledLine()
    }
    var line = StyledLine("cursor ", .label)
    line.append(block.targets[view.row], .kind)
    line.append(" \(glyphs.text("←")) ", .dim)
    line.append(block.sources[view.column], .kind)
    line.append(": ", .dim)
    if let value = block.means[view.row][view.column] {
      line.append("mean |w| " + Plots.number(value), .number)
      let peak = block.maximum
      if peak > 0 { line.append(" (\(Plots.percent(value / peak)) of the block's largest)", .dim) }
    } else {
      line.append("not seen (the layer comes before it)", .dim)
    }
    return line
  }

  /// One cell of ramp level `level`: █ in the reuse ramp's colour, a shade character without colour.
  static func cell(_ level: Int, glyphs: GlyphSet, colour: Bool) -> StyledLine.Segment {
    let ramp =
      glyphs.isASCII ? [".", ":", "+", "*", "#"] : colour ? ["█", "█", "█", "█", "█"] : ["·", "░", "▒", "▓", "█"]
    return StyledLine.Segment(text: ramp[max(0, min(level, ramp.count - 1))], role: .reuse(level))
  }
}
