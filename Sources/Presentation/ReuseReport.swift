import Analysis
import Formats
import Foundation
import Session

/// What `convscope reuse` prints: per dense block, targets down and sources across, as DenseNet's Fig. 5.
package struct ReuseReport {
  package let model: String
  package let reuse: FeatureReuse

  package init(model: String, reuse: FeatureReuse) {
    self.model = model
    self.reuse = reuse
  }

  /// Each block's matrix; every cell shaded against its row's maximum (`░▒▓█`), in colour on a terminal.
  package func table(colour: Bool) -> String {
    var lines = ["\(model) · feature reuse: mean |w| of each target over each source's input channels"]
    let shades = ["·", "░", "▒", "▓", "█"]
    for block in reuse.blocks {
      lines.append("")
      lines.append("\(block.path) (rows: targets, columns: sources 0 = input, l = denselayer l)")
      let width = block.targets.map { shortName($0, block: block.path).count }.max() ?? 0
      lines.append(
        String(repeating: " ", count: width) + "  "
          + (0..<block.sources.count).map { String(format: "%6d", $0) }.joined(separator: " "))
      for (target, row) in zip(block.targets, block.means) {
        let peak = row.compactMap { $0 }.max() ?? 0
        let cells = row.map { value -> String in
          guard let value else { return String(repeating: " ", count: 6) }
          let level = peak > 0 ? min(4, Int((value / peak * 4).rounded())) : 0
          let text = shades[level] + String(format: "%.3f", value).suffix(5)
          return colour ? "\u{1B}[38;5;\(232 + min(23, Int(peak > 0 ? value / peak * 23 : 0)))m\(text)\u{1B}[0m" : text
        }
        let name = shortName(target, block: block.path)
        let line = name + String(repeating: " ", count: width - name.count) + "  " + cells.joined(separator: " ")
        lines.append(String(line.reversed().drop { $0 == " " }.reversed()))
      }
    }
    return lines.joined(separator: "\n") + "\n"
  }

  /// `denselayer3.conv1` for targets inside the block; the full path for the transition or classifier.
  private func shortName(_ target: String, block: String) -> String {
    target.hasPrefix(block + ".") ? String(target.dropFirst(block.count + 1)) : target
  }

  package func json() -> String {
    let blocks: [JSONValue] = reuse.blocks.map { block in
      let matrix: [JSONValue] = block.means.map { row in
        .array(row.map { $0.map { JSONValue.number($0) } ?? .null })
      }
      return .object([
        ("path", .string(block.path)), ("sources", .array(block.sources.map { .string($0) })),
        ("targets", .array(block.targets.map { .string($0) })), ("means", .array(matrix)),
      ])
    }
    return JSONValue.object([("model", .string(model)), ("blocks", .array(blocks))]).text(.rows) + "\n"
  }
}
