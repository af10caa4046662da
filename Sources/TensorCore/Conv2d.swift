/// 2-D convolution (cross-correlation, as `torch.nn.functional.conv2d`) on im2col + sgemm.
///
/// Per sample and group the output is one GEMM, Y_g (OCg × OH·OW) = W_g (OCg × K) · B_g (K × OH·OW)
/// with K = Cg·KH·KW, written straight into NCHW. B_g is the group's input planes themselves for
/// 1×1 stride-1 convs and the group's im2col matrix otherwise (built in cache-sized tiles of output
/// pixels when large), so no group ever copies the whole input. For small maps with many channels
/// the GEMM runs the other way round, Yᵀ = Bᵀ·Wᵀ, and is transposed into place
/// (`Conv2dGeometry.usesSwappedGEMM`). Depthwise convs (one input channel per group) use a direct
/// kernel instead of M = 1 GEMMs, and grouped convs with few channels per group TensorCore's own
/// tiled kernel (`Conv2dGeometry.usesGroupedKernel`) instead of many tiny GEMMs. On TensorCore's own
/// GEMM, stride-1 and stride-2 convs read their taps straight from padded planes (`usesImplicitGEMM`),
/// and the bias, the ReLU, a residual sum and an input batch norm (`inputAffine`) ride along in the GEMM.
/// 3×3 stride-1 convs go by Winograd F(4×4, 3×3) where it pays (`Conv2dGeometry.usesWinograd`, `CONVSCOPE_CONV`).
extension Ops {
  /// Convolution returning a new N×OC×OH×OW tensor.
  /// - Parameters:
  ///   - input: N×C×H×W.
  ///   - weight: OC×(C/groups)×KH×KW.
  ///   - bias: OC, or nil.
  ///   - fusedReLU: apply max(0, ·) in the epilogue (conv → ReLU in one pass).
  ///   - inputAffine: a per-input-channel batch norm (and ReLU) applied to the input first.
  package static func conv2d(
    _ input: Tensor, weight: Tensor, bias: Tensor? = nil, stride: Int = 1, padding: Int = 0,
    dilation: Int = 1, groups: Int = 1, fusedReLU: Bool = false, inputAffine: ChannelAffine? = nil
  ) throws -> Tensor {
    let g = try Conv2dGeometry(
      input: input.shape, weight: weight.shape, stride: stride, padding: padding, dilation: dilation, groups: groups)
    return try returning(g.outputShape) { out in
      try conv2d(
        input, weight: weight, bias: bias, stride: stride, padding: padding, dilation: dilation, groups: groups,
        fusedReLU: fusedReLU, inputAffine: inputAffine, into: out)
    }
  }

  /// Convolution writing into `out` (N×OC×OH×OW, contiguous or a channel view of a larger buffer,
  /// not overlapping `input`); with `outputScale` (OC) each output channel is multiplied by its scale before
  /// the bias is added (a batch norm after the conv, kept out of the weights); with `residual` (N×OC×OH×OW, each sample contiguous, not overlapping
  /// `out`), out = act(conv + residual): a residual block's sum, added as the GEMM stores C where it can.
  /// `workspace` holds the scratch, `Conv2dGeometry.workspaceCount` floats: the im2col tile (K ×
  /// `im2colTile`), then Yᵀ (OH·OW × OCg) for the swapped GEMM, or the grouped kernel's, shifted GEMM's or
  /// implicit GEMM's padded planes and sums; without one a temporary is allocated.
  package static func conv2d(
    _ input: Tensor, weight: Tensor, bias: Tensor? = nil, stride: Int = 1, padding: Int = 0,
    dilation: Int = 1, groups: Int = 1, fusedReLU: Bool = false, inputAffine: ChannelAffine? = nil,
    outputScale: Tensor? = nil, residual: Tensor? = nil, into out: Tensor, workspace: ConvWorkspace? = nil
  ) throws {
    let g = try Conv2dGeometry(
      input: input.shape, weight: weight.shape, stride: stride, padding: padding, dilation: dilation, groups: groups)
    try requireShape(out, g.outputShape, "conv2d")
    if let bias, bias.shape != [g.oc] {
      throw TensorError(
        op: "conv2d",
        "bias must have shape \(g.oc) for weight \(formatShape(weight.shape)), got \(formatShape(bias.shape))")
    }
    if let outputScale, outputScale.shape != [g.oc] {
      throw TensorError(
        op: "conv2d",
        "output scale must have shape \(g.oc) for weight \(formatShape(weight.shape)), got \(formatShape(outputScale.shape))"
      )
    }
    if let inputAffine, inputAffine.channels != g.c {
      throw TensorError(op: "conv2d", "input batch norm must have \(g.c) channels, got \(inputAffine.channels)")
    }
    try requireNoOverlap(out, input, "conv2d")
    if let residual {
      try requireShape(residual, g.outputShape, "conv2d residual")
      try requireNoOverlap(out, residual, "conv2d")
    }
    let w = weight.isContiguous ? weight : weight.copy()
    let b = bias.map { $0.isContiguous ? $0 : $0.copy() }
    let sc = outputScale.map { $0.isContiguous ? $0 : $0.copy() }
    // The GEMM maps B's rows as it packs them (1×1 stride-1) and the implicit path while padding; any
    // other path gets the mapped input as a tensor of its own.
    let byWinograd = g.usesWinograd  // Winograd maps the input as it transforms it
    let affineInKernel = inputAffine != nil && (g.mapsInputInGEMM || byWinograd)
    var source = input
    if let inputAffine, !affineInKernel { source = try inputAffine.applied(to: input) }
    let affine = affineInKernel ? inputAffine : nil
    let owner = workspace ?? ConvWorkspace()
    let scratch = owner.buffer(count: byWinograd ? g.winogradCount : g.workspaceCount)
    // The raw pointers below borrow these buffers: keep them alive until the last GEMM returns.
    defer { withExtendedLifetime((owner, w, b, sc, source, out, affine, residual)) {} }
    let biasPointer = b.map { UnsafePointer($0.sample(0)) }
    let scalePointer = sc.map { UnsafePointer($0.sample(0)) }
    if byWinograd {
      func pitch(_ t: Tensor) -> Int { g.n > 1 ? t.sample(1) - t.sample(0) : 0 }
      winograd(
        g, x: source.sample(0), xStride: pitch(source), weight: w.sample(0), y: out.sample(0), yStride: pitch(out),
        scratch: scratch, scale: scalePointer, bias: biasPointer,
        residual: residual.map { UnsafePointer($0.sample(0)) }, residualStride: residual.map(pitch) ?? 0,
        relu: fusedReLU, affine: affine)
      return
    }
    // The direct GEMM adds the residual as it stores C; the other paths add it (and apply the ReLU) after.
    let directGEMM =
      !g.isDepthwise && !g.usesGroupedKernel && !g.usesImplicitGEMM && !g.usesShiftedGEMM
      && !g.usesSwappedGEMM
    let residualLater = residual != nil && !directGEMM
    let relu = fusedReLU && !residualLater
    for n in 0..<g.n {
      let x = UnsafePointer(source.sample(n))
      let y = out.sample(n)
      let r = residual.map { UnsafePointer($0.sample(n)) }
      var epilogueDone = false
      if g.isDepthwise {
        depthwise(g, x: x, weight: w.sample(0), y: y)
      } else if g.usesGroupedKernel {
        grouped(g, x: x, weight: w.sample(0), y: y, planes: scratch)
      } else if g.usesImplicitGEMM {
        implicit(
          g, x: x, weight: w.sample(0), y: y, scratch: scratch, scale: scalePointer, bias: biasPointer, relu: relu,
          affine: affine)
        epilogueDone = true
      } else if g.usesShiftedGEMM {
        shifted(g, x: x, weight: w.sample(0), y: y, scratch: scratch)
      } else {
        epilogueDone = !g.usesSwappedGEMM  // the direct orientation adds bias and ReLU as it stores C
        for group in 0..<g.groups {
          let xg = x + group * g.cg * g.h * g.w  // Cg×H×W
          let wg = w.sample(0) + group * g.ocg * g.k  // OCg × K
          let yg = y + group * g.ocg * g.ohw  // OCg × OH·OW
          let yT = scratch + g.im2colCount  // OH·OW × OCg, when swapped
          let epilogue = GEMMEpilogue(
            scale: scalePointer.map { $0 + group * g.ocg }, bias: biasPointer.map { $0 + group * g.ocg },
            residual: r.map { $0 + group * g.ocg * g.ohw }, relu: relu)
          if g.isPointwise {  // B = the group's input planes, Cg × H·W
            let rows = GEMMSource(
              xg, ldb: g.ohw,
              affine: affine.map {
                (
                  UnsafePointer($0.scale.sample(0) + group * g.cg), UnsafePointer($0.shift.sample(0) + group * g.cg),
                  $0.relu
                )
              })
            gemm(g, weight: wg, source: rows, columns: 0..<g.ohw, y: yg, yT: yT, epilogue: epilogue)
          } else {
            // im2col one tile of output pixels at a time (K × tile), so that the GEMM reads it from cache.
            for start in Swift.stride(from: 0, to: g.ohw, by: g.im2colTile) {
              let columns = start..<min(start + g.im2colTile, g.ohw)
              im2col(g, x: xg, cols: scratch, columns: columns)
              gemm(
                g, weight: wg, source: GEMMSource(scratch, ldb: columns.count), columns: columns, y: yg, yT: yT,
                epilogue: epilogue)
            }
          }
          if g.usesSwappedGEMM { transpose(yT, rows: g.ohw, columns: g.ocg, into: yg) }
        }
      }
      // What no GEMM store did: scale and bias (unless done), the residual when it comes after, the ReLU; one pass.
      GEMMEpilogue(
        scale: epilogueDone ? nil : scalePointer, bias: epilogueDone ? nil : biasPointer,
        residual: residualLater ? r : nil,
        relu: fusedReLU && (!epilogueDone || residualLater)
      )
      .apply(m: g.oc, n: g.ohw, c: y, ldc: g.ohw)
    }
  }

  /// One group's GEMM for output pixels `columns`: Y[:, columns] = W·B, B (K × P) read from `source`,
  /// then `epilogue` (its residual given for the group's first column); or, swapped, Yᵀ[columns, :] =
  /// Bᵀ·Wᵀ into `yT` (OH·OW × OCg), epilogue left to the caller (`source` is then plain).
  static func gemm(
    _ g: Conv2dGeometry, weight: UnsafePointer<Float>, source: GEMMSource, columns: Range<Int>,
    y: UnsafeMutablePointer<Float>, yT: UnsafeMutablePointer<Float>, epilogue: GEMMEpilogue
  ) {
    if g.usesSwappedGEMM {
      GEMM.sgemm(
        transA: true, transB: true, m: columns.count, n: g.ocg, k: g.k, a: source.data, lda: source.ldb, b: weight,
        ldb: g.k, c: yT + columns.lowerBound * g.ocg, ldc: g.ocg)
    } else {
      var tile = epilogue  // the residual, like C, starts at this tile's first column
      tile.residual = epilogue.residual.map { $0 + columns.lowerBound }
      GEMM.sgemm(
        m: g.ocg, n: columns.count, k: g.k, a: weight, lda: g.k, source: source, c: y + columns.lowerBound,
        ldc: g.ohw, epilogue: tile)
    }
  }

  /// dst (columns × rows) = srcᵀ, src being rows × columns. Works in strips of 16 columns (one
  /// cache line of each src row), because walking a whole column of a power-of-two-wide src hits
  /// one cache set over and over.
  static func transpose(
    _ src: UnsafePointer<Float>, rows: Int, columns: Int, into dst: UnsafeMutablePointer<Float>
  ) {
    let strip = 16
    for c0 in stride(from: 0, to: columns, by: strip) {
      let width = min(strip, columns - c0)
      for r in 0..<rows {
        let line = src + r * columns + c0
        for j in 0..<width { dst[(c0 + j) * rows + r] = line[j] }
      }
    }
  }

  /// Depthwise convolution, one output plane at a time: Cg = 1, each output channel oc reads
  /// input channel oc / OCg; weight OC×1×KH×KW; y is OC×OH×OW for one sample.
  static func depthwise(
    _ g: Conv2dGeometry, x: UnsafePointer<Float>, weight: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>
  ) {
    Threads.parallelFor(g.oc, costPerItem: g.ohw * g.kh * g.kw) { range in
      for o in range {
        let plane = x + (o / g.ocg) * g.h * g.w
        let dst = y + o * g.ohw
        dst.update(repeating: 0, count: g.ohw)
        for ki in 0..<g.kh {
          for kj in 0..<g.kw {
            let wv = weight[(o * g.kh + ki) * g.kw + kj]
            let colOff = kj * g.dilation - g.padding
            let (lo, hi) = validOutputRange(offset: colOff, stride: g.stride, inSize: g.w, outSize: g.ow)
            for oh in 0..<g.oh {
              let ih = oh * g.stride - g.padding + ki * g.dilation
              guard ih >= 0, ih < g.h, lo < hi else { continue }
              let src = plane + ih * g.w + colOff
              let row = dst + oh * g.ow
              if g.stride == 1 {
                for o2 in lo..<hi { row[o2] += wv * src[o2] }
              } else {
                for o2 in lo..<hi { row[o2] += wv * src[o2 * g.stride] }
              }
            }
          }
        }
      }
    }
  }

  /// The output positions o in [lo, hi) whose input index o·stride + offset lies in [0, inSize).
  static func validOutputRange(offset: Int, stride: Int, inSize: Int, outSize: Int) -> (Int, Int) {
    let lo = offset >= 0 ? 0 : (-offset + stride - 1) / stride
    let last = inSize - 1 - offset
    let hi = last < 0 ? 0 : min(outSize, last / stride + 1)
    return (min(lo, outSize), max(hi, min(lo, outSize)))
  }
}
