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
    let rows = Self.rows(of: tensor)
    self = Self.sweep(shape: tensor.shape, views: 1) { _, s, c in rows(s, c) }[0]
  }

  /// The row (channel plane of one sample) of `tensor` that the statistics read: dimension 1 is the channel,
  /// or the single dimension of a vector.
  static func rows(of tensor: Tensor) -> (Int, Int) -> UnsafePointer<Float> {
    let shape = tensor.shape
    let plane = shape.count > 1 ? shape.dropFirst(2).reduce(1, *) : shape[0]
    return { s, c in UnsafePointer((shape.count > 1 ? tensor.sample(s) : tensor.sample(0)) + c * plane) }
  }

  /// Statistics of `views` tensors of one `shape` at once, each channel row of each made on demand by `row(view,
  /// sample, channel)` (valid until the next call): the observers of a fused pass derive several nodes' outputs (a
  /// conv's through its batch norm's inverse, the ReLU after it) from one stored tensor, row by row, so that the
  /// tensor is read twice (extremes and sums, then squares and histograms) however many nodes it serves. Each
  /// view's numbers are those of `init(_:)` on a tensor holding its values.
  static func sweep(
    shape: [Int], views: Int, row: (_ view: Int, _ sample: Int, _ channel: Int) -> UnsafePointer<Float>
  ) -> [ActivationStatistics] {
    let n = shape[0]
    let channels = shape.count > 1 ? shape[1] : 1
    let plane = shape.count > 1 ? shape.dropFirst(2).reduce(1, *) : n
    let samples = shape.count > 1 ? n : 1
    let count = shape.reduce(1, *)
    var lo = [Float](repeating: .infinity, count: views)
    var hi = [Float](repeating: -.infinity, count: views)
    var zeros = [Int](repeating: 0, count: views)
    var channelSum = [[Double]](repeating: [Double](repeating: 0, count: channels), count: views)
    var channelSquares = channelSum
    // Pass 1: extremes, zeros and per-channel sums; pass 2 (centred) for the variances.
    for s in 0..<samples {
      for c in 0..<channels {
        for v in 0..<views {
          let r = Self.rowSums(row(v, s, c), count: plane)
          lo[v] = Swift.min(lo[v], r.min)
          hi[v] = Swift.max(hi[v], r.max)
          zeros[v] += r.zeros
          channelSum[v][c] += r.sum
        }
      }
    }
    let perChannel = Double(samples * plane)
    let channelMean = channelSum.map { sums in sums.map { perChannel > 0 ? $0 / perChannel : 0 } }
    var histograms = [[Int]](repeating: [Int](repeating: 0, count: 8 * Self.binCount), count: views)
    let bins = (0..<views).map { Bins(lo: lo[$0], hi: hi[$0], count: Self.binCount) }
    for s in 0..<samples {
      for c in 0..<channels {
        for v in 0..<views {
          channelSquares[v][c] += Self.rowSquares(
            row(v, s, c), count: plane, mean: channelMean[v][c], bins: bins[v], into: &histograms[v])
        }
      }
    }
    return (0..<views).map { v in
      let total = channelSum[v].reduce(0, +)
      let mean = count > 0 ? total / Double(count) : 0
      // Σ (v − mean)² over everything, from each channel's squares about its own mean.
      var squares = 0.0
      for c in 0..<channels {
        let d = channelMean[v][c] - mean
        squares += channelSquares[v][c] + perChannel * d * d
      }
      let h = histograms[v]
      return ActivationStatistics(
        count: count, min: count > 0 ? lo[v] : 0, max: count > 0 ? hi[v] : 0, mean: mean,
        std: count > 0 ? (squares / Double(count)).squareRoot() : 0,
        zeroFraction: count > 0 ? Double(zeros[v]) / Double(count) : 0,
        histogram: (0..<Self.binCount).map { b in (0..<8).reduce(0) { $0 + h[$1 * Self.binCount + b] } },
        channelMean: channelMean[v],
        channelStd: channelSquares[v].map { perChannel > 0 ? ($0 / perChannel).squareRoot() : 0 })
    }
  }

  private init(
    count: Int, min: Float, max: Float, mean: Double, std: Double, zeroFraction: Double, histogram: [Int],
    channelMean: [Double], channelStd: [Double]
  ) {
    (self.count, self.min, self.max, self.mean, self.std) = (count, min, max, mean, std)
    (self.zeroFraction, self.histogram, self.channelMean, self.channelStd) =
      (zeroFraction, histogram, channelMean, channelStd)
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
    /// The bin of any v: nil for NaN; infinities and degenerate ranges as `ActivationStatistics` documents.
    func bin(_ v: Double) -> Int? {
      guard !v.isNaN else { return nil }
      let position = width > 0 ? (v - lo) / width * Double(count) : 0
      let last = count - 1
      return position.isNaN ? (v == hi ? last : 0) : Int(Swift.min(position, Double(last)))
    }
  }

  /// Σ (v − mean)² over one row, adding its values to the histogram (`histogram` holds eight copies of the
  /// bins, one per lane, so that repeated increments of one bin do not wait on each other).
  ///
  /// Bins are guessed eight at a time in Float, g = (v − lo) · count/width, whose error is below 64 · 3 · 2⁻²⁴ ≈
  /// 1.2e-5 bins; a lane whose g lies within 1e-4 of a bin edge (and NaN, infinities, the maximum) takes the defining
  /// Double division instead (`Bins.bin`), so every element lands in the bin that rule gives.
  private static func rowSquares(
    _ p: UnsafePointer<Float>, count: Int, mean m: Double, bins: Bins, into histogram: inout [Int]
  ) -> Double {
    let fast = bins.width > 0 && bins.width.isFinite && Float(bins.scale).isFinite
    let stride = bins.count
    var sums = SIMD8<Double>()
    var tail = 0.0
    let m8 = SIMD8<Double>(repeating: m)
    let lo = SIMD8<Float>(repeating: Float(bins.lo))  // the minimum, a Float
    let scale = SIMD8<Float>(repeating: Float(bins.scale))
    let magic = SIMD8<Float>(repeating: 0x1p23)  // g + 2²³ keeps g's integer part in the low mantissa bits
    let last = stride - 1
    var atLoCount = SIMD8<Int32>()
    var i = 0
    histogram.withUnsafeMutableBufferPointer { h in
      while i + 8 <= count {
        let v = UnsafeRawPointer(p + i).loadUnaligned(as: SIMD8<Float>.self)
        let d = SIMD8<Double>(v) - m8
        sums += d * d
        if fast {
          let g = (v - lo) * scale
          var whole = (g + magic) - magic  // g rounded to nearest (0 ≤ g ≤ count for finite v)
          whole.replace(with: whole - 1, where: whole .> g)
          let fraction = g - whole
          // The minimum itself (after a ReLU, every zero) is counted in bulk: bin 0.
          let atLo = g .== 0
          atLoCount &+= SIMD8<Int32>(repeating: 0).replacing(with: 1, where: atLo)
          let sure = (fraction .>= 1e-4) .& (fraction .<= 1 - 1e-4) .| atLo
          let bin = unsafeBitCast(whole + magic, to: SIMD8<Int32>.self) & 0x7F_FFFF
          if all(sure) {
            for k in 0..<8 where !atLo[k] { h[k &* stride &+ Swift.min(Int(bin[k]), last)] &+= 1 }
          } else {
            for k in 0..<8 where !atLo[k] {
              let b = sure[k] ? Swift.min(Int(bin[k]), last) : bins.bin(Double(v[k]))
              if let b { h[k &* stride &+ b] &+= 1 }
            }
          }
        } else {
          for k in 0..<8 { if let b = bins.bin(Double(v[k])) { h[k * stride + b] += 1 } }
        }
        i += 8
      }
      while i < count {
        let v = Double(p[i])
        tail += (v - m) * (v - m)
        if let k = bins.bin(v) { h[k] += 1 }
        i += 1
      }
      h[0] += Int(atLoCount.wrappedSum())
    }
    return sums.sum() + tail
  }
}
