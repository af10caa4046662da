// Summary statistics of one activation tensor, as the explorer plots them.
import CStatistics
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
  /// The loops over memory run in C (`CStatistics`, AVX2 where the CPU has it): each channel row is summed in
  /// Double partial sums about a shift near the channel's mean (Σ (v − c)² − (Σ (v − c))²/n is the squared deviation
  /// about the mean, without cancellation); histogram bins are found by a multiplication and checked with the
  /// defining division only near a bin edge.
  package init(_ tensor: Tensor) {
    self = Self.sweep(tensor, views: [.stored])[0]
  }

  /// The row (channel plane of one sample) of `tensor` that the statistics read: dimension 1 is the channel,
  /// or the single dimension of a vector.
  static func rows(of tensor: Tensor) -> (Int, Int) -> UnsafePointer<Float> {
    let shape = tensor.shape
    let plane = shape.count > 1 ? shape.dropFirst(2).reduce(1, *) : shape[0]
    return { s, c in UnsafePointer((shape.count > 1 ? tensor.sample(s) : tensor.sample(0)) + c * plane) }
  }

  /// Statistics of several views of `tensor` at once, each a per-channel monotone map of it (`DerivedView`): the
  /// observers of a fused pass derive several nodes' outputs (a conv's through its batch norm's inverse, the ReLU
  /// after it) from one stored tensor. The tensor is read once for its channels' extremes, sums and squares; a
  /// monotone map takes a channel's extremes to the view's (the same Float operations on the same values), and an
  /// affine one its sums and squares, so each row is then made into every view once, in registers, for its zeros and
  /// histogram (and a ReLU view's sums and squares). Where some extreme is not finite the views' extremes are read
  /// from their rows instead. Each view's numbers are those of `init(_:)` on a tensor holding its values, except an
  /// affine view's mean and standard deviations, which differ from those of its rounded values by that rounding.
  package static func sweep(_ tensor: Tensor, views: [DerivedView]) -> [ActivationStatistics] {
    let shape = tensor.shape
    let n = shape[0]
    let channels = shape.count > 1 ? shape[1] : 1
    let plane = shape.count > 1 ? shape.dropFirst(2).reduce(1, *) : n
    let samples = shape.count > 1 ? n : 1
    let count = shape.reduce(1, *)
    let perChannel = Double(samples * plane)
    let base = UnsafePointer(tensor.sample(0))
    let stride = tensor.batchStride
    // Pass 1: the source's extremes, sums and squares per channel (about its first element).
    var sourceLo = [Float](repeating: .infinity, count: channels)
    var sourceHi = [Float](repeating: -.infinity, count: channels)
    var sourceShift = [Double](repeating: 0, count: channels)
    var sourceSum = sourceShift
    var sourceSquares = sourceShift
    if count > 0 {
      cstat_extremes(
        base, samples, stride, channels, plane, &sourceLo, &sourceHi, &sourceShift, &sourceSum, &sourceSquares)
    }
    var lo = [Float](repeating: .infinity, count: views.count)
    var hi = [Float](repeating: -.infinity, count: views.count)
    for (v, view) in views.enumerated() {
      for c in 0..<channels {
        let (a, b) = (view.value(sourceLo[c], channel: c), view.value(sourceHi[c], channel: c))
        (lo[v], hi[v]) = (Swift.min(lo[v], a, b), Swift.max(hi[v], a, b))
      }
    }
    if !(sourceLo + sourceHi + lo + hi).allSatisfy(\.isFinite) {
      (lo, hi) = Self.extremes(tensor, views: views)
    }
    // A view without a ReLU is an affine map per channel, v − map(c) = mul·(x − c): its sums and squares follow from
    // the source's (the identity's are the source's; a map's differ from its rounded values' by their rounding,
    // ~1e-7 of the values). A ReLU view, or a map whose shift or factor is not finite, is summed in pass 2 about its
    // channel's mapped source mean.
    let derived = views.map { view in
      !view.relu
        && (0..<channels).allSatisfy { c in
          view.value(Float(sourceShift[c]), channel: c).isFinite && (view.mul?[c] ?? 1).isFinite
        }
    }
    let shift = views.enumerated().map { v, view in
      (0..<channels).map { c in
        let m = view.value(
          Float(derived[v] ? sourceShift[c] : perChannel > 0 ? sourceShift[c] + sourceSum[c] / perChannel : 0),
          channel: c)
        return m.isFinite ? Double(m) : 0
      }
    }
    // Pass 2: zeros and histograms of every view, sums and squares of those not derived.
    var moments = Self.moments(
      base, samples: samples, stride: stride, channels: channels, plane: plane, views: views,
      summed: derived.map { !$0 }, shift: shift, lo: lo, hi: hi)
    for (v, view) in views.enumerated() where derived[v] {
      let mul = view.mul ?? [Float](repeating: 1, count: channels)
      moments.sums[v] = (0..<channels).map { Double(mul[$0]) * sourceSum[$0] }
      moments.squares[v] = (0..<channels).map { Double(mul[$0]) * Double(mul[$0]) * sourceSquares[$0] }
    }
    return views.indices.map { v in
      let (channelSum, channelSquares) = (moments.sums[v], moments.squares[v])
      let channelMean = (0..<channels).map { c in
        perChannel > 0 ? shift[v][c] + channelSum[c] / perChannel : 0
      }
      // Each channel's squares about its own mean, then Σ (v − mean)² over everything from them.
      let channelDeviation = (0..<channels).map { c in
        perChannel > 0 ? Swift.max(channelSquares[c] - channelSum[c] * channelSum[c] / perChannel, 0) : 0
      }
      let total = (0..<channels).reduce(0.0) { $0 + shift[v][$1] * perChannel + channelSum[$1] }
      let mean = count > 0 ? total / Double(count) : 0
      var squares = 0.0
      for c in 0..<channels {
        let d = channelMean[c] - mean
        squares += channelDeviation[c] + perChannel * d * d
      }
      return ActivationStatistics(
        count: count, min: count > 0 ? lo[v] : 0, max: count > 0 ? hi[v] : 0, mean: mean,
        std: count > 0 ? (squares / Double(count)).squareRoot() : 0,
        zeroFraction: count > 0 ? Double(moments.zeros[v]) / Double(count) : 0,
        histogram: moments.histograms[v], channelMean: channelMean,
        channelStd: channelDeviation.map { perChannel > 0 ? ($0 / perChannel).squareRoot() : 0 })
    }
  }

  /// Which code the C loops run ("AVX2" or "baseline x86-64"); `baseline` forces the baseline code until called
  /// again with false (the tests run both on one CPU; call between sweeps, on one thread).
  package static func kernels(baseline: Bool? = nil) -> String {
    if let baseline { cstat_force_baseline(baseline ? 1 : 0) }
    return cstat_uses_avx2() != 0 ? "AVX2" : "baseline x86-64"
  }

  /// ‖t‖₂ (a residual block's shortcut and branch norms), summed in Double.
  package static func l2(_ t: Tensor) -> Double {
    cstat_squares(t.sample(0), t.shape[0], t.batchStride, t.sampleCount).squareRoot()
  }

  /// Each view's extremes read from its rows, one by one (some channel's extremes are not finite, so mapping them
  /// need not give the view's).
  private static func extremes(_ tensor: Tensor, views: [DerivedView]) -> (lo: [Float], hi: [Float]) {
    let shape = tensor.shape
    let plane = shape.count > 1 ? shape.dropFirst(2).reduce(1, *) : shape[0]
    let (samples, channels) = shape.count > 1 ? (shape[0], shape[1]) : (1, 1)
    let rows = Self.rows(of: tensor)
    let scratch = UnsafeMutablePointer<Float>.allocate(capacity: Swift.max(plane, 1))
    defer { scratch.deallocate() }
    var lo = [Float](repeating: .infinity, count: views.count)
    var hi = [Float](repeating: -.infinity, count: views.count)
    var (l, h, shift, sum, squares): (Float, Float, Double, Double, Double) = (.infinity, -.infinity, 0, 0, 0)
    for s in 0..<samples {
      for c in 0..<channels {
        for (v, view) in views.enumerated() where plane > 0 {
          let row = view.row(rows(s, c), channel: c, count: plane, into: scratch)
          cstat_extremes(row, 1, 0, 1, plane, &l, &h, &shift, &sum, &squares)
          (lo[v], hi[v]) = (Swift.min(lo[v], l), Swift.max(hi[v], h))
        }
      }
    }
    return (lo, hi)
  }

  /// Pass 2 of `sweep`, in C: per view, the exact zeros and the histogram over [lo, hi], and where `summed`, per
  /// channel Σ (v − shift) and Σ (v − shift)² (else zeros).
  private static func moments(
    _ base: UnsafePointer<Float>, samples: Int, stride: Int, channels: Int, plane: Int, views: [DerivedView],
    summed: [Bool], shift: [[Double]], lo: [Float], hi: [Float]
  ) -> (sums: [[Double]], squares: [[Double]], zeros: [Int], histograms: [[Int]]) {
    let k = views.count
    // One block each for the maps (pre, mul, post per view), the Doubles (shift, sum, squares per view) and the
    // counts (8 copies of the bins per view), which the C structs point into.
    let maps = UnsafeMutablePointer<Float>.allocate(capacity: Swift.max(3 * k * channels, 1))
    let doubles = UnsafeMutablePointer<Double>.allocate(capacity: Swift.max(3 * k * channels, 1))
    let counts = UnsafeMutablePointer<UInt32>.allocate(capacity: 8 * binCount * k)
    defer {
      maps.deallocate()
      doubles.deallocate()
      counts.deallocate()
    }
    doubles.initialize(repeating: 0, count: 3 * k * channels)
    counts.initialize(repeating: 0, count: 8 * binCount * k)
    /// `values` copied into block `slot` of `maps`, or nil (the C kernel's default) when there are none.
    func copy(_ values: [Float]?, slot: Int) -> UnsafePointer<Float>? {
      guard let values else { return nil }
      let p = maps + slot * channels
      p.update(from: values, count: channels)
      return UnsafePointer(p)
    }
    var specs = views.enumerated().map { v, view in
      let block = doubles + 3 * v * channels
      let (shifts, sums, squares) = (block, block + channels, block + 2 * channels)
      shifts.update(from: shift[v], count: channels)
      return cstat_view(
        pre: copy(view.pre, slot: 3 * v), mul: copy(view.mul, slot: 3 * v + 1), post: copy(view.post, slot: 3 * v + 2),
        affine: view.pre != nil || view.mul != nil || view.post != nil ? 1 : 0, relu: view.relu ? 1 : 0,
        shift: UnsafePointer(shifts), lo: Double(lo[v]), hi: Double(hi[v]), bins: binCount,
        channel_sum: summed[v] ? sums : nil, channel_squares: summed[v] ? squares : nil, zeros: 0,
        histogram: counts + 8 * binCount * v)
    }
    if samples * channels * plane > 0 { cstat_moments(base, samples, stride, channels, plane, &specs, k) }
    return (
      (0..<k).map { Array(UnsafeBufferPointer(start: doubles + (3 * $0 + 1) * channels, count: channels)) },
      (0..<k).map { Array(UnsafeBufferPointer(start: doubles + (3 * $0 + 2) * channels, count: channels)) },
      specs.map { Int($0.zeros) },
      (0..<k).map { v in
        let h = counts + 8 * binCount * v
        return (0..<binCount).map { b in (0..<8).reduce(0) { $0 + Int(h[$1 * binCount + b]) } }
      }
    )
  }

  private init(
    count: Int, min: Float, max: Float, mean: Double, std: Double, zeroFraction: Double, histogram: [Int],
    channelMean: [Double], channelStd: [Double]
  ) {
    (self.count, self.min, self.max, self.mean, self.std) = (count, min, max, mean, std)
    (self.zeroFraction, self.histogram, self.channelMean, self.channelStd) =
      (zeroFraction, histogram, channelMean, channelStd)
  }
}
