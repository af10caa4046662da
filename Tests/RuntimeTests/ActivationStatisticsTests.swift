// Activation statistics against a plain recomputation.
import Analysis
import Presentation
import Runtime
import TensorCore
import XCTest

final class ActivationStatisticsTests: XCTestCase {
  func testMatchesPlainDefinitions() throws {
    let (n, c, hw) = (3, 5, 7 * 6)
    var values = WeightInit.uniform(seed: 9, key: "stats", count: n * c * hw, low: -3, high: 5)
    for i in stride(from: 0, to: values.count, by: 4) { values[i] = 0 }  // a quarter exact zeros, as after ReLU
    let s = ActivationStatistics(try Tensor(shape: [n, c, 7, 6], data: values))
    let d = values.map(Double.init)
    let mean = d.reduce(0, +) / Double(d.count)
    let std = (d.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(d.count)).squareRoot()
    XCTAssertEqual(s.count, values.count)
    XCTAssertEqual(s.min, values.min())
    XCTAssertEqual(s.max, values.max())
    XCTAssertEqual(s.mean, mean, accuracy: 1e-12)
    XCTAssertEqual(s.std, std, accuracy: 1e-12)
    XCTAssertEqual(s.zeroFraction, Double(values.filter { $0 == 0 }.count) / Double(values.count))
    // Histogram: 64 equal bins over [min, max], max in the last bin (NumPy's rule).
    let (lo, hi) = (Double(s.min), Double(s.max))
    var bins = [Int](repeating: 0, count: 64)
    for v in d { bins[min(Int((v - lo) / (hi - lo) * 64), 63)] += 1 }
    XCTAssertEqual(s.histogram, bins)
    XCTAssertEqual(s.histogram.reduce(0, +), values.count)
    for ch in 0..<c {
      let channel = (0..<n).flatMap { sample in (0..<hw).map { d[(sample * c + ch) * hw + $0] } }
      let m = channel.reduce(0, +) / Double(channel.count)
      XCTAssertEqual(s.channelMean[ch], m, accuracy: 1e-12)
      XCTAssertEqual(
        s.channelStd[ch], (channel.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(channel.count)).squareRoot(),
        accuracy: 1e-12)
    }
  }

  func testConstantTensorsAndOtherRanks() throws {
    let constant = ActivationStatistics(try Tensor(filled: 2.5, shape: [2, 3, 4, 4]))
    XCTAssertEqual(constant.std, 0)
    XCTAssertEqual(constant.histogram[0], 96, "all in bin 0 when min == max")
    XCTAssertEqual(constant.histogram.dropFirst().reduce(0, +), 0)
    let logits = ActivationStatistics(try Tensor(shape: [2, 3], data: [1, 2, 3, 4, 5, 6]))
    XCTAssertEqual(logits.channelMean, [2.5, 3.5, 4.5], "per column of N×F")
    XCTAssertEqual(logits.channelStd, [1.5, 1.5, 1.5])
    XCTAssertEqual(logits.histogram[63], 1)
    let attention = ActivationStatistics(try Tensor(shape: [1, 2, 2], data: [0.25, 0.75, 0.75, 0.25]))
    XCTAssertEqual(attention.channelMean, [0.5, 0.5], "branches of N×M×C")
  }

  /// A NaN input or an overflowing layer gives NaN and infinite values: statistics, histogram and
  /// number formatting carry them through instead of trapping (the explorer and `run --stats` crashed).
  func testNaNAndInfiniteValuesDoNotTrap() throws {
    for bad in [Float.nan, Float.infinity, -Float.infinity] {
      let s = ActivationStatistics(try Tensor(shape: [1, 2, 2, 2], data: [0, 1, 2, bad, 4, 5, 6, 7]))
      XCTAssertEqual(s.histogram.reduce(0, +), bad.isNaN ? 7 : 8, "every value but NaN is in some bin")
      XCTAssertFalse(s.mean.isFinite)
      XCTAssertEqual(NumberFormat.fixed(s.mean, 3), bad.isNaN ? "nan" : bad < 0 ? "-inf" : "inf")
    }
    XCTAssertEqual(NumberFormat.fixed(-.infinity, 1), "-inf")
    XCTAssertEqual(NumberFormat.fixed(2.25, 1), "2.3")
    let lines = ClassScore.tableLines(ClassScore.top(2, logits: [.nan, .nan, .nan]), classCount: 3)
    XCTAssertEqual(lines.count, 2)
    XCTAssertTrue(lines.allSatisfy { $0.hasSuffix("nan") }, "\(lines)")
  }
}

extension ActivationStatisticsTests {
  /// NaN and infinities (from bad weights or inputs) are counted without trapping: NaN in no bin,
  /// infinities in the end bins.
  func testNonFiniteValues() throws {
    let withNaN = ActivationStatistics(try Tensor(shape: [1, 1, 1, 4], data: [0, .nan, 1, 2]))
    XCTAssertEqual(withNaN.min, 0)
    XCTAssertEqual(withNaN.max, 2)
    XCTAssertEqual(withNaN.histogram.reduce(0, +), 3, "NaN is in no bin")
    XCTAssertEqual(withNaN.histogram[0], 1)
    XCTAssertEqual(withNaN.histogram[63], 1)
    XCTAssertTrue(withNaN.mean.isNaN)
    let infinite = ActivationStatistics(try Tensor(shape: [1, 4], data: [-.infinity, 0, 1, .infinity]))
    XCTAssertEqual(infinite.histogram[0], 3, "finite values sit at the start of an infinite range")
    XCTAssertEqual(infinite.histogram[63], 1, "+inf is max: the last bin")
    let allNaN = ActivationStatistics(try Tensor(filled: .nan, shape: [2, 2]))
    XCTAssertEqual(allNaN.histogram.reduce(0, +), 0)
  }
}

extension ActivationStatisticsTests {
  /// Values on and one ulp either side of every bin edge land in the bin the defining division gives
  /// (the statistics guess bins with a multiplication and re-check near edges), in rows of lengths
  /// that leave tails after the 4- and 8-wide loops.
  func testHistogramEdgesMatchTheDefiningDivision() throws {
    let (lo, hi): (Float, Float) = (-1.3, 2.9)
    var values: [Float] = [lo, hi]
    for k in 0...64 {
      let edge = Float(Double(lo) + Double(k) * (Double(hi) - Double(lo)) / 64)
      values += [edge, edge.nextUp, edge.nextDown, 0].filter { $0 >= lo && $0 <= hi }
    }
    while values.count % 3 != 0 { values.append(lo) }
    let s = ActivationStatistics(try Tensor(shape: [1, 3, 1, values.count / 3], data: values))
    var bins = [Int](repeating: 0, count: 64)
    for v in values.map(Double.init) {
      bins[min(Int((v - Double(lo)) / (Double(hi) - Double(lo)) * 64), 63)] += 1
    }
    XCTAssertEqual(s.histogram, bins)
    XCTAssertEqual(s.min, lo)
    XCTAssertEqual(s.max, hi)
  }
}

extension ActivationStatisticsTests {
  /// The sweep's views (a per-channel affine map, a ReLU, both) match statistics of the mapped values computed by
  /// plain loops (an affine map's moments within its rounding), on the AVX2 code and the baseline x86-64 code of `CStatistics`, in rows whose lengths leave tails
  /// after the 8-wide loops; and the L2 norm matches its plain sum.
  func testViewsMatchPlainLoopsOnBothKernels() throws {
    let (n, c, h, w) = (2, 5, 7, 9)
    var values = WeightInit.uniform(seed: 11, key: "views", count: n * c * h * w, low: -3, high: 5)
    for i in stride(from: 0, to: values.count, by: 5) { values[i] = 0 }
    let tensor = try Tensor(shape: [n, c, h, w], data: values)
    let pre: [Float] = [0.5, -1, 0, 2, 0.25]
    let mul: [Float] = [1.5, -0.75, 2, 1, -3]
    let post: [Float] = [0.1, 0, -0.2, 1, 0]
    let views = [
      DerivedView.stored, DerivedView(pre: pre, mul: mul, post: post), DerivedView(relu: true),
      DerivedView(mul: mul, post: post, relu: true),
    ]
    let plane = h * w
    /// Value i of `values` as view v, with the Float operations the views define.
    func mapped(_ v: Int, _ i: Int) -> Float {
      let ch = (i / plane) % c
      let view = views[v]
      let x = (values[i] + (view.pre?[ch] ?? 0)) * (view.mul?[ch] ?? 1) + (view.post?[ch] ?? 0)
      return view.relu ? max(x, 0) : x
    }
    defer { _ = ActivationStatistics.kernels(baseline: false) }
    for baseline in [false, true] {
      let kernels = ActivationStatistics.kernels(baseline: baseline)
      if baseline { XCTAssertEqual(kernels, "baseline x86-64") }
      let statistics = ActivationStatistics.sweep(tensor, views: views)
      for v in views.indices {
        let x = values.indices.map { mapped(v, $0) }
        let s = statistics[v]
        let d = x.map(Double.init)
        let mean = d.reduce(0, +) / Double(d.count)
        let std = (d.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(d.count)).squareRoot()
        let what = "view \(v), \(kernels)"
        // An affine view without a ReLU (view 1) has its sums and squares carried over from the stored tensor's
        // (v − map(c) = mul·(x − c)), not summed from its Float-rounded values: they differ by that rounding, at most
        // ~2⁻²³ of each value, so its moments are held to 1e-6 of the largest |value|; every other number is exact.
        let moments = v == 1 ? 1e-6 * Double(max(abs(x.min()!), abs(x.max()!))) : 1e-12
        XCTAssertEqual(s.min, x.min(), what)
        XCTAssertEqual(s.max, x.max(), what)
        XCTAssertEqual(s.mean, mean, accuracy: moments, what)
        XCTAssertEqual(s.std, std, accuracy: moments, what)
        XCTAssertEqual(s.zeroFraction, Double(x.filter { $0 == 0 }.count) / Double(x.count), what)
        let (lo, hi) = (Double(s.min), Double(s.max))
        var bins = [Int](repeating: 0, count: 64)
        for value in d { bins[min(Int((value - lo) / (hi - lo) * 64), 63)] += 1 }
        XCTAssertEqual(s.histogram, bins, what)
        for ch in 0..<c {
          let channel = (0..<n).flatMap { sample in (0..<plane).map { d[(sample * c + ch) * plane + $0] } }
          let m = channel.reduce(0, +) / Double(channel.count)
          XCTAssertEqual(s.channelMean[ch], m, accuracy: moments, what)
          let sd = (channel.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(channel.count)).squareRoot()
          XCTAssertEqual(s.channelStd[ch], sd, accuracy: moments, what)
        }
      }
      let norm = values.map { Double($0) * Double($0) }.reduce(0, +).squareRoot()
      XCTAssertEqual(ActivationStatistics.l2(tensor), norm, accuracy: 1e-12 * norm, kernels)
    }
  }
}
