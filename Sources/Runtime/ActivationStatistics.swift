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
  ///
  /// Each channel row is summed in eight interleaved Double partial sums (a single running sum waits on
  /// every add's latency, which made statistics half of an observed forward pass); the total squared
  /// deviation comes from the channels' own (Σ_c [S_c + n_c·(m_c − mean)²]); histogram bins are found by a
  /// multiplication and checked with the defining division only near a bin edge. A row holding NaN or an
  /// infinity takes the plain element-by-element path, whose results define these rules.
  package init(_ tensor: Tensor) {
    let shape = tensor.shape
    let n = shape[0]
    let channels = shape.count > 1 ? shape[1] : 1
    let plane = shape.count > 1 ? shape.dropFirst(2).reduce(1, *) : n
    let samples = shape.count > 1 ? n : 1
    count = tensor.count
    func row(_ s: Int, _ c: Int) -> UnsafePointer<Float> {
      UnsafePointer((shape.count > 1 ? tensor.sample(s) : tensor.sample(0)) + c * plane)
    }
    var lo = Float.infinity
    var hi = -Float.infinity
    var zeros = 0
    var channelSum = [Double](repeating: 0, count: channels)
    var channelSquares = [Double](repeating: 0, count: channels)
    // Pass 1: extremes, zeros and per-channel sums; pass 2 (centred) for the variances.
    for s in 0..<samples {
      for c in 0..<channels {
        let r = Self.rowSums(row(s, c), count: plane)
        lo = Swift.min(lo, r.min)
        hi = Swift.max(hi, r.max)
        zeros += r.zeros
        channelSum[c] += r.sum
      }
    }
    let perChannel = Double(samples * plane)
    channelMean = channelSum.map { perChannel > 0 ? $0 / perChannel : 0 }
    let total = channelSum.reduce(0, +)
    mean = count > 0 ? total / Double(count) : 0
    var histograms = [Int](repeating: 0, count: 4 * Self.binCount)
    let bins = Bins(lo: lo, hi: hi, count: Self.binCount)
    for s in 0..<samples {
      for c in 0..<channels {
        channelSquares[c] += Self.rowSquares(
          row(s, c), count: plane, mean: channelMean[c], bins: bins, into: &histograms)
      }
    }
    let histogram = (0..<Self.binCount).map { b in (0..<4).reduce(0) { $0 + histograms[$1 * Self.binCount + b] } }
    // Σ (v − mean)² over everything, from each channel's squares about its own mean.
    var squares = 0.0
    for c in 0..<channels {
      let d = channelMean[c] - mean
      squares += channelSquares[c] + perChannel * d * d
    }
    self.histogram = histogram
    channelStd = channelSquares.map { perChannel > 0 ? ($0 / perChannel).squareRoot() : 0 }
    std = count > 0 ? (squares / Double(count)).squareRoot() : 0
    zeroFraction = count > 0 ? Double(zeros) / Double(count) : 0
    min = count > 0 ? lo : 0
    max = count > 0 ? hi : 0
  }

  /// Extremes (NaN ignored), exact zeros and the Double sum of one row.
  private static func rowSums(_ p: UnsafePointer<Float>, count: Int) -> (
    min: Float, max: Float, zeros: Int, sum: Double
  ) {
    var (lo, hi) = (SIMD8<Float>(repeating: .infinity), SIMD8<Float>(repeating: -.infinity))
    var zeros = SIMD8<Int32>()
    var sums = SIMD8<Double>()
    var i = 0
    while i + 8 <= count {
      let v = UnsafeRawPointer(p + i).loadUnaligned(as: SIMD8<Float>.self)
      lo.replace(with: v, where: v .< lo)  // NaN compares false: ignored, as Swift.min(lo, NaN) ignores it
      hi.replace(with: v, where: v .> hi)
      zeros &+= SIMD8<Int32>(repeating: 0).replacing(with: 1, where: v .== 0)
      sums += SIMD8<Double>(v)
      i += 8
    }
    /// Folds elements `range` into `r` one by one: the plain rules, which the SIMD loop above follows.
    func plain(_ range: Range<Int>, into r: inout (min: Float, max: Float, zeros: Int, sum: Double)) {
      for j in range {
        let v = p[j]
        r.min = Swift.min(r.min, v)
        r.max = Swift.max(r.max, v)
        if v == 0 { r.zeros += 1 }
        r.sum += Double(v)
      }
    }
    var result = (min: lo.min(), max: hi.max(), zeros: Int(zeros.wrappedSum()), sum: sums.sum())
    plain(i..<count, into: &result)
    if !result.sum.isFinite {  // NaN or infinities: the whole row again, element by element
      result = (.infinity, -.infinity, 0, 0)
      plain(0..<count, into: &result)
    }
    return result
  }

  /// The histogram's bin rule: bin i covers [lo + i·w, lo + (i+1)·w) with w = (hi − lo)/count, hi in the last.
  private struct Bins {
    let lo: Double, hi: Double, width: Double, count: Int
    /// count / width, for the fast guess.
    let scale: Double
    init(lo: Float, hi: Float, count: Int) {
      (self.lo, self.hi, self.width, self.count) = (Double(lo), Double(hi), Double(hi) - Double(lo), count)
      scale = Double(count) / (Double(hi) - Double(lo))
    }
    /// The bin of a finite v when the range is finite and not empty.
    func finiteBin(_ v: Double) -> Int {
      if v == lo { return 0 }  // the commonest value after a ReLU (0), exactly on an edge
      let guess = (v - lo) * scale  // > 0 here
      let whole = Int(guess)
      let fraction = guess - Double(whole)
      // Near an edge the guess may round the other way than the defining division: use the division.
      if fraction < 1e-6 || fraction > 1 - 1e-6 { return exactBin(v) }
      return Swift.min(whole, count - 1)
    }
    /// The defining rule, out of line so that the common path does not compute its division.
    @inline(never) func exactBin(_ v: Double) -> Int {
      Int(Swift.min((v - lo) / width * Double(count), Double(count - 1)))
    }
    /// The bin of any v: nil for NaN; infinities and degenerate ranges as `ActivationStatistics` documents.
    func bin(_ v: Double) -> Int? {
      guard !v.isNaN else { return nil }
      let position = width > 0 ? (v - lo) / width * Double(count) : 0
      let last = count - 1
      return position.isNaN ? (v == hi ? last : 0) : Int(Swift.min(position, Double(last)))
    }
  }

  /// Σ (v − mean)² over one row, adding its values to the histogram (`histogram` holds four copies of the
  /// bins, one per lane of four, so that repeated increments of one bin do not wait on each other).
  private static func rowSquares(
    _ p: UnsafePointer<Float>, count: Int, mean m: Double, bins: Bins, into histogram: inout [Int]
  ) -> Double {
    let fast = bins.width > 0 && bins.width.isFinite
    let stride = bins.count
    var sums = (0.0, 0.0, 0.0, 0.0)
    var i = 0
    histogram.withUnsafeMutableBufferPointer { h in
      while i + 4 <= count {
        let (a, b, c, d) = (Double(p[i]), Double(p[i + 1]), Double(p[i + 2]), Double(p[i + 3]))
        sums.0 += (a - m) * (a - m)
        sums.1 += (b - m) * (b - m)
        sums.2 += (c - m) * (c - m)
        sums.3 += (d - m) * (d - m)
        if fast && (a + b + c + d).isFinite {
          h[bins.finiteBin(a)] += 1
          h[stride + bins.finiteBin(b)] += 1
          h[2 * stride + bins.finiteBin(c)] += 1
          h[3 * stride + bins.finiteBin(d)] += 1
        } else {
          for v in [a, b, c, d] { if let k = bins.bin(v) { h[k] += 1 } }
        }
        i += 4
      }
      while i < count {
        let v = Double(p[i])
        sums.0 += (v - m) * (v - m)
        if let k = bins.bin(v) { h[k] += 1 }
        i += 1
      }
    }
    return (sums.0 + sums.1) + (sums.2 + sums.3)
  }
}
