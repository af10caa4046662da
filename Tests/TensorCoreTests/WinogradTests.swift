import TensorCore
import XCTest

/// Runs `body` under a conv algorithm setting, restoring the previous one.
func withConvAlgorithm<T>(_ algorithm: ConvAlgorithm, _ body: () throws -> T) rethrows -> T {
  let saved = ConvAlgorithm.current
  ConvAlgorithm.current = algorithm
  defer { ConvAlgorithm.current = saved }
  return try body()
}

/// Winograd F(4×4, 3×3) against the plain-loop reference conv in Double, within a derived error bound.
///
/// The bound is the classic forward error bound of a bilinear algorithm (Higham, §3.5, applied to each of the
/// transforms and the channel sum): with every matrix and value replaced by its absolute value,
///   |ŷ − y| ≤ γ_k · |Aᵀ| [Σ_c (|G| |g_c| |Gᵀ|) ⊙ (|Bᵀ| |d_c| |B|)] |A|,   γ_k = kε / (1 − kε),
/// where k counts the roundings on the longest path from an input to an output: the filter transform (2 sums
/// of ≤ 3 terms with the 1/6 and 1/24 factors: 8), the input transform (2 sums of ≤ 4 terms: 8), the product
/// (1), the GEMM's sum over C channels (C), the output transform (2 sums of ≤ 6 terms: 10); k = C + 27.
/// The epilogue adds |scale|·that plus 3 roundings of the stored sum. The direct conv's bound is the same with
/// 9 taps in place of the transforms (γ_{9C}·Σ|w||x|); Winograd's is larger by the transforms' growth, ~10–50×
/// here, which is the price RESULTS.md's per-layer table measures on real layer shapes.
final class WinogradTests: XCTestCase {
  struct Case: CustomStringConvertible {
    var n = 1, c = 5, h = 9, w = 9, oc = 7, padding = 1
    var bias = false, scale = false, residual = false, relu = false, affine = false
    var description: String {
      "n\(n) c\(c) \(h)×\(w) oc\(oc) p\(padding) bias \(bias) scale \(scale) residual \(residual) relu \(relu) "
        + "affine \(affine)"
    }
  }

  // Lavin & Gray's matrices for points 0, 1, −1, 2, −2, ∞, as the test's own statement of the algorithm.
  static let bT: [[Double]] = [
    [4, 0, -5, 0, 1, 0], [0, -4, -4, 1, 1, 0], [0, 4, -4, -1, 1, 0],
    [0, -2, -1, 2, 1, 0], [0, 2, -1, -2, 1, 0], [0, 4, 0, -5, 0, 1],
  ]
  static let gM: [[Double]] = [
    [1.0 / 4, 0, 0], [-1.0 / 6, -1.0 / 6, -1.0 / 6], [-1.0 / 6, 1.0 / 6, -1.0 / 6],
    [1.0 / 24, 1.0 / 12, 1.0 / 6], [1.0 / 24, -1.0 / 12, 1.0 / 6], [0, 0, 1],
  ]
  static let aT: [[Double]] = [[1, 1, 1, 1, 1, 0], [0, 1, -1, 2, -2, 0], [0, 1, 1, 4, 4, 0], [0, 1, -1, 8, -8, 1]]

  /// L (r × p) · X (p × q) · Rᵀ (q × s), all as nested arrays.
  static func sandwich(_ l: [[Double]], _ x: [[Double]], _ r: [[Double]]) -> [[Double]] {
    let lx = l.map { row in (0..<x[0].count).map { j in zip(row, x).reduce(0) { $0 + $1.0 * $1.1[j] } } }
    return lx.map { row in r.map { rrow in zip(row, rrow).reduce(0) { $0 + $1.0 * $1.1 } } }
  }

  /// The bound above on |ŷ − y| before the epilogue, per output element (N × OC × OH × OW), for input x (already
  /// mapped by any input batch norm) and weight w.
  static func errorBound(x: [Float], w: [Float], _ t: Case) -> [Double] {
    let (oh, ow) = (t.h + 2 * t.padding - 2, t.w + 2 * t.padding - 2)
    let (th, tw) = ((oh + 3) / 4, (ow + 3) / 4)
    let abs2 = { (m: [[Double]]) in m.map { $0.map(abs) } }
    let (bAbs, gAbs, aAbs) = (abs2(bT), abs2(gM), abs2(aT))
    // |G||g||Gᵀ| per (oc, c).
    let u = (0..<t.oc * t.c).map { i in
      sandwich(gAbs, (0..<3).map { r in (0..<3).map { q in Double(abs(w[i * 9 + r * 3 + q])) } }, gAbs)
    }
    let eps = Double(Float.ulpOfOne) / 2
    let k = Double(t.c + 27)
    let gamma = k * eps / (1 - k * eps)
    var out = [Double](repeating: 0, count: t.n * t.oc * oh * ow)
    for n in 0..<t.n {
      for ty in 0..<th {
        for tx in 0..<tw {
          let v = (0..<t.c).map { c in
            let d = (0..<6).map { i in
              (0..<6).map { j -> Double in
                let (yy, xx) = (ty * 4 - t.padding + i, tx * 4 - t.padding + j)
                guard yy >= 0, yy < t.h, xx >= 0, xx < t.w else { return 0 }
                return Double(abs(x[((n * t.c + c) * t.h + yy) * t.w + xx]))
              }
            }
            return sandwich(bAbs, d, bAbs)
          }
          for o in 0..<t.oc {
            var m = [[Double]](repeating: [Double](repeating: 0, count: 6), count: 6)
            for c in 0..<t.c {
              for i in 0..<6 { for j in 0..<6 { m[i][j] += u[o * t.c + c][i][j] * v[c][i][j] } }
            }
            let y = sandwich(aAbs, m, aAbs)
            for i in 0..<4 where ty * 4 + i < oh {
              for j in 0..<4 where tx * 4 + j < ow {
                out[((n * t.oc + o) * oh + ty * 4 + i) * ow + tx * 4 + j] = gamma * y[i][j]
              }
            }
          }
        }
      }
    }
    return out
  }

  /// Runs case `t` by Winograd into an output filled with NaN and checks every element against the reference.
  /// Returns the largest error as a fraction of its bound.
  @discardableResult
  func check(_ t: Case, seed: UInt64) throws -> Double {
    var rng = SeededGenerator(seed: seed)
    let x = try Tensor.normal([t.n, t.c, t.h, t.w], generator: &rng)
    let weight = try Tensor.normal([t.oc, t.c, 3, 3], generator: &rng)
    let bias = t.bias ? try Tensor.normal([t.oc], generator: &rng) : nil
    let scale = t.scale ? try Tensor.normal([t.oc], generator: &rng) : nil
    let g = try Conv2dGeometry(input: x.shape, weight: weight.shape, padding: t.padding)
    let residual = t.residual ? try Tensor.normal(g.outputShape, generator: &rng) : nil
    var affine: ChannelAffine?
    var mapped = x
    if t.affine {
      let mean = try Tensor.normal([t.c], generator: &rng)
      let variance = try Tensor(shape: [t.c], data: (0..<t.c).map { Float($0 % 5) * 0.3 + 0.2 })
      let gamma = try Tensor.normal([t.c], generator: &rng), beta = try Tensor.normal([t.c], generator: &rng)
      affine = try ChannelAffine(
        channels: t.c, runningMean: mean, runningVar: variance, weight: gamma, bias: beta, relu: true)
      mapped = try Ops.batchNorm2d(
        x, runningMean: mean, runningVar: variance, weight: gamma, bias: beta, fusedReLU: true)
    }
    let out = try Tensor(filled: .nan, shape: g.outputShape)
    try withConvAlgorithm(.winograd) {
      XCTAssertTrue(g.usesWinograd, "\(t)")
      try Ops.conv2d(
        x, weight: weight, bias: bias, padding: t.padding, fusedReLU: t.relu, inputAffine: affine, outputScale: scale,
        residual: residual, into: out, workspace: ConvWorkspace())
    }
    let conv = Reference.conv2d(mapped, weight, nil, stride: 1, padding: t.padding, dilation: 1, groups: 1)
    let bound = Self.errorBound(x: mapped.array, w: weight.array, t)
    let (s, b, r) = (scale?.array, bias?.array, residual?.array)
    let plane = g.ohw
    let actual = out.array
    var worst = 0.0
    for (i, y) in conv.values.enumerated() {
      let o = (i / plane) % t.oc
      let sv = Double(s?[o] ?? 1), bv = Double(b?[o] ?? 0), rv = Double(r?[i] ?? 0)
      var e = sv * y + bv + rv
      if t.relu { e = max(e, 0) }
      let allowed = abs(sv) * bound[i] + 3 * Double(Float.ulpOfOne) * (abs(sv * y) + abs(bv) + abs(rv)) + 1e-30
      let err = abs(Double(actual[i]) - e)
      XCTAssertLessThanOrEqual(err, allowed, "\(t): element \(i) is \(actual[i]), expected \(e)")
      if err > allowed { return err / allowed }
      worst = max(worst, err / allowed)
    }
    return worst
  }

  /// Shapes around the tile edges: odd sizes, maps under one tile, batches, channel counts off every vector width,
  /// padding 0 to 3, on every GEMM backend.
  func testShapesAgainstReference() throws {
    let shapes: [Case] = [
      Case(n: 1, c: 5, h: 9, w: 9, oc: 7),
      Case(n: 2, c: 13, h: 11, w: 7, oc: 19),
      Case(n: 1, c: 3, h: 3, w: 5, oc: 2),  // less than one tile
      Case(n: 2, c: 4, h: 2, w: 2, oc: 3),
      Case(n: 1, c: 2, h: 1, w: 1, oc: 4),
      Case(n: 1, c: 6, h: 8, w: 8, oc: 5, padding: 0),  // 6×6 out: one full and three partial tiles
      Case(n: 3, c: 9, h: 10, w: 13, oc: 11, padding: 2),
      Case(n: 1, c: 4, h: 5, w: 6, oc: 6, padding: 3),  // tiles wholly in the padding
      Case(n: 1, c: 37, h: 17, w: 18, oc: 41),  // more than 8 tiles per row, channels off 8 and 16
      Case(n: 2, c: 70, h: 20, w: 20, oc: 33),  // GEMMs on several threads
    ]
    for backend in GEMM.supportedBackends {
      try onBackend(backend) {
        for (i, t) in shapes.enumerated() { try check(t, seed: 100 + UInt64(i)) }
      }
    }
  }

  /// Each epilogue the conv fuses: bias, output scale (a batch norm after), residual sum, ReLU, and an input
  /// batch norm + ReLU (DenseNet's pre-activation), alone and together.
  func testEpilogues() throws {
    let base = Case(n: 2, c: 11, h: 13, w: 10, oc: 9)
    var cases: [Case] = []
    for flags in 0..<32 {
      var t = base
      (t.bias, t.scale, t.residual) = (flags & 1 != 0, flags & 2 != 0, flags & 4 != 0)
      (t.relu, t.affine) = (flags & 8 != 0, flags & 16 != 0)
      cases.append(t)
    }
    for (i, t) in cases.enumerated() { try check(t, seed: 200 + UInt64(i)) }
  }

  /// The bound is a worst case, yet not vacuous: real errors come within a factor 10⁴ of it on many channels
  /// (measured: ~5·10⁻⁴ of it at C = 128, since random roundings cancel as √C rather than add up as C).
  func testBoundIsTight() throws {
    let worst = try check(Case(n: 1, c: 128, h: 16, w: 16, oc: 16), seed: 300)
    XCTAssertGreaterThan(worst, 1e-4)
    XCTAssertLessThanOrEqual(worst, 1)
  }

  /// Writes into a channel view of a larger buffer and reads one (DenseNet's concatenation), batch 2, leaving the
  /// other channels untouched.
  func testChannelViews() throws {
    var rng = SeededGenerator(seed: 5)
    let buffer = try Tensor.normal([2, 12, 9, 9], generator: &rng)
    let before = buffer.array
    let input = try buffer.channels(0..<5)
    let weight = try Tensor.normal([4, 5, 3, 3], generator: &rng)
    let expected = Reference.conv2d(input.copy(), weight, nil, stride: 1, padding: 1, dilation: 1, groups: 1)
    let output = try buffer.channels(6..<10)
    try withConvAlgorithm(.winograd) {
      try Ops.conv2d(input, weight: weight, padding: 1, into: output, workspace: ConvWorkspace())
    }
    assertClose(output.copy(), expected, terms: 45 * 100, "winograd into a channel view")
    let after = buffer.array
    for n in 0..<2 {
      for ch in [0, 1, 2, 3, 4, 5, 10, 11] {
        let range = (n * 12 + ch) * 81..<(n * 12 + ch + 1) * 81
        XCTAssertEqual(Array(after[range]), Array(before[range]), "channel \(ch) of sample \(n) changed")
      }
    }
  }

  /// Tiles over the batch go through in several blocks when V and M would pass the block budget.
  func testBlocks() throws {
    let g = try Conv2dGeometry(input: [4, 256, 56, 56], weight: [256, 256, 3, 3], padding: 1)
    XCTAssertLessThan(g.winogradBlock, g.winogradTiles)
    XCTAssertEqual(g.winogradBlock % 32, 0)
    XCTAssertLessThanOrEqual(36 * 512 * g.winogradBlock * 4, Conv2dGeometry.winogradBlockBytes)
    // A conv of 2 blocks and a partial one through the real path (the budget is fixed: it takes many tiles).
    let t = Case(n: 1, c: 96, h: 80, w: 97, oc: 96)
    let big = try Conv2dGeometry(input: [t.n, t.c, t.h, t.w], weight: [t.oc, t.c, 3, 3], padding: 1)
    XCTAssertLessThan(big.winogradBlock, big.winogradTiles)
    XCTAssertNotEqual(big.winogradTiles % big.winogradBlock, 0)
    try check(t, seed: 400)
  }

  /// Which convs go by Winograd under each setting, and `CONVSCOPE_CONV`'s parsing.
  func testSettingAndChoice() throws {
    let wide = try Conv2dGeometry(input: [1, 64, 56, 56], weight: [64, 64, 3, 3], padding: 1)
    let small = try Conv2dGeometry(input: [1, 512, 7, 7], weight: [512, 512, 3, 3], padding: 1)
    let strided = try Conv2dGeometry(input: [1, 64, 56, 56], weight: [64, 64, 3, 3], stride: 2, padding: 1)
    let dilated = try Conv2dGeometry(input: [1, 64, 56, 56], weight: [64, 64, 3, 3], padding: 2, dilation: 2)
    let grouped = try Conv2dGeometry(input: [1, 64, 56, 56], weight: [64, 32, 3, 3], padding: 1, groups: 2)
    let oneByOne = try Conv2dGeometry(input: [1, 64, 56, 56], weight: [64, 64, 1, 1])
    withConvAlgorithm(.automatic) {
      XCTAssertTrue(wide.usesWinograd)
      XCTAssertFalse(small.usesWinograd)
      for g in [strided, dilated, grouped, oneByOne] { XCTAssertFalse(g.usesWinograd) }
    }
    withConvAlgorithm(.winograd) {
      XCTAssertTrue(small.usesWinograd)
      for g in [strided, dilated, grouped, oneByOne] { XCTAssertFalse(g.usesWinograd) }
    }
    withConvAlgorithm(.direct) { XCTAssertFalse(wide.usesWinograd) }
    XCTAssertEqual(try ConvAlgorithm.requested(" Direct"), .direct)
    XCTAssertNil(try ConvAlgorithm.requested(""))
    XCTAssertNil(try ConvAlgorithm.requested(nil))
    XCTAssertThrowsError(try ConvAlgorithm.requested("fast")) { error in
      XCTAssertEqual("\(error)", "CONVSCOPE_CONV must be one of automatic, direct, winograd, got 'fast'")
    }
  }
}
