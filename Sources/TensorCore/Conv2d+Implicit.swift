/// Stride-1 convolutions as one GEMM over taps read in place (an implicit im2col), on TensorCore's own GEMM.
///
/// With the input zero-padded into planes of Hp × Wp and the output computed on the padded width (pixel
/// q = oh·Wp + ow), row (c, ki, kj) of the im2col matrix is plane c shifted by ki·d·Wp + kj·d: a run of Q =
/// (OH − 1)·Wp + OW contiguous floats. The GEMM takes those rows by offset and packs them as it goes, so
/// W (OC × C·KH·KW, as stored) multiplies them in one product with K = C·KH·KW, and no im2col matrix is
/// written or read. The Wp − OW columns per output row that fall on the padding are dropped on the copy out.
extension Ops {
  /// y (OC×OH×OW, one sample) = the conv of x (C×H×W) with weight (OC × Cg·KH·KW), stride 1, plus bias and
  /// ReLU; x goes through `affine` as it is padded. `scratch` holds `g.implicitCount` floats.
  static func implicit(
    _ g: Conv2dGeometry, x: UnsafePointer<Float>, weight: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>,
    scratch: UnsafeMutablePointer<Float>, bias: UnsafePointer<Float>?, relu: Bool, affine: ChannelAffine?
  ) {
    let (hp, wp) = (g.h + 2 * g.padding, g.w + 2 * g.padding)
    let taps = g.kh * g.kw
    let q = g.shiftedColumns
    let planes = scratch  // C × Hp × Wp + read-ahead
    let sums = planes + g.c * hp * wp + smallGEMMReadAhead  // OC × Q
    padPlanes(g, x: x, into: planes, affine: affine)
    // Row r = c·taps + t of a group's B: its channel's plane shifted to tap t (the weight's own K order).
    var offsets = [Int](repeating: 0, count: g.k)
    for r in 0..<g.k {
      let (c, t) = r.quotientAndRemainder(dividingBy: taps)
      offsets[r] = c * hp * wp + (t / g.kw) * g.dilation * wp + (t % g.kw) * g.dilation
    }
    offsets.withUnsafeBufferPointer { rows in
      for group in 0..<g.groups {
        GEMM.sgemm(
          m: g.ocg, n: q, k: g.k, a: weight + group * g.ocg * g.k, lda: g.k,
          source: GEMMSource(planes + group * g.cg * hp * wp, rowOffsets: rows.baseAddress!),
          c: sums + group * g.ocg * q, ldc: q,
          epilogue: GEMMEpilogue(bias: bias.map { $0 + group * g.ocg }, relu: relu))
      }
    }
    // Drop the padding columns: row oh of channel oc is sums[oc·Q + oh·Wp ..< + OW].
    Threads.parallelFor(g.oc, costPerItem: g.ohw) { rows in
      for oc in rows {
        for oh in 0..<g.oh { (y + oc * g.ohw + oh * g.ow).update(from: sums + oc * q + oh * wp, count: g.ow) }
      }
    }
  }
}
