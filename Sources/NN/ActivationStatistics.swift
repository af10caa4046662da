// Summary statistics of one activation tensor, as the explorer plots them.
import TensorCore

/// Statistics of a tensor: extremes, mean, population standard deviation, the fraction of exact zeros,
/// a 64-bin histogram with equal-width bins over [min, max], and the mean and standard deviation per
/// channel (dimension 1: C of N×C×H×W, F of N×F, M of N×M×C). Sums are accumulated in Double.
package struct ActivationStatistics: Equatable, Sendable {
  /// Number of histogram bins.
  package static let binCount = 64

  package var count: Int
  package var min: Float
  package var max: Float
  package var mean: Double
  /// Population standard deviation (divides by the count, as `torch.std(unbiased=False)`).
  package var std: Double
  package var zeroFraction: Double
  /// Counts in 64 equal-width bins over [min, max]; bin i covers [min + i·w, min + (i+1)·w), the last
  /// bin includes max (NumPy's rule). When min == max every element is in bin 0; NaNs are in no bin.
  package var histogram: [Int]
  package var channelMean: [Double]
  package var channelStd: [Double]

  /// Statistics of `tensor` (any rank ≥ 1; channels are dimension 1, or the single dimension of a vector).
  package init(_ tensor: Tensor) {
    let shape = tensor.shape
    let n = shape[0]
    let channels = shape.count > 1 ? shape[1] : 1
    let plane = shape.count > 1 ? shape.dropFirst(2).reduce(1, *) : n
    let samples = shape.count > 1 ? n : 1
    count = tensor.count
    var lo = Float.infinity
    var hi = -Float.infinity
    var zeros = 0
    var channelSum = [Double](repeating: 0, count: channels)
    var channelSquares = [Double](repeating: 0, count: channels)
    // Pass 1: extremes, zeros and per-channel sums; pass 2 (centred) for the variances.
    for s in 0..<samples {
      let base = shape.count > 1 ? tensor.sample(s) : tensor.sample(0)
      for c in 0..<channels {
        let row = base + c * plane
        var sum = 0.0
        for i in 0..<plane {
          let v = row[i]
          lo = Swift.min(lo, v)
          hi = Swift.max(hi, v)
          if v == 0 { zeros += 1 }
          sum += Double(v)
        }
        channelSum[c] += sum
      }
    }
    let perChannel = Double(samples * plane)
    channelMean = channelSum.map { perChannel > 0 ? $0 / perChannel : 0 }
    let total = channelSum.reduce(0, +)
    mean = count > 0 ? total / Double(count) : 0
    var squares = 0.0
    var histogram = [Int](repeating: 0, count: Self.binCount)
    let width = Double(hi) - Double(lo)
    for s in 0..<samples {
      let base = shape.count > 1 ? tensor.sample(s) : tensor.sample(0)
      for c in 0..<channels {
        let row = base + c * plane
        let m = channelMean[c]
        var local = 0.0
        for i in 0..<plane {
          let v = Double(row[i])
          local += (v - m) * (v - m)
          squares += (v - mean) * (v - mean)
          // NaN is in no bin; infinities go to the end bins (the position is NaN when min or max is infinite).
          guard !v.isNaN else { continue }
          let position = width > 0 ? (v - Double(lo)) / width * Double(Self.binCount) : 0
          let last = Self.binCount - 1
          let bin = position.isNaN ? (v == Double(hi) ? last : 0) : Int(Swift.min(position, Double(last)))
          histogram[bin] += 1
        }
        channelSquares[c] += local
      }
    }
    self.histogram = histogram
    channelStd = channelSquares.map { perChannel > 0 ? ($0 / perChannel).squareRoot() : 0 }
    std = count > 0 ? (squares / Double(count)).squareRoot() : 0
    zeroFraction = count > 0 ? Double(zeros) / Double(count) : 0
    min = count > 0 ? lo : 0
    max = count > 0 ? hi : 0
  }
}
