import Formats
import Runtime

extension ClassScore {
  /// The name of this class for a `classCount`-way classifier ("class N" for a custom head).
  package func name(classCount: Int) -> String { ClassNames.name(of: index, classCount: classCount) }

  /// The rows `run --top K` prints, one per score, best first:
  /// rank, class index, class name padded to the longest shown, probability with 4 decimals.
  ///
  ///     1  281  tabby          0.4123
  package static func tableLines(_ scores: [ClassScore], classCount: Int) -> [String] {
    let names = scores.map { $0.name(classCount: classCount) }
    let nameWidth = names.map(\.count).max() ?? 0
    let rankWidth = String(scores.count).count
    let indexWidth = scores.map { String($0.index).count }.max() ?? 0
    return zip(scores, names).enumerated().map { rank, pair in
      let (score, name) = pair
      return [
        pad(String(rank + 1), rankWidth), pad(String(score.index), indexWidth),
        name + String(repeating: " ", count: nameWidth - name.count),
        fixed4(score.probability),
      ].joined(separator: "  ")
    }
  }

  private static func pad(_ text: String, _ width: Int) -> String {
    String(repeating: " ", count: max(0, width - text.count)) + text
  }

  /// `value` with exactly four decimals (Foundation-free, locale-independent); `nan` for a NaN probability
  /// (non-finite logits).
  private static func fixed4(_ value: Float) -> String {
    guard value.isFinite else { return value.isNaN ? "nan" : "\(value)" }
    let scaled = Int((Double(value) * 10_000).rounded())
    let fraction = String(scaled % 10_000)
    return "\(scaled / 10_000)." + String(repeating: "0", count: 4 - fraction.count) + fraction
  }
}
