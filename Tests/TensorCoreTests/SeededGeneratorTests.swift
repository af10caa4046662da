import TensorCore
import XCTest

/// The generator's streams are fixed forever: these values were computed by an independent Python
/// implementation of SplitMix64 + xoshiro256** + Box–Muller, so the same seed gives the same tensors on every machine.
final class SeededGeneratorTests: XCTestCase {
  func testRawStream() {
    var g = SeededGenerator(seed: 42)
    XCTAssertEqual(
      [g.next(), g.next(), g.next()], [0x1578_0b2e_0c2e_c716, 0x6104_d986_6d11_3a7e, 0xae17_5332_39e4_99a1])
    var zero = SeededGenerator(seed: 0)
    XCTAssertEqual(zero.next(), 0x99ec_5f36_cb75_f2b4)
  }

  func testUniformAndNormal() throws {
    var g = SeededGenerator(seed: 42)
    XCTAssertEqual(
      [g.nextUniform(), g.nextUniform(), g.nextUniform()],
      [0.08386296033859253, 0.37898021936416626, 0.6800433993339539])
    var h = SeededGenerator(seed: 42)
    let normals = (0..<4).map { _ in h.nextNormal() }
    let expected: [Float] = [-1.6132237911224365, 1.5344873666763306, 0.7816920280456543, -0.4001934826374054]
    for (a, e) in zip(normals, expected) { XCTAssertEqual(a, e, accuracy: 2 * e.ulp, "normal") }
    XCTAssertEqual(try Tensor.normal([2, 2], seed: 42).array, normals)
  }

  func testSameSeedSameTensorDifferentSeedDifferent() throws {
    let a = try Tensor.normal([2, 3, 4, 5], mean: 1, std: 2, seed: 9)
    XCTAssertEqual(a.array, try Tensor.normal([2, 3, 4, 5], mean: 1, std: 2, seed: 9).array)
    XCTAssertNotEqual(a.array, try Tensor.normal([2, 3, 4, 5], mean: 1, std: 2, seed: 10).array)
    let u = try Tensor.uniform([10_000], low: -2, high: 3, seed: 1).array
    XCTAssertTrue(u.allSatisfy { $0 >= -2 && $0 < 3 })
    XCTAssertEqual(Double(u.reduce(0, +)) / 10_000, 0.5, accuracy: 0.05)
    let n = try Tensor.normal([20_000], mean: 1, std: 2, seed: 2).array.map(Double.init)
    let mean = n.reduce(0, +) / 20_000
    let std = (n.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 20_000).squareRoot()
    XCTAssertEqual(mean, 1, accuracy: 0.05)
    XCTAssertEqual(std, 2, accuracy: 0.05)
  }

  /// `fillUniform` cuts long buffers into eight pieces started by jumping the state ahead (AVX2 lanes where the CPU
  /// has them): every value and the state after must be what drawing one by one gives, at the sizes around the
  /// point where the lanes start and at sizes that leave each piece a ragged end.
  func testFillUniformEqualsDrawingOneByOne() {
    for (seed, count) in [(1, 0), (2, 1), (3, 65_535), (4, 65_536), (5, 65_537), (6, 524_295), (7, 1_000_003)] {
      let (low, span): (Float, Float) = (-0.3 * Float(seed), 0.7 + Float(seed))
      var one = SeededGenerator(seed: UInt64(seed))
      let want = (0..<count).map { _ in low + span * one.nextUniform() }
      var filled = SeededGenerator(seed: UInt64(seed))
      let got = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
        filled.fillUniform(buffer, low: low, span: span)
        initialized = count
      }
      XCTAssertTrue(got == want, "values of a fill of \(count)")
      XCTAssertEqual(filled.next(), one.next(), "state after a fill of \(count)")
    }
  }
}
