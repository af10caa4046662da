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
  /// every add's latency, which made statistics half of an observed forward pass), about a shift near the channel's
  /// mean (Σ (v − c)² − (Σ (v − c))²/n is the squared deviation about the mean, without cancellation); histogram bins
  /// are found by a multiplication and checked with the defining division only near a bin edge. A row holding NaN or
  /// an infinity takes the plain element-by-element path for its extremes, whose results define these rules.
  package init(_ tensor: Tensor) {
    let rows = Self.rows(of: tensor)
    self = Self.sweep(shape: tensor.shape, views: 1, source: rows, map: { _, _, x in x }) { _, s, c in rows(s, c) }[0]
  }

  /// The row (channel plane of one sample) of `tensor` that the statistics read: dimension 1 is the channel,
  /// or the single dimension of a vector.
  static func rows(of tensor: Tensor) -> (Int, Int) -> UnsafePointer<Float> {
    let shape = tensor.shape
    let plane = shape.count > 1 ? shape.dropFirst(2).reduce(1, *) : shape[0]
    return { s, c in UnsafePointer((shape.count > 1 ? tensor.sample(s) : tensor.sample(0)) + c * plane) }
  }

  /// Statistics of `views` tensors of one `shape` at once, each a per-channel monotone map of one `source` tensor
  /// (`map(view, channel, x)`, element by element), each channel row of each made on demand by `row(view, sample,
  /// channel)` (valid until the next call): the observers of a fused pass derive several nodes' outputs (a conv's
  /// through its batch norm's inverse, the ReLU after it) from one stored tensor, row by row. The source is read once
  /// for its channels' extremes and sums; a monotone map takes a channel's extremes to the view's (the same Float
  /// operations on the same values), so the views are made only once, for their sums, squares, zeros and histograms.
  /// Where some extreme is not finite the views' extremes are read from their rows instead. Each view's numbers are
  /// those of `init(_:)` on a tensor holding its values.
  static func sweep(
    shape: [Int], views: Int, source: (_ sample: Int, _ channel: Int) -> UnsafePointer<Float>,
    map: (_ view: Int, _ channel: Int, _ x: Float) -> Float,
    row: (_ view: Int, _ sample: Int, _ channel: Int) -> UnsafePointer<Float>
  ) -> [ActivationStatistics] {
    let n = shape[0]
    let channels = shape.count > 1 ? shape[1] : 1
    let plane = shape.count > 1 ? shape.dropFirst(2).reduce(1, *) : n
    let samples = shape.count > 1 ? n : 1
    let count = shape.reduce(1, *)
    let perChannel = Double(samples * plane)
    // Pass 1: the source's extremes and sums per channel.
    var sourceLo = [Float](repeating: .infinity, count: channels)
    var sourceHi = [Float](repeating: -.infinity, count: channels)
    var sourceSum = [Double](repeating: 0, count: channels)
    for s in 0..<samples {
      for c in 0..<channels {
        let r = Self.rowSums(source(s, c), count: plane)
        (sourceLo[c], sourceHi[c]) = (Swift.min(sourceLo[c], r.min), Swift.max(sourceHi[c], r.max))
        sourceSum[c] += r.sum
      }
    }
    var lo = [Float](repeating: .infinity, count: views)
    var hi = [Float](repeating: -.infinity, count: views)
    for v in 0..<views {
      for c in 0..<channels {
        let (a, b) = (map(v, c, sourceLo[c]), map(v, c, sourceHi[c]))
        (lo[v], hi[v]) = (Swift.min(lo[v], a, b), Swift.max(hi[v], a, b))
      }
    }
    if !(sourceLo + sourceHi + lo + hi).allSatisfy(\.isFinite) {
      (lo, hi) = ([Float](repeating: .infinity, count: views), [Float](repeating: -.infinity, count: views))
      for s in 0..<samples {
        for c in 0..<channels {
          for v in 0..<views {
            let r = Self.rowSums(row(v, s, c), count: plane)
            (lo[v], hi[v]) = (Swift.min(lo[v], r.min), Swift.max(hi[v], r.max))
          }
        }
      }
    }
    // Pass 2: each view's sums and squares about its channel's mapped source mean, zeros and histogram.
    let shift = (0..<views).map { v in
      (0..<channels).map { c in
        let m = map(v, c, Float(perChannel > 0 ? sourceSum[c] / perChannel : 0))
        return m.isFinite ? Double(m) : 0
      }
    }
    var channelSum = [[Double]](repeating: [Double](repeating: 0, count: channels), count: views)
    var channelSquares = channelSum
    var zeros = [Int](repeating: 0, count: views)
    var histograms = [[Int]](repeating: [Int](repeating: 0, count: 8 * Self.binCount), count: views)
    let bins = (0..<views).map { Bins(lo: lo[$0], hi: hi[$0], count: Self.binCount) }
    for s in 0..<samples {
      for c in 0..<channels {
        for v in 0..<views {
          let r = Self.rowMoments(
            row(v, s, c), count: plane, shift: shift[v][c], bins: bins[v], into: &histograms[v])
          channelSum[v][c] += r.sum
          channelSquares[v][c] += r.squares
          zeros[v] += r.zeros
        }
      }
    }
    return (0..<views).map { v in
      let channelMean = (0..<channels).map { c in
        perChannel > 0 ? shift[v][c] + channelSum[v][c] / perChannel : 0
      }
      // Each channel's squares about its own mean, then Σ (v − mean)² over everything from them.
      let channelDeviation = (0..<channels).map { c in
        perChannel > 0 ? Swift.max(channelSquares[v][c] - channelSum[v][c] * channelSum[v][c] / perChannel, 0) : 0
      }
      let total = (0..<channels).reduce(0.0) { $0 + shift[v][$1] * perChannel + channelSum[v][$1] }
      let mean = count > 0 ? total / Double(count) : 0
      var squares = 0.0
      for c in 0..<channels {
        let d = channelMean[c] - mean
        squares += channelDeviation[c] + perChannel * d * d
      }
      let h = histograms[v]
      return ActivationStatistics(
        count: count, min: count > 0 ? lo[v] : 0, max: count > 0 ? hi[v] : 0, mean: mean,
        std: count > 0 ? (squares / Double(count)).squareRoot() : 0,
        zeroFraction: count > 0 ? Double(zeros[v]) / Double(count) : 0,
        histogram: (0..<Self.binCount).map { b in (0..<8).reduce(0) { $0 + h[$1 * Self.binCount + b] } },
        channelMean: channelMean,
        channelStd: channelDeviation.map { perChannel > 0 ? ($0 / perChannel).squareRoot() : 0 })
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

  /// Extremes (NaN ignored) and the Double sum of one row.
  private static func rowSums(_ p: UnsafePointer<Float>, count: Int) -> (
    min: Float, max: Float, sum: Double
  ) {
    var (lo, hi) = (SIMD8<Float>(repeating: .infinity), SIMD8<Float>(repeating: -.infinity))
    var sums = SIMD8<Double>()
    var i = 0
    while i + 8 <= count {
      let v = UnsafeRawPointer(p + i).loadUnaligned(as: SIMD8<Float>.self)
      lo.replace(with: v, where: v .< lo)  // NaN compares false: ignored, as Swift.min(lo, NaN) ignores it
      hi.replace(with: v, where: v .> hi)
      sums += SIMD8<Double>(v)
      i += 8
    }
    /// Folds elements `range` into `r` one by one: the plain rules, which the SIMD loop above follows.
    func plain(_ range: Range<Int>, into r: inout (min: Float, max: Float, sum: Double)) {
      for j in range {
        let v = p[j]
        r.min = Swift.min(r.min, v)
        r.max = Swift.max(r.max, v)
        r.sum += Double(v)
      }
    }
    var result = (min: lo.min(), max: hi.max(), sum: sums.sum())
    plain(i..<count, into: &result)
    if !result.sum.isFinite {  // NaN or infinities: the whole row again, element by element
      result = (.infinity, -.infinity, 0)
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
      return position.isNaN ? (v == hi ? last : 0) : Int(Swift.max(Swift.min(position, Double(last)), 0))
    }
  }

  /// Σ (v − c), Σ (v − c)² and the exact zeros of one row, adding its values to the histogram (`histogram` holds
  /// eight copies of the bins, one per lane, so that repeated increments of one bin do not wait on each other).
  ///
  /// Bins are guessed eight at a time in Float, g = (v − lo) · count/width, whose error is below 64 · 3 · 2⁻²⁴ ≈
  /// 1.2e-5 bins; a lane whose g lies within 1e-4 of a bin edge or outside [0, count) (and NaN, infinities, the
  /// maximum) takes the defining Double division instead (`Bins.bin`), so every element lands in the bin that rule
  /// gives.
  private static func rowMoments(
    _ p: UnsafePointer<Float>, count: Int, shift c: Double, bins: Bins, into histogram: inout [Int]
  ) -> (sum: Double, squares: Double, zeros: Int) {
    let fast = bins.width > 0 && bins.width.isFinite && Float(bins.scale).isFinite
    let stride = bins.count
    // Four Double lanes, each taking two elements: half the registers of eight, which the SSE code (baseline x86-64)
    // otherwise spills to the stack every iteration.
    var (sums, squares) = (SIMD4<Double>(), SIMD4<Double>())
    var (tailSum, tailSquares) = (0.0, 0.0)
    var zeros = SIMD8<Int32>()
    var tailZeros = 0
    let c4 = SIMD4<Double>(repeating: c)
    let lo = SIMD8<Float>(repeating: Float(bins.lo))  // the minimum, a Float
    let scale = SIMD8<Float>(repeating: Float(bins.scale))
    let magic = SIMD8<Float>(repeating: 0x1p23)  // g + 2²³ keeps g's integer part in the low mantissa bits
    let last = stride - 1
    let lastBin = SIMD8<Int32>(repeating: Int32(last))
    let laneOffset = SIMD8<Int32>(0, 1, 2, 3, 4, 5, 6, 7) &* Int32(stride)
    var i = 0
    histogram.withUnsafeMutableBufferPointer { h in
      while i + 8 <= count {
        let v = UnsafeRawPointer(p + i).loadUnaligned(as: SIMD8<Float>.self)
        let (d, e) = (SIMD4<Double>(v.lowHalf) - c4, SIMD4<Double>(v.highHalf) - c4)
        sums += d + e
        squares += d * d + e * e
        zeros &+= SIMD8<Int32>(repeating: 0).replacing(with: 1, where: v .== 0)
        if fast {
          let g = (v - lo) * scale
          var whole = (g + magic) - magic  // g rounded to nearest (0 ≤ g ≤ count for finite v)
          whole.replace(with: whole - 1, where: whole .> g)
          let fraction = g - whole
          // The minimum itself (after a ReLU, every zero) has g = 0 exactly (v − lo is 0 only when v == lo): bin 0,
          // sure. No lane is skipped, so the increments below take no branch per element (a ReLU's zeros, half of
          // its elements in no order, made a per-lane test mispredict).
          let sure = (fraction .>= 1e-4) .& (fraction .<= 1 - 1e-4) .& (g .>= 0) .| (g .== 0)
          var bin = unsafeBitCast(whole + magic, to: SIMD8<Int32>.self) & 0x7F_FFFF
          bin.replace(with: lastBin, where: bin .> lastBin)
          if all(sure) {
            let slot = bin &+ laneOffset
            for k in 0..<8 { h[Int(slot[k])] &+= 1 }
          } else {
            for k in 0..<8 {
              if let b = sure[k] ? Int(bin[k]) : bins.bin(Double(v[k])) { h[k &* stride &+ b] &+= 1 }
            }
          }
        } else {
          for k in 0..<8 { if let b = bins.bin(Double(v[k])) { h[k * stride + b] += 1 } }
        }
        i += 8
      }
      while i < count {
        let v = Double(p[i])
        tailSum += v - c
        tailSquares += (v - c) * (v - c)
        if v == 0 { tailZeros += 1 }
        if let k = bins.bin(v) { h[k] += 1 }
        i += 1
      }
    }
    return (sums.sum() + tailSum, squares.sum() + tailSquares, Int(zeros.wrappedSum()) + tailZeros)
  }
}
