import Analysis
import Foundation
import Runtime

/// Small plots drawn as styled lines: histograms, column charts, bars, heat strips and feature-map
/// thumbnails. Unicode uses eighth blocks and ▀ half-block pixels in the ramp's colours; ASCII uses
/// a character ramp, so the shape still reads without colour.
package enum Plots {
  /// Vertical eighths: index k fills k/8 of a cell from the bottom.
  static let unicodeColumns = [" ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]
  static let asciiColumns = [" ", " ", ".", ".", "-", "-", "=", "=", "#"]
  /// Levels of the ramp as characters, for ASCII screens and for themes without colour ramps.
  static let asciiRamp = [" ", ".", ":", "+", "#"]
  static let shadeRamp = [" ", "░", "▒", "▓", "█"]

  /// The ramp as characters when colours cannot show it.
  static func characterRamp(_ glyphs: GlyphSet) -> [String] { glyphs.isASCII ? asciiRamp : shadeRamp }

  /// A ramp level (0…4) for `value` in 0…1.
  package static func level(_ value: Double) -> Int {
    guard value.isFinite else { return 0 }
    return min(Palette.rampLevels - 1, max(0, Int(value * Double(Palette.rampLevels))))
  }

  /// `x` in at most about seven columns: three decimals, or an exponent for very large or small values.
  package static func number(_ x: Double) -> String {
    guard x.isFinite else { return "\(x)" }
    let magnitude = abs(x)
    if magnitude != 0 && (magnitude < 0.001 || magnitude >= 100_000) {
      var exponent = Int((log10(magnitude)).rounded(.down))
      var mantissa = x / pow(10, Double(exponent))
      if abs(mantissa) >= 9.995 {
        mantissa /= 10
        exponent += 1
      }
      return NumberFormat.fixed(mantissa, 2) + "e\(exponent)"
    }
    return NumberFormat.fixed(x, magnitude >= 1000 ? 1 : 3)
  }

  /// A percentage with one decimal: `43.2 %`.
  package static func percent(_ fraction: Double) -> String { NumberFormat.fixed(fraction * 100, 1) + " %" }

  // MARK: - Charts

  /// A column chart `height` rows tall of `values` (one column each, `width` columns at most: values are
  /// averaged into buckets when there are more), scaled from min(0, lowest) to max(0, highest). The
  /// column holding `highlight` is drawn in the match role.
  package static func columns(
    _ values: [Double], height: Int, width: Int, glyphs: GlyphSet, highlight: Int? = nil,
    role: StyleRole = .bar
  ) -> [StyledLine] {
    guard !values.isEmpty, height > 0, width > 0 else { return [] }
    // Few values get wider columns (up to 4 cells, the last of each left as a gap from 3 on).
    let repeatCount = max(1, min(4, width / values.count))
    let buckets = bucket(values, into: width).flatMap { b in
      (0..<repeatCount).map { k in (value: b.value, range: b.range, gap: repeatCount >= 3 && k == repeatCount - 1) }
    }
    let lo = min(0, values.min() ?? 0)
    let hi = max(0, values.max() ?? 0)
    let range = hi - lo
    let pieces = glyphs.isASCII ? asciiColumns : unicodeColumns
    var lines: [StyledLine] = []
    for row in 0..<height {
      var line = StyledLine()
      let floor = Double(height - 1 - row) * 8
      for b in buckets {
        let scaled = ((b.value - lo) / range * Double(height * 8)).rounded()
        let eighths = range > 0 && scaled.isFinite ? scaled : 0
        let filled = min(8, max(0, Int(eighths - floor)))
        let isHighlight = highlight.map { b.range.contains($0) } ?? false
        if b.gap {
          line.append(" ")
        } else {
          line.append(
            pieces[filled] == " " && isHighlight ? (glyphs.isASCII ? "|" : "▏") : pieces[filled],
            isHighlight ? .match : role)
        }
      }
      lines.append(line)
    }
    return lines
  }

  /// The 64-bin histogram as a column chart (counts on a log scale, so the tails show next to a
  /// spike of zeros), with the range under it.
  package static func histogram(_ statistics: ActivationStatistics, height: Int, width: Int, glyphs: GlyphSet)
    -> [StyledLine]
  {
    let counts = statistics.histogram.map { $0 > 0 ? log1p(Double($0)) : 0 }
    var out = columns(counts, height: height, width: min(width, counts.count), glyphs: glyphs)
    let left = number(Double(statistics.min)), right = number(Double(statistics.max))
    let chartWidth = min(width, counts.count)
    let gap = max(1, chartWidth - DisplayWidth.of(left) - DisplayWidth.of(right))
    out.append(StyledLine(left + String(repeating: " ", count: gap) + right, .dim))
    return out
  }

  /// A heat strip of `values` (0…1) over at most `width` cells: each cell the mean of its channels, as
  /// a full block in the attention ramp's colour (an ASCII ramp character without Unicode).
  package static func heatStrip(_ values: [Double], width: Int, glyphs: GlyphSet, colour: Bool = true) -> StyledLine {
    guard !values.isEmpty, width > 0 else { return StyledLine() }
    var line = StyledLine()
    for b in bucket(values, into: width) {
      let l = level(b.value)
      let text = colour && !glyphs.isASCII ? "█" : characterRamp(glyphs)[l]
      line.append(StyledLine.Segment(text: text, role: .heat(l)))
    }
    return line
  }

  /// Feature-map thumbnails side by side (two pixel rows per text row), each labelled with its channel.
  package static func thumbnails(_ maps: [FeatureThumbnail], width: Int, glyphs: GlyphSet, colour: Bool = true)
    -> [StyledLine]
  {
    guard let first = maps.first else { return [] }
    let cellWidth = first.width + 1
    let perRow = max(1, (width + 1) / cellWidth)
    var out: [StyledLine] = []
    for start in stride(from: 0, to: maps.count, by: perRow) {
      let group = Array(maps[start..<min(maps.count, start + perRow)])
      let rows = (first.height + 1) / 2
      for r in 0..<rows {
        var line = StyledLine()
        for (k, map) in group.enumerated() {
          if k > 0 { line.append(" ") }
          for x in 0..<map.width {
            let top = level(Double(map[x, 2 * r]))
            let bottom = 2 * r + 1 < map.height ? level(Double(map[x, 2 * r + 1])) : 0
            line.append(pixel(top: top, bottom: 2 * r + 1 < map.height ? bottom : top, glyphs: glyphs, colour: colour))
          }
        }
        out.append(line)
      }
      var labels = StyledLine()
      for (k, map) in group.enumerated() {
        if k > 0 { labels.append(" ") }
        labels.append(
          TextFit.padRight(TextFit.truncate("c\(map.channel)", to: map.width, ellipsis: ""), to: map.width), .dim)
      }
      out.append(labels)
    }
    return out
  }

  /// One ▀ cell (or an ASCII ramp character) with pixel levels `top` and `bottom`.
  package static func pixel(top: Int, bottom: Int, glyphs: GlyphSet, colour: Bool = true) -> StyledLine.Segment {
    if glyphs.isASCII || !colour {
      return StyledLine.Segment(
        text: characterRamp(glyphs)[(top + bottom + 1) / 2], role: .pixel(top: top, bottom: bottom))
    }
    return StyledLine.Segment(text: "▀", role: .pixel(top: top, bottom: bottom))
  }

  // MARK: - Helpers

  /// `values` averaged into at most `count` buckets, each with the index range it covers.
  static func bucket(_ values: [Double], into count: Int) -> [(value: Double, range: Range<Int>)] {
    guard values.count > count, count > 0 else {
      return values.enumerated().map { ($0.element, $0.offset..<$0.offset + 1) }
    }
    return (0..<count).map { b in
      let lo = b * values.count / count, hi = max(lo + 1, (b + 1) * values.count / count)
      let slice = values[lo..<hi]
      return (slice.reduce(0, +) / Double(slice.count), lo..<hi)
    }
  }
}

extension StyledLine {
  /// Appends a segment.
  mutating func append(_ segment: Segment) { segments.append(segment) }
}
