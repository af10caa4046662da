/// Stride-1 convolutions without im2col: one GEMM per kernel tap over shifted views of padded planes.
///
/// With the input zero-padded into planes of Hp × Wp, tap (ki, kj) of output pixel (oh, ow) reads
/// plane offset (oh + ki·d)·Wp + ow + kj·d. Computing the output on the padded width, pixel q = oh·Wp + ow,
/// every tap's B matrix (C × Q) is then the planes themselves shifted by ki·d·Wp + kj·d, with row pitch
/// Hp·Wp, so Y' (OC × Q) = Σ_tap W_tap (OC × C) · B_tap is KH·KW sgemms accumulating into one buffer and no
/// im2col matrix (K = C·KH·KW rows of OH·OW floats) is ever written or read. The Wp − OW columns per row that
/// fall on the padding are computed and dropped when Y' is copied into the output.
extension Ops {
  /// y (OC×OH×OW, one sample) = the conv of x (C×H×W) with weight (OC × C·KH·KW), groups 1, stride 1, no
  /// bias; `scratch` holds `g.shiftedCount` floats.
  static func shifted(
    _ g: Conv2dGeometry, x: UnsafePointer<Float>, weight: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>,
    scratch: UnsafeMutablePointer<Float>
  ) {
    let (hp, wp) = (g.h + 2 * g.padding, g.w + 2 * g.padding)
    let taps = g.kh * g.kw
    let q = g.shiftedColumns
    let planes = scratch  // C × Hp × Wp + read-ahead
    let weights = planes + g.c * hp * wp + smallGEMMReadAhead  // taps × OC × C
    let sums = weights + taps * g.oc * g.c  // OC × Q
    padPlanes(g, x: x, into: planes)
    // W_tap[oc][c] = weight[oc][c][tap]: the weight regrouped so each tap's matrix is dense.
    Threads.parallelFor(g.oc, costPerItem: g.k) { rows in
      for oc in rows {
        for c in 0..<g.c {
          for t in 0..<taps { weights[(t * g.oc + oc) * g.c + c] = weight[oc * g.k + c * taps + t] }
        }
      }
    }
    for t in 0..<taps {
      let shift = (t / g.kw) * g.dilation * wp + (t % g.kw) * g.dilation
      GEMM.sgemm(
        m: g.oc, n: q, k: g.c, a: weights + t * g.oc * g.c, lda: g.c, b: planes + shift, ldb: hp * wp,
        beta: t == 0 ? 0 : 1, c: sums, ldc: q)
    }
    // Drop the padding columns: row oh of channel oc is sums[oc·Q + oh·Wp ..< + OW].
    Threads.parallelFor(g.oc, costPerItem: g.ohw) { rows in
      for oc in rows {
        for oh in 0..<g.oh { (y + oc * g.ohw + oh * g.ow).update(from: sums + oc * q + oh * wp, count: g.ow) }
      }
    }
  }
}
