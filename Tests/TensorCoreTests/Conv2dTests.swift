import TensorCore
import XCTest

/// conv2d against the plain-loop reference over seeded random configurations and named cases.
final class Conv2dTests: XCTestCase {
  struct Case: CustomStringConvertible {
    var n = 1, c = 3, h = 7, w = 7, oc = 4, k = 3, kw: Int? = nil
    var stride = 1, padding = 0, dilation = 1, groups = 1
    var bias = true, relu = false
    var description: String {
      "n\(n) c\(c) \(h)×\(w) oc\(oc) k\(k)×\(kw ?? k) s\(stride) p\(padding) d\(dilation) g\(groups) bias \(bias) relu \(relu)"
    }
  }

  func check(_ t: Case, seed: UInt64) throws {
    var rng = SeededGenerator(seed: seed)
    let x = try Tensor.normal([t.n, t.c, t.h, t.w], generator: &rng)
    let weight = try Tensor.normal([t.oc, t.c / t.groups, t.k, t.kw ?? t.k], generator: &rng)
    let bias = t.bias ? try Tensor.normal([t.oc], generator: &rng) : nil
    let y = try Ops.conv2d(
      x, weight: weight, bias: bias, stride: t.stride, padding: t.padding, dilation: t.dilation,
      groups: t.groups, fusedReLU: t.relu)
    let expected = Reference.conv2d(
      x, weight, bias, stride: t.stride, padding: t.padding, dilation: t.dilation,
      groups: t.groups, relu: t.relu)
    assertClose(y, expected, terms: weight.sampleCount, "\(t)")
  }

  func testRandomSweep() throws {
    var rng = SeededGenerator(seed: 7)
    func pick(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(rng.next() % UInt64(range.count)) }
    for i in 0..<120 {
      var t = Case()
      t.n = [1, 3][pick(0...1)]
      let groupChoice = pick(0...3)  // 1, 2, 4 groups, depthwise
      let cg = groupChoice == 3 ? 1 : pick(1...5)
      t.groups = [1, 2, 4, pick(2...6)][groupChoice]
      t.c = cg * t.groups
      t.oc = t.groups * pick(1...3)
      t.k = [1, 2, 3, 5][pick(0...3)]
      t.kw = pick(0...3) == 0 ? pick(1...4) : nil
      t.stride = pick(1...3)
      t.padding = pick(0...2)
      t.dilation = pick(1...2)
      let reach = t.dilation * (max(t.k, t.kw ?? t.k) - 1) + 1  // the kernel's extent must fit the input
      t.h = pick(max(5, reach)...13)
      t.w = pick(max(5, reach)...13)
      t.bias = pick(0...1) == 1
      t.relu = pick(0...3) == 0
      try check(t, seed: UInt64(i))
    }
  }

  /// The named shapes again with every product on OpenBLAS, which takes the swapped orientation for
  /// narrow maps (the default backend on an AVX-512 CPU never does).
  func testNamedShapesOnOpenBLAS() throws {
    try onBackend(.openBLAS) { try testNamedShapes() }
  }

  func testNamedShapes() throws {
    let cases: [Case] = [
      Case(c: 3, h: 15, w: 15, oc: 8, k: 7, stride: 2, padding: 3, bias: false),  // ResNet stem
      Case(n: 3, c: 6, h: 9, w: 8, oc: 5, k: 1, bias: true),  // pointwise: straight to sgemm
      Case(n: 3, c: 8, h: 9, w: 9, oc: 6, k: 1, stride: 2, bias: false),  // downsample 1×1/2
      Case(n: 1, c: 64, h: 6, w: 5, oc: 64, k: 3, padding: 1, groups: 32, bias: false),  // ResNeXt 32 groups
      Case(n: 3, c: 64, h: 5, w: 5, oc: 128, k: 1, groups: 32, bias: true),  // grouped pointwise
      Case(n: 3, c: 8, h: 11, w: 10, oc: 8, k: 3, stride: 2, padding: 1, groups: 8),  // depthwise
      Case(n: 1, c: 4, h: 9, w: 9, oc: 12, k: 5, padding: 2, groups: 4, relu: true),  // depthwise ×3
      Case(n: 3, c: 6, h: 12, w: 11, oc: 4, k: 3, stride: 1, padding: 2, dilation: 2, groups: 2, relu: true),
      Case(n: 1, c: 2, h: 4, w: 4, oc: 3, k: 5, padding: 2, bias: true),  // kernel larger than input
      Case(n: 3, c: 16, h: 7, w: 7, oc: 64, k: 3, padding: 1, bias: true, relu: true),  // swapped GEMM, im2col
      Case(n: 1, c: 3, h: 9, w: 45, oc: 4, k: 7, stride: 2, padding: 3),  // stride-2 rows long enough for SIMD
      Case(n: 3, c: 2, h: 6, w: 38, oc: 3, k: 3, stride: 2, padding: 1, dilation: 2),
      Case(n: 3, c: 32, h: 6, w: 5, oc: 48, k: 1, bias: false),  // swapped GEMM, pointwise
      Case(n: 1, c: 8, h: 9, w: 9, oc: 40, k: 1, stride: 2, groups: 2),  // swapped GEMM per group
    ]
    for (i, t) in cases.enumerated() { try check(t, seed: 100 + UInt64(i)) }
  }

  /// The grouped kernel (`usesGroupedKernel`) over SK-ResNeXt-like shapes: OCg from 1 to 32 (row blocks of 4
  /// and leftover rows), maps of several tiles with a partial last one, strides 1–2, dilations 1–2; and
  /// grouped convs just above `groupedKernelMaxOCg`, which take one sgemm per group.
  func testGroupedKernelSweep() throws {
    var rng = SeededGenerator(seed: 11)
    func pick(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(rng.next() % UInt64(range.count)) }
    for i in 0..<40 {
      var t = Case()
      t.n = pick(1...2)
      t.groups = [2, 4, 8, 32][pick(0...3)]
      let cg = [1, 2, 4, 8, 16, 32][pick(0...5)]
      t.c = cg * t.groups
      t.oc = t.groups * [1, 3, 4, 5, 8, 16, 32, 33][pick(0...7)]
      t.k = [1, 3, 3, 5][pick(0...3)]
      t.stride = pick(1...2)
      t.dilation = pick(1...2)
      t.padding = t.dilation * (t.k / 2)
      t.h = pick(8...40)
      t.w = pick(8...40)
      t.bias = pick(0...1) == 1
      t.relu = pick(0...1) == 1
      if cg == 1 && t.oc == t.groups { continue }  // depthwise: the other kernel
      let g = try Conv2dGeometry(
        input: [t.n, t.c, t.h, t.w], weight: [t.oc, cg, t.k, t.k], stride: t.stride, padding: t.padding,
        dilation: t.dilation, groups: t.groups)
      XCTAssertEqual(g.usesGroupedKernel, t.oc / t.groups <= 32 && !g.isDepthwise, "\(t)")
      try check(t, seed: 300 + UInt64(i))
    }
    // SK-ResNeXt-50's grouped 3×3s: the first stage (Cg = OCg = 4, dilation 2) and a strided later one.
    try check(Case(c: 128, h: 56, w: 56, oc: 128, k: 3, padding: 2, dilation: 2, groups: 32, bias: true), seed: 400)
    try check(Case(c: 512, h: 28, w: 28, oc: 512, k: 3, stride: 2, padding: 1, groups: 32, relu: true), seed: 401)
  }

  /// The shifted GEMM (`usesShiftedGEMM`: stride 1, groups 1, OC ≤ 64, OW ≥ 14): square and oblong kernels,
  /// paddings 0–2 (so OW < W too), dilations 1–2, batches of 1–2; and its neighbours that must not take it.
  func testShiftedGEMMSweep() throws {
    try onBackend(.openBLAS) { try shiftedGEMMSweep() }  // the shifted GEMM is OpenBLAS's stride-1 path
  }

  func shiftedGEMMSweep() throws {
    var rng = SeededGenerator(seed: 13)
    func pick(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(rng.next() % UInt64(range.count)) }
    for i in 0..<30 {
      var t = Case()
      t.n = pick(1...2)
      t.c = pick(1...40)
      t.oc = pick(1...64)
      t.k = [2, 3, 3, 5][pick(0...3)]
      t.kw = pick(0...3) == 0 ? pick(1...4) : nil
      t.dilation = pick(1...2)
      t.padding = pick(0...2)
      t.h = pick(14...36)
      t.w = pick(24...40)
      t.bias = pick(0...1) == 1
      t.relu = pick(0...1) == 1
      let g = try Conv2dGeometry(
        input: [t.n, t.c, t.h, t.w], weight: [t.oc, t.c, t.k, t.kw ?? t.k], padding: t.padding, dilation: t.dilation)
      XCTAssertEqual(g.usesShiftedGEMM, g.ow >= 14 && g.kh * g.kw > 1, "\(t)")
      try check(t, seed: 500 + UInt64(i))
    }
    // DenseNet-121's 3×3 (128 → 32 at 28×28) and ResNet-50's first-stage 3×3.
    try check(Case(c: 128, h: 28, w: 28, oc: 32, k: 3, padding: 1, bias: true, relu: true), seed: 530)
    try check(Case(n: 2, c: 64, h: 56, w: 56, oc: 64, k: 3, padding: 1, bias: true), seed: 531)
    for (shape, weight, stride) in [([1, 8, 20, 20], [65, 8, 3, 3], 1), ([1, 8, 20, 20], [8, 8, 3, 3], 2)] {
      XCTAssertFalse(try Conv2dGeometry(input: shape, weight: weight, stride: stride, padding: 1).usesShiftedGEMM)
    }
    XCTAssertFalse(try Conv2dGeometry(input: [1, 8, 13, 13], weight: [8, 8, 3, 3], padding: 1).usesShiftedGEMM)
  }

  /// The implicit GEMM (`usesImplicitGEMM`: TensorCore's own GEMM, stride 1, kernel > 1×1): square and
  /// oblong kernels, paddings 0–2, dilations 1–2, groups 1–2 with OCg above the grouped kernel's range,
  /// narrow and wide maps, batches of 1–2; on each own kernel the CPU has (AVX-512, AVX2).
  func testImplicitGEMMSweep() throws {
    let own = GEMM.supportedBackends.filter { $0 == .avx512 || $0 == .avx2 }
    guard !own.isEmpty else { throw XCTSkip("needs AVX2 + FMA or AVX-512 for TensorCore's own GEMM") }
    for backend in own { try onBackend(backend) { try implicitGEMMSweep() } }
  }

  func implicitGEMMSweep() throws {
    var rng = SeededGenerator(seed: 17)
    func pick(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(rng.next() % UInt64(range.count)) }
    for i in 0..<30 {
      var t = Case()
      t.n = pick(1...2)
      t.groups = pick(1...2)
      t.c = t.groups * pick(1...40)
      t.oc = t.groups * (t.groups == 1 ? pick(1...80) : pick(33...50))
      t.k = [1, 2, 3, 3, 5, 7][pick(0...5)]
      t.kw = pick(0...3) == 0 ? pick(1...4) : nil
      t.stride = pick(1...2)
      t.dilation = pick(1...2)
      t.padding = pick(0...3)
      t.h = pick(10...30)
      t.w = pick(10...40)
      t.bias = pick(0...1) == 1
      t.relu = pick(0...1) == 1
      let g = try Conv2dGeometry(
        input: [t.n, t.c, t.h, t.w], weight: [t.oc, t.c / t.groups, t.k, t.kw ?? t.k], stride: t.stride,
        padding: t.padding, dilation: t.dilation, groups: t.groups)
      XCTAssertEqual(
        g.usesImplicitGEMM, !g.isPointwise && !g.isDepthwise && (t.stride == 1 || g.kh * g.kw > 1), "\(t)")
      try check(t, seed: 700 + UInt64(i))
    }
    // DenseNet-121's 3×3 (128 → 32 at 14×14) and ResNet-50's last-stage 3×3 at 7×7.
    try check(Case(c: 128, h: 14, w: 14, oc: 32, k: 3, padding: 1, bias: true, relu: true), seed: 730)
    try check(Case(c: 512, h: 7, w: 7, oc: 512, k: 3, padding: 1, bias: true), seed: 731)
    // Stride 2: a ResNet stem (even padded width) and one of odd padded width, a 3×3 downsample, and 1×1
    // downsamples (im2col) of even and odd width.
    try check(Case(c: 3, h: 64, w: 64, oc: 64, k: 7, stride: 2, padding: 3, bias: true, relu: true), seed: 732)
    try check(Case(c: 3, h: 33, w: 37, oc: 16, k: 7, stride: 2, padding: 3), seed: 733)
    try check(Case(n: 2, c: 64, h: 14, w: 14, oc: 128, k: 3, stride: 2, padding: 1, bias: true), seed: 734)
    try check(Case(n: 2, c: 64, h: 14, w: 14, oc: 128, k: 1, stride: 2, bias: true), seed: 735)
    try check(Case(c: 16, h: 15, w: 13, oc: 40, k: 1, stride: 2), seed: 736)
    let down = try Conv2dGeometry(input: [1, 64, 14, 14], weight: [128, 64, 1, 1], stride: 2)
    XCTAssertFalse(down.usesImplicitGEMM)  // a strided 1×1's im2col is a plain strided copy
    XCTAssertEqual(down.workspaceCount, 64 * 49)
    let odd = try Conv2dGeometry(input: [1, 3, 33, 37], weight: [16, 3, 7, 7], stride: 2, padding: 3)
    XCTAssertEqual([odd.implicitPlaneHeight, odd.implicitPlaneWidth], [20, 22])  // ⌈39/2⌉, ⌈43/2⌉
    XCTAssertEqual(odd.implicitColumns, (odd.oh - 1) * 22 + odd.ow)
    XCTAssertTrue(try Conv2dGeometry(input: [1, 8, 9, 9], weight: [8, 8, 3, 3]).implicitReadsInputInPlace)
  }

  /// An input batch norm + ReLU (`inputAffine`) equals batchNorm2d → conv on every path: in the GEMM's
  /// packing (1×1), while padding (implicit GEMM), and as a mapped copy (im2col, grouped, depthwise,
  /// OpenBLAS).
  func testInputAffine() throws {
    let cases: [Case] = [
      Case(n: 2, c: 40, h: 9, w: 11, oc: 24, k: 1, bias: true, relu: true),  // DenseNet's 1×1
      Case(n: 1, c: 8, h: 12, w: 12, oc: 6, k: 1, groups: 2),  // 1×1 on the grouped kernel
      Case(n: 1, c: 80, h: 6, w: 7, oc: 80, k: 1, groups: 2),  // 1×1 per group through the GEMM
      Case(n: 2, c: 12, h: 10, w: 9, oc: 20, k: 3, padding: 1, bias: true),  // stride 1: implicit
      Case(n: 1, c: 12, h: 10, w: 9, oc: 20, k: 3, stride: 2, padding: 1),  // im2col
      Case(n: 1, c: 64, h: 8, w: 8, oc: 64, k: 3, padding: 1, groups: 32),  // grouped kernel
      Case(n: 1, c: 8, h: 8, w: 8, oc: 8, k: 3, padding: 1, groups: 8),  // depthwise
    ]
    try forEachCaseOnEachBackend(cases, seed: 800) { t, relu, backend, rng, x, weight, bias in
      let mean = try Tensor.normal([t.c], generator: &rng)
      let variance = try Tensor(shape: [t.c], data: (0..<t.c).map { Float($0 % 5) * 0.3 + 0.2 })
      let gamma = try Tensor.normal([t.c], generator: &rng), beta = try Tensor.normal([t.c], generator: &rng)
      let affine = try ChannelAffine(
        channels: t.c, runningMean: mean, runningVar: variance, weight: gamma, bias: beta, relu: relu)
      let y = try Ops.conv2d(
        x, weight: weight, bias: bias, stride: t.stride, padding: t.padding, groups: t.groups,
        fusedReLU: t.relu, inputAffine: affine)
      let normed = try Ops.batchNorm2d(
        x, runningMean: mean, runningVar: variance, weight: gamma, bias: beta, fusedReLU: relu)
      let expected = Reference.conv2d(
        normed, weight, bias, stride: t.stride, padding: t.padding, dilation: 1, groups: t.groups, relu: t.relu)
      assertClose(y, expected, terms: weight.sampleCount * 4, "\(t) input relu \(relu) on \(backend)")
    }
    var rng = SeededGenerator(seed: 899)
    let x = try Tensor.normal([1, 4, 5, 5], generator: &rng)
    let wrong = try ChannelAffine(
      channels: 3, runningMean: Tensor(filled: 0, shape: [3]), runningVar: Tensor(filled: 1, shape: [3]), relu: false)
    XCTAssertThrowsError(try Ops.conv2d(x, weight: Tensor(filled: 1, shape: [2, 4, 1, 1]), inputAffine: wrong))
  }

  /// A residual sum (`residual`) equals conv → add → ReLU on every path: in the GEMM's store (1×1, im2col,
  /// tiled im2col), and after it (implicit GEMM, grouped, depthwise, OpenBLAS's shifted and swapped GEMMs).
  func testResidualSum() throws {
    let cases: [Case] = [
      Case(n: 2, c: 16, h: 9, w: 11, oc: 24, k: 1, bias: true),  // bottleneck's conv3
      Case(n: 1, c: 12, h: 10, w: 9, oc: 20, k: 3, stride: 2, padding: 1),  // strided: implicit or im2col
      Case(n: 1, c: 3, h: 201, w: 203, oc: 70, k: 3, stride: 3, padding: 1),  // tiled im2col
      Case(n: 2, c: 12, h: 10, w: 9, oc: 20, k: 3, padding: 1, bias: true),  // implicit or shifted
      Case(n: 1, c: 64, h: 8, w: 8, oc: 64, k: 3, padding: 1, groups: 32),  // grouped kernel
      Case(n: 1, c: 8, h: 8, w: 8, oc: 8, k: 3, padding: 1, groups: 8),  // depthwise
      Case(n: 3, c: 32, h: 6, w: 5, oc: 48, k: 1, bias: false),  // swapped on OpenBLAS
    ]
    try forEachCaseOnEachBackend(cases, seed: 900) { t, relu, backend, rng, x, weight, bias in
      let g = try Conv2dGeometry(
        input: x.shape, weight: weight.shape, stride: t.stride, padding: t.padding, groups: t.groups)
      let shortcut = try Tensor.normal(g.outputShape, generator: &rng)
      let out = try Tensor(filled: .nan, shape: g.outputShape)
      try Ops.conv2d(
        x, weight: weight, bias: bias, stride: t.stride, padding: t.padding, groups: t.groups, fusedReLU: relu,
        residual: shortcut, into: out)
      let conv = Reference.conv2d(
        x, weight, bias, stride: t.stride, padding: t.padding, dilation: 1, groups: t.groups, relu: false)
      let sums = zip(conv.values, shortcut.array).map { relu ? max($0 + Double($1), 0) : $0 + Double($1) }
      assertClose(
        out, Expected(shape: conv.shape, values: sums), terms: weight.sampleCount + 1,
        "\(t) residual relu \(relu) on \(backend)")
    }
    var rng = SeededGenerator(seed: 999)
    let x = try Tensor.normal([1, 4, 5, 5], generator: &rng), w = try Tensor.normal([6, 4, 1, 1], generator: &rng)
    let out = try Tensor(uninitialized: [1, 6, 5, 5])
    XCTAssertThrowsError(try Ops.conv2d(x, weight: w, residual: Tensor(filled: 0, shape: [1, 6, 5, 4]), into: out))
    XCTAssertThrowsError(try Ops.conv2d(x, weight: w, residual: out, into: out))  // overlapping the output
  }

  /// Runs `body` for every case, without and with ReLU, on both backends, with the case's seeded input,
  /// weight and bias and the generator that made them (for further tensors).
  func forEachCaseOnEachBackend(
    _ cases: [Case], seed: UInt64,
    _ body: (Case, Bool, GEMM.Backend, inout SeededGenerator, Tensor, Tensor, Tensor?) throws -> Void
  ) throws {
    for backend in GEMM.supportedBackends {
      try onBackend(backend) {
        for (i, t) in cases.enumerated() {
          for relu in [false, true] {
            var rng = SeededGenerator(seed: seed + UInt64(i))
            let x = try Tensor.normal([t.n, t.c, t.h, t.w], generator: &rng)
            let weight = try Tensor.normal([t.oc, t.c / t.groups, t.k, t.k], generator: &rng)
            let bias = t.bias ? try Tensor.normal([t.oc], generator: &rng) : nil
            try body(t, relu, backend, &rng, x, weight, bias)
          }
        }
      }
    }
  }

  /// im2col matrices over 2 × `im2colTileBytes` are built in tiles whose boundaries fall mid-row.
  func testTiledIm2col() throws {
    let cases = [
      Case(c: 3, h: 201, w: 203, oc: 70, k: 3, padding: 1, bias: true),  // OC > 64: not the shifted GEMM
      Case(c: 3, h: 401, w: 401, oc: 70, k: 3, stride: 2, padding: 1, bias: false),
    ]
    for t in cases {
      let g = try Conv2dGeometry(
        input: [t.n, t.c, t.h, t.w], weight: [t.oc, t.c, t.k, t.k], stride: t.stride, padding: t.padding)
      XCTAssertFalse(g.usesShiftedGEMM, "\(t) should use im2col")
      XCTAssertLessThan(g.im2colTile, g.ohw, "\(t) should be tiled")
      XCTAssertNotEqual(g.im2colTile % g.ow, 0, "\(t): a tile should end mid-row")
      try check(t, seed: 200)
    }
  }

  /// The conv reads a channel view of a batch of 3 and writes into a channel view of a larger buffer,
  /// as a DenseNet executor does; the channels around the written range stay untouched.
  func testChannelViewsInAndOut() throws {
    var rng = SeededGenerator(seed: 3)
    let buffer = try Tensor.normal([3, 10, 6, 6], generator: &rng)
    let before = buffer.array
    let input = try buffer.channels(0..<4)
    let weight = try Tensor.normal([3, 4, 3, 3], generator: &rng)
    let bias = try Tensor.normal([3], generator: &rng)
    let expected = Reference.conv2d(input.copy(), weight, bias, stride: 1, padding: 1, dilation: 1, groups: 1)
    let output = try buffer.channels(5..<8)
    try Ops.conv2d(input, weight: weight, bias: bias, padding: 1, into: output, workspace: ConvWorkspace())
    assertClose(output.copy(), expected, terms: 36, "conv into channel view")
    let after = buffer.array
    for n in 0..<3 {
      for ch in [0, 1, 2, 3, 4, 8, 9] {
        let range = (n * 10 + ch) * 36..<(n * 10 + ch + 1) * 36
        XCTAssertEqual(Array(after[range]), Array(before[range]), "channel \(ch) of sample \(n) changed")
      }
    }
  }

  /// A reused workspace gives the same result as a fresh one, across convs of different sizes.
  func testWorkspaceReuse() throws {
    var rng = SeededGenerator(seed: 4)
    let workspace = ConvWorkspace()
    for (c, h, k) in [(8, 12, 3), (2, 5, 3), (4, 9, 5)] {
      let x = try Tensor.normal([1, c, h, h], generator: &rng)
      let weight = try Tensor.normal([5, c, k, k], generator: &rng)
      let out = try Tensor(filled: .nan, shape: [1, 5, h, h])
      try Ops.conv2d(x, weight: weight, padding: k / 2, into: out, workspace: workspace)
      XCTAssertEqual(out.array, try Ops.conv2d(x, weight: weight, padding: k / 2).array)
    }
    let largest = try [(8, 12, 3), (2, 5, 3), (4, 9, 5)].map { (c, h, k) in
      try Conv2dGeometry(input: [1, c, h, h], weight: [5, c, k, k], padding: k / 2).workspaceCount
    }.max()!
    XCTAssertGreaterThanOrEqual(workspace.capacity, largest)
  }

  func testGeometry() throws {
    try onBackend(.openBLAS) { try geometryOnOpenBLAS() }
    guard !GEMM.cpuKernels.isEmpty else { return }
    try onBackend(.automatic) {
      // Stride-1 convs read their taps from padded planes: planes + read-ahead + OC × Q sums.
      let wide = try Conv2dGeometry(input: [1, 128, 56, 56], weight: [128, 64, 3, 3], padding: 1, groups: 2)
      XCTAssertTrue(wide.usesImplicitGEMM)
      XCTAssertFalse(wide.usesShiftedGEMM)
      XCTAssertEqual(wide.implicitColumns, 55 * 58 + 56)
      XCTAssertEqual(wide.workspaceCount, 128 * 58 * 58 + 8 + 128 * (55 * 58 + 56))
      let strided = try Conv2dGeometry(input: [1, 64, 56, 56], weight: [128, 64, 3, 3], stride: 2, padding: 1)
      XCTAssertTrue(strided.usesImplicitGEMM)
      XCTAssertEqual(strided.workspaceCount, 64 * 4 * 29 * 29 + 8 + 128 * (27 * 29 + 28))
      let stride3 = try Conv2dGeometry(input: [1, 64, 56, 56], weight: [128, 64, 3, 3], stride: 3, padding: 1)
      XCTAssertFalse(stride3.usesImplicitGEMM)
      XCTAssertEqual(stride3.workspaceCount, 576 * stride3.im2colTile)
      XCTAssertFalse(try Conv2dGeometry(input: [1, 64, 56, 56], weight: [256, 64, 1, 1]).usesImplicitGEMM)
      XCTAssertFalse(
        try Conv2dGeometry(input: [1, 128, 56, 56], weight: [128, 4, 3, 3], padding: 1, groups: 32).usesImplicitGEMM)
    }
  }

  func geometryOnOpenBLAS() throws {
    let g = try Conv2dGeometry(input: [1, 64, 56, 56], weight: [128, 2, 3, 3], stride: 2, padding: 1, groups: 32)
    XCTAssertEqual(g.outputShape, [1, 128, 28, 28])
    XCTAssertEqual(g.k, 18)
    XCTAssertEqual(g.macs, 128 * 28 * 28 * 18)
    XCTAssertTrue(g.usesGroupedKernel)
    XCTAssertEqual(g.workspaceCount, 0)  // stride 2: the grouped kernel's tiles live in per-thread scratch
    // Stride 1: the grouped kernel reads zero-padded copies of the input planes (SK-ResNeXt's dilated path).
    let sk = try Conv2dGeometry(input: [1, 128, 56, 56], weight: [128, 4, 3, 3], padding: 2, dilation: 2, groups: 32)
    XCTAssertTrue(sk.usesGroupedKernel)
    XCTAssertEqual(sk.workspaceCount, 128 * 60 * 60 + 8)
    let wide = try Conv2dGeometry(input: [1, 128, 56, 56], weight: [128, 64, 3, 3], padding: 1, groups: 2)
    XCTAssertFalse(wide.usesGroupedKernel)  // ResNeSt's radix-2 conv: OCg 64 goes to sgemm per group
    XCTAssertEqual(wide.workspaceCount, 576 * wide.im2colTile)
    XCTAssertTrue(try Conv2dGeometry(input: [1, 64, 56, 56], weight: [256, 64, 1, 1]).isPointwise)
    XCTAssertTrue(try Conv2dGeometry(input: [1, 8, 5, 5], weight: [8, 1, 3, 3], groups: 8).isDepthwise)
    // On OpenBLAS, ResNet-50's last stage takes the swapped GEMM; larger maps and grouped 7×7 convs do not.
    // TensorCore's own GEMM never swaps (it takes untransposed B only).
    let late = try Conv2dGeometry(input: [1, 512, 7, 7], weight: [512, 512, 3, 3], padding: 1)
    XCTAssertTrue(late.usesSwappedGEMM)
    XCTAssertEqual(late.workspaceCount, 4608 * 49 + 49 * 512)
    if !GEMM.cpuKernels.isEmpty {
      onBackend(.automatic) {
        XCTAssertFalse(late.usesSwappedGEMM)
        XCTAssertEqual(late.workspaceCount, 512 * 9 * 9 + 8 + 512 * (6 * 9 + 7))
      }
    }
    XCTAssertFalse(try Conv2dGeometry(input: [1, 256, 14, 14], weight: [256, 256, 3, 3], padding: 1).usesSwappedGEMM)
    XCTAssertFalse(
      try Conv2dGeometry(input: [1, 64, 7, 7], weight: [64, 2, 3, 3], padding: 1, groups: 32).usesSwappedGEMM)
  }
}
