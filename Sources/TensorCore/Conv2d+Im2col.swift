/// im2col: one group's input planes unrolled so that a convolution becomes one GEMM.
extension Ops {
  /// Fills `cols` (K × OH·OW, row r = (c, ki, kj) for c < Cg) from `x` (Cg×H×W).
  ///
  /// Rows are independent, so threads split them; each row is written sequentially, stride-1 rows
  /// by block copies of input rows with the padded borders zeroed, so the pass streams at memory speed.
  static func im2col(_ g: Conv2dGeometry, x: UnsafePointer<Float>, cols: UnsafeMutablePointer<Float>) {
    let taps = g.kh * g.kw
    Threads.parallelFor(g.k, costPerItem: g.ohw) { rows in
      for r in rows {
        let c = r / taps, ki = (r % taps) / g.kw, kj = r % g.kw
        let plane = x + c * g.h * g.w
        let colOff = kj * g.dilation - g.padding
        let (lo, hi) = validOutputRange(offset: colOff, stride: g.stride, inSize: g.w, outSize: g.ow)
        var dst = cols + r * g.ohw
        for oh in 0..<g.oh {
          let ih = oh * g.stride - g.padding + ki * g.dilation
          if ih < 0 || ih >= g.h {
            dst.update(repeating: 0, count: g.ow)
          } else {
            if lo > 0 { dst.update(repeating: 0, count: lo) }
            if hi < g.ow { (dst + hi).update(repeating: 0, count: g.ow - hi) }
            let src = plane + ih * g.w + colOff
            if g.stride == 1 {
              (dst + lo).update(from: src + lo, count: hi - lo)
            } else {
              for o in lo..<hi { dst[o] = src[o * g.stride] }
            }
          }
          dst += g.ow
        }
      }
    }
  }
}
