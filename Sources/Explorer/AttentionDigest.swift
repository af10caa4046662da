import Runtime
import TensorCore

/// One attention node's weights after its step ran, averaged over the batch.
///
/// SE: one row of C gates. SK: M rows (one per branch, summing to 1 per channel). Split attention:
/// R rows (one per split; a single sigmoid row when R = 1).
package struct AttentionDigest: Equatable, Sendable {
  package var path: String
  /// The step the node belongs to.
  package var step: String
  package var kind: AttentionKind
  /// Per branch (row), per channel: the weight averaged over the batch.
  package var weights: [[Double]]

  package init(path: String, step: String, kind: AttentionKind, weights: [[Double]]) {
    self.path = path
    self.step = step
    self.kind = kind
    self.weights = weights
  }

  /// Averages `tensor` (N×C for SE, N×M×C otherwise) over the batch.
  package init(path: String, step: String, kind: AttentionKind, tensor: Tensor) {
    let n = tensor.shape[0]
    let rows = tensor.rank == 3 ? tensor.shape[1] : 1
    let c = tensor.sampleCount / rows
    var weights = [[Double]](repeating: [Double](repeating: 0, count: c), count: rows)
    for s in 0..<n {
      let p = tensor.sample(s)
      for r in 0..<rows {
        for j in 0..<c { weights[r][j] += Double(p[r * c + j]) }
      }
    }
    self.init(path: path, step: step, kind: kind, weights: weights.map { $0.map { $0 / Double(max(n, 1)) } })
  }

  /// The channels.
  package var channels: Int { weights.first?.count ?? 0 }

  /// The mean weight of every row (SE: the mean gate; SK / split: each branch's mean share).
  package var rowMeans: [Double] { weights.map { $0.isEmpty ? 0 : $0.reduce(0, +) / Double($0.count) } }

  /// The mean over everything (SE: the mean gate).
  package var mean: Double { rowMeans.first ?? 0 }

  /// The population standard deviation of the first row over channels (SE: how far gates spread).
  package var spread: Double {
    guard let row = weights.first, !row.isEmpty else { return 0 }
    let m = row.reduce(0, +) / Double(row.count)
    return (row.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(row.count)).squareRoot()
  }

  /// Per channel, 0…1: the gate (SE, or a split attention with one sigmoid row), else how strongly the
  /// channel selects the last branch over the first: (a_last − a_first + 1) / 2, the SKNet paper's
  /// attention difference between the large and the small kernel moved into 0…1.
  package var selection: [Double] {
    guard let first = weights.first else { return [] }
    guard weights.count > 1, let last = weights.last else { return first }
    return zip(first, last).map { (($1 - $0) + 1) / 2 }
  }
}
