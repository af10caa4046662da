/// im2col: one group's input planes unrolled so that a convolution becomes one GEMM.
extension Ops {
  /// Fills `cols` (K × P, P = `columns.count`, row r = (c, ki, kj) for c < Cg) with output pixels
  /// `columns` (flat indices oh·OW + ow) of the im2col matrix of `x` (Cg×H×W).
  ///
  /// Rows are independent, so threads split them; each row is written sequentially, stride-1 runs
  /// by block copies of input rows with the padded borders zeroed, so the pass streams at memory speed.
  static func im2col(
    _ g: Conv2dGeometry, x: UnsafePointer<Float>, cols: UnsafeMutablePointer<Float>, columns: Range<Int>
  ) {
    Threads.parallelFor(g.k, costPerItem: columns.count) { rows in
      im2colRows(g, x: x, cols: cols, columns: columns, rows: rows)
    }
  }

  /// Rows `rows` of the im2col tile that `im2col` describes, on the calling thread (row r at
  /// `cols + r · columns.count`).
  static func im2colRows(
    _ g: Conv2dGeometry, x: UnsafePointer<Float>, cols: UnsafeMutablePointer<Float>, columns: Range<Int>,
    rows: Range<Int>
  ) {
    let taps = g.kh * g.kw, width = columns.count
    for r in rows {
      let c = r / taps, ki = (r % taps) / g.kw, kj = r % g.kw
      let plane = x + c * g.h * g.w
      let colOff = kj * g.dilation - g.padding
      let (lo, hi) = validOutputRange(offset: colOff, stride: g.stride, inSize: g.w, outSize: g.ow)
      var dst = cols + r * width
      var p = columns.lowerBound
      while p < columns.upperBound {
        // The run of output row `oh` from column o0 to o1 (exclusive) inside `columns`.
        let (oh, o0) = p.quotientAndRemainder(dividingBy: g.ow)
        let o1 = min(g.ow, o0 + columns.upperBound - p)
        let ih = oh * g.stride - g.padding + ki * g.dilation
        let run = dst - o0  // run[o] is output column o
        if ih < 0 || ih >= g.h {
          dst.update(repeating: 0, count: o1 - o0)
        } else {
          let a = min(max(lo, o0), o1), b = max(min(hi, o1), a)  // the valid part [a, b) of [o0, o1)
          (run + o0).update(repeating: 0, count: a - o0)
          (run + b).update(repeating: 0, count: o1 - b)
          let src = plane + ih * g.w + colOff
          if g.stride == 1 {
            (run + a).update(from: src + a, count: b - a)
          } else if g.stride == 2 {
            gatherEven(from: src + 2 * a, to: run + a, count: b - a)
          } else {
            for o in a..<b { run[o] = src[o * g.stride] }
          }
        }
        dst += o1 - o0
        p += o1 - o0
      }
    }
  }

  /// dst[i] = src[2·i] for i < count, eight at a time (stride-2 convs: the stem, downsampling 3×3s).
  /// Reads no further than src[2·(count − 1)].
  @inline(__always)
  static func gatherEven(from src: UnsafePointer<Float>, to dst: UnsafeMutablePointer<Float>, count: Int) {
    let raw = UnsafeRawPointer(src), out = UnsafeMutableRawPointer(dst)
    var i = 0
    while i + 8 < count {  // the 16-float load ends at src[2i + 15] < src[2·(count − 1)]
      let pairs = raw.loadUnaligned(fromByteOffset: 2 * i * 4, as: SIMD16<Float>.self)
      out.storeBytes(of: pairs.evenHalf, toByteOffset: i * 4, as: SIMD8<Float>.self)
      i += 8
    }
    while i < count {
      dst[i] = src[2 * i]
      i += 1
    }
  }
}
