import TensorCore
import XCTest

/// Max, average, adaptive and global pooling against the reference.
final class PoolingTests: XCTestCase {
  func testOutputSizeRule() {
    // Floor mode, and ceil mode where the extra window starts inside the input.
    XCTAssertEqual(Ops.pooledSize(112, kernel: 3, stride: 2, padding: 1, ceilMode: false), 56)
    XCTAssertEqual(Ops.pooledSize(8, kernel: 3, stride: 2, padding: 0, ceilMode: false), 3)
    XCTAssertEqual(Ops.pooledSize(8, kernel: 3, stride: 2, padding: 0, ceilMode: true), 4)
    // Ceil mode would add a window starting at 6 = in + padding, in the right padding only: dropped.
    XCTAssertEqual(Ops.pooledSize(5, kernel: 2, stride: 2, padding: 1, ceilMode: true), 3)
    XCTAssertEqual(Ops.pooledSize(7, kernel: 2, stride: 2, padding: 0, ceilMode: true), 4)
  }

  func testRandomSweep() throws {
    var rng = SeededGenerator(seed: 31)
    func pick(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(rng.next() % UInt64(range.count)) }
    for i in 0..<150 {
      let k = pick(1...4), s = pick(1...3), p = pick(0...(k / 2))
      let ceil = pick(0...1) == 1, includePad = pick(0...1) == 1, isMax = pick(0...1) == 1
      let n = [1, 3][pick(0...1)], c = pick(1...4), h = pick(k...12), w = pick(k...12)
      let x = try Tensor.normal([n, c, h, w], generator: &rng)
      let context =
        "case \(i): \(isMax ? "max" : "avg") k\(k) s\(s) p\(p) ceil \(ceil) includePad \(includePad) \([n, c, h, w])"
      let y =
        isMax
        ? try Ops.maxPool2d(x, kernelSize: k, stride: s, padding: p, ceilMode: ceil)
        : try Ops.avgPool2d(x, kernelSize: k, stride: s, padding: p, ceilMode: ceil, countIncludePad: includePad)
      let expected = Reference.pool(x, max: isMax, k: k, s: s, p: p, ceilMode: ceil, countIncludePad: includePad)
      assertClose(y, expected, terms: k * k, context)
    }
  }

  /// ResNeSt's pools: avg 3×3/2 pad 1 and 2×2/2, ceil mode, padding excluded; the stem's max pool; stride defaults to kernel.
  func testNamedPools() throws {
    var rng = SeededGenerator(seed: 32)
    let x = try Tensor.normal([3, 5, 9, 9], generator: &rng)
    assertClose(
      try Ops.avgPool2d(x, kernelSize: 3, stride: 2, padding: 1, ceilMode: true, countIncludePad: false),
      Reference.pool(x, max: false, k: 3, s: 2, p: 1, ceilMode: true, countIncludePad: false), terms: 9, "resnest 3×3")
    assertClose(
      try Ops.avgPool2d(x, kernelSize: 2, ceilMode: true, countIncludePad: false),
      Reference.pool(x, max: false, k: 2, s: 2, p: 0, ceilMode: true, countIncludePad: false), terms: 4, "avg_down 2×2")
    assertClose(
      try Ops.maxPool2d(x, kernelSize: 3, stride: 2, padding: 1),
      Reference.pool(x, max: true, k: 3, s: 2, p: 1, ceilMode: false, countIncludePad: true), terms: 9, "stem max")
    // Ceil mode where the last window would start in the right padding and is dropped (5 → 3, not 4).
    let small = try Tensor.normal([3, 2, 5, 5], generator: &rng)
    for isMax in [true, false] {
      let y =
        isMax
        ? try Ops.maxPool2d(small, kernelSize: 2, stride: 2, padding: 1, ceilMode: true)
        : try Ops.avgPool2d(small, kernelSize: 2, stride: 2, padding: 1, ceilMode: true, countIncludePad: true)
      XCTAssertEqual(y.shape, [3, 2, 3, 3])
      assertClose(
        y, Reference.pool(small, max: isMax, k: 2, s: 2, p: 1, ceilMode: true, countIncludePad: true), terms: 4,
        "dropped window, max \(isMax)")
    }
    // Into a channel view of a bigger buffer.
    let buffer = try Tensor(zeros: [3, 7, 5, 5])
    try Ops.maxPool2d(x, kernelSize: 3, stride: 2, padding: 1, into: try buffer.channels(2..<7))
    assertClose(
      try buffer.channels(2..<7).copy(), Expected(of: try Ops.maxPool2d(x, kernelSize: 3, stride: 2, padding: 1)),
      terms: 1, "max pool into view")
  }

  func testAdaptiveAndGlobal() throws {
    var rng = SeededGenerator(seed: 33)
    for (h, w, oh, ow) in [(7, 7, 3, 3), (10, 9, 4, 3), (5, 5, 7, 7), (13, 11, 1, 1), (6, 6, 6, 6), (14, 14, 5, 2)] {
      let x = try Tensor.normal([3, 2, h, w], generator: &rng)
      assertClose(
        try Ops.adaptiveAvgPool2d(x, outputSize: (oh, ow)), Reference.adaptiveAvgPool(x, oh: oh, ow: ow),
        terms: h * w, "adaptive \(h)×\(w) → \(oh)×\(ow)")
    }
    let x = try Tensor.normal([3, 4, 7, 5], generator: &rng)
    let g = try Ops.globalAvgPool(x)
    XCTAssertEqual(g.shape, [3, 4, 1, 1])
    assertClose(g, Reference.adaptiveAvgPool(x, oh: 1, ow: 1), terms: 35, "global")
  }
}
