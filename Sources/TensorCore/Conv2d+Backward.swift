/// The gradients of `conv2d` on the forward's im2col + GEMM machinery: per sample and group, with
/// B_g = im2col(x_g) (K × OH·OW, K = Cg·KH·KW) and dY_g (OCg × OH·OW),
///   ∂L/∂W_g += dY_g · B_gᵀ        (OCg × K)
///   ∂L/∂B_g  = W_gᵀ · dY_g         (K × OH·OW), scattered back onto the input by col2im
///   ∂L/∂b    = Σ_N,OH,OW dY.
/// A pointwise conv (1×1, stride 1, unpadded) needs neither: x_g is B_g as it lies, and ∂L/∂B_g is ∂L/∂x_g.
extension Ops {
  /// What `conv2dBackward` returns: the input gradient (N×C×H×W, when asked for), the weight gradient
  /// (OC×Cg×KH×KW) and the bias gradient (OC).
  package struct Conv2dGradients {
    package var input: Tensor?
    package var weight: Tensor
    package var bias: Tensor
  }

  /// Gradients of `conv2d(input, weight, stride:padding:dilation:groups:)` given ∂L/∂y (N×OC×OH×OW).
  /// `workspace` (the executor's) holds the K × OH·OW scratch across calls instead of a fresh allocation.
  package static func conv2dBackward(
    _ input: Tensor, weight: Tensor, gradOutput: Tensor, stride: Int = 1, padding: Int = 0, dilation: Int = 1,
    groups: Int = 1, inputGradient: Bool = true, workspace: ConvWorkspace? = nil
  ) throws -> Conv2dGradients {
    let g = try Conv2dGeometry(
      input: input.shape, weight: weight.shape, stride: stride, padding: padding, dilation: dilation, groups: groups)
    try requireShape(gradOutput, g.outputShape, "conv2dBackward", "output gradient")
    let x = input.contiguous, w = weight.contiguous, dy = gradOutput.contiguous
    let dw = try Tensor(zeros: weight.shape)
    let db = try Tensor(zeros: [g.oc])
    // A pointwise conv's GEMM writes every element of ∂L/∂x; col2im adds onto zeros.
    let dx =
      inputGradient ? (g.isPointwise ? try Tensor(uninitialized: input.shape) : try Tensor(zeros: input.shape)) : nil
    let scratch = g.isPointwise ? 1 : max(1, g.k * g.ohw)  // B_g or ∂L/∂B_g: K × OH·OW
    let cols = workspace?.buffer(count: scratch) ?? UnsafeMutablePointer<Float>.allocate(capacity: scratch)
    defer { if workspace == nil { cols.deallocate() } }
    defer { withExtendedLifetime((x, w, dy)) {} }
    let planeIn = g.h * g.w
    for n in 0..<g.n {
      let yn = dy.sample(n)
      for o in 0..<g.oc { db.sample(0)[o] += contiguousSum(yn + o * g.ohw, count: g.ohw) }
      for group in 0..<g.groups {
        let xg = UnsafePointer(x.sample(n) + group * g.cg * planeIn)
        let dyg = UnsafePointer(yn + group * g.ocg * g.ohw)
        let wg = UnsafePointer(w.sample(0) + group * g.ocg * g.k)
        let b: UnsafePointer<Float>
        if g.isPointwise {
          b = xg
        } else {
          im2col(g, x: xg, cols: cols, columns: 0..<g.ohw)
          b = UnsafePointer(cols)
        }
        GEMM.sgemm(
          transB: true, m: g.ocg, n: g.k, k: g.ohw, a: dyg, lda: g.ohw, b: b, ldb: g.ohw, beta: 1,
          c: dw.sample(0) + group * g.ocg * g.k, ldc: g.k)
        guard let dx else { continue }
        let dxg = dx.sample(n) + group * g.cg * planeIn
        GEMM.sgemm(
          transA: true, m: g.k, n: g.ohw, k: g.ocg, a: wg, lda: g.k, b: dyg, ldb: g.ohw, c: g.isPointwise ? dxg : cols,
          ldc: g.ohw)
        if !g.isPointwise { col2im(g, cols: cols, dx: dxg) }
      }
    }
    return Conv2dGradients(input: dx, weight: dw, bias: db)
  }

  /// Adds the K × OH·OW matrix `cols` onto the input planes it was gathered from (im2col's adjoint); `dx` is
  /// one group's Cg×H×W. Channels are independent, so threads split them; a stride-1 row is added eight
  /// floats at a time.
  static func col2im(_ g: Conv2dGeometry, cols: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>) {
    let taps = g.kh * g.kw
    Threads.parallelFor(g.cg, costPerItem: taps * g.ohw) { channels in
      for c in channels {
        let plane = dx + c * g.h * g.w
        for t in 0..<taps {
          let (ki, kj) = (t / g.kw, t % g.kw)
          let row = cols + (c * taps + t) * g.ohw
          let colOff = kj * g.dilation - g.padding
          let (lo, hi) = validOutputRange(offset: colOff, stride: g.stride, inSize: g.w, outSize: g.ow)
          guard lo < hi else { continue }
          for oh in 0..<g.oh {
            let ih = oh * g.stride - g.padding + ki * g.dilation
            guard ih >= 0, ih < g.h else { continue }
            let dst = plane + ih * g.w + colOff
            let src = row + oh * g.ow
            if g.stride == 1 {
              addRow(src + lo, into: dst + lo, count: hi - lo)
            } else {
              for o in lo..<hi { dst[o * g.stride] += src[o] }
            }
          }
        }
      }
    }
  }

  /// dst[i] += src[i] for i < count, eight at a time.
  @inline(__always)
  private static func addRow(_ src: UnsafePointer<Float>, into dst: UnsafeMutablePointer<Float>, count: Int) {
    var i = 0
    while i + 8 <= count {
      let sum =
        UnsafeRawPointer(dst + i).loadUnaligned(as: SIMD8<Float>.self)
        + UnsafeRawPointer(src + i).loadUnaligned(as: SIMD8<Float>.self)
      UnsafeMutableRawPointer(dst + i).storeBytes(of: sum, as: SIMD8<Float>.self)
      i += 8
    }
    while i < count {
      dst[i] += src[i]
      i += 1
    }
  }
}
