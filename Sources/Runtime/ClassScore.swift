import Foundation

/// One classifier output with its softmax probability, as `run --top K` prints it.
package struct ClassScore: Equatable, Sendable {
  /// Output index (the class id).
  package let index: Int
  /// The raw output.
  package let logit: Float
  /// softmax(logits)[index].
  package let probability: Float

  /// Softmax probabilities of one row of logits; computed in Double after subtracting the
  /// maximum, so large logits neither overflow nor lose the small classes.
  package static func softmax(_ logits: [Float]) -> [Float] {
    guard let largest = logits.max() else { return [] }
    let exps = logits.map { exp(Double($0) - Double(largest)) }
    let total = exps.reduce(0, +)
    return exps.map { Float($0 / total) }
  }

  /// The `k` highest-scoring classes of one row of logits, best first (k is clamped to
  /// 0…logits.count). Ordered by logit, which orders the probabilities without their rounding
  /// ties; equal logits keep index order, so the result is deterministic.
  package static func top(_ k: Int, logits: [Float]) -> [ClassScore] {
    let probabilities = softmax(logits)
    // NaN sorts last, so the comparison stays a strict weak order.
    let keys = logits.map { $0.isNaN ? -Float.infinity : $0 }
    let order = keys.indices.sorted { a, b in keys[a] != keys[b] ? keys[a] > keys[b] : a < b }
    return order.prefix(max(0, min(k, logits.count))).map {
      ClassScore(index: $0, logit: logits[$0], probability: probabilities[$0])
    }
  }

  /// `top(k, logits:)` for every row of an N × classes buffer (N C order), one list per row.
  package static func top(_ k: Int, batchLogits: [Float], classes: Int) -> [[ClassScore]] {
    precondition(classes > 0 && batchLogits.count % classes == 0, "ClassScore.top: buffer is not N × classes")
    return stride(from: 0, to: batchLogits.count, by: classes).map {
      top(k, logits: Array(batchLogits[$0..<$0 + classes]))
    }
  }
}
