/// Convolutions of stride 1 and 2 as one GEMM over taps read in place (an implicit im2col), on TensorCore's
/// own GEMM.
///
/// With the input zero-padded into planes of Hp × Wp and the output computed on the padded width (pixel
/// q = oh·Wp + ow), row (c, ki, kj) of the im2col matrix at stride 1 is plane c shifted by ki·d·Wp + kj·d: a
/// run of Q = (OH − 1)·Wp + OW contiguous floats. At stride 2 the padded input is first split into its four
/// phases (even/odd rows × even/odd columns, each ⌈Hp/2⌉ × ⌈Wp/2⌉), and tap (dy, dx) = (ki·d, kj·d) is phase
/// (dy mod 2, dx mod 2) shifted by (dy/2)·Wq + dx/2, again a contiguous run. The GEMM takes those rows by
/// offset and packs them as it goes, so W (OC × C·KH·KW, as stored) multiplies them in one product with K =
/// C·KH·KW, and no im2col matrix is written or read. The columns per output row that fall on the padding
/// are dropped on the copy out. Unpadded stride-1 inputs are read where they lie.
extension Ops {
  /// y (OC×OH×OW, one sample) = the conv of x (C×H×W) with weight (OC × Cg·KH·KW), stride 1 or 2, times scale,
  /// plus bias, then ReLU; x goes through `affine` as it is padded. `scratch` holds `g.implicitCount` floats.
  static func implicit(
    _ g: Conv2dGeometry, x: UnsafePointer<Float>, weight: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>,
    scratch: UnsafeMutablePointer<Float>, scale: UnsafePointer<Float>?, bias: UnsafePointer<Float>?, relu: Bool,
    affine: ChannelAffine?
  ) {
    let (s, hq, wq) = (g.stride, g.implicitPlaneHeight, g.implicitPlaneWidth)
    let taps = g.kh * g.kw
    let q = g.implicitColumns
    let inPlace = g.implicitReadsInputInPlace
    precondition(!inPlace || affine == nil, "implicit: an input map needs copied planes (see mapsInputInGEMM)")
    let planes = inPlace ? x : UnsafePointer(scratch)  // C × s² phases × Hq × Wq (+ read-ahead when copied)
    let perChannel = s * s * hq * wq
    let sums = inPlace ? scratch : scratch + g.c * perChannel + smallGEMMReadAhead  // OC × Q
    if s == 1 {
      if !inPlace { padPlanes(g, x: x, into: scratch, affine: affine) }
    } else {
      phasePlanes(g, x: x, into: scratch, affine: affine)
    }
    // Row r = c·taps + t of a group's B: tap t's phase plane of channel c, shifted (the weight's own K order).
    var offsets = [Int](repeating: 0, count: g.k)
    for r in 0..<g.k {
      let (c, t) = r.quotientAndRemainder(dividingBy: taps)
      let (dy, dx) = ((t / g.kw) * g.dilation, (t % g.kw) * g.dilation)
      let phase = (dy % s) * s + dx % s
      offsets[r] = c * perChannel + (phase * hq + dy / s) * wq + dx / s
    }
    offsets.withUnsafeBufferPointer { rowOffsets in
      guard let rows = rowOffsets.baseAddress else { return }  // K ≥ 1: never empty
      for group in 0..<g.groups {
        GEMM.sgemm(
          m: g.ocg, n: q, k: g.k, a: weight + group * g.ocg * g.k, lda: g.k,
          source: GEMMSource(planes + group * g.cg * perChannel, rowOffsets: rows),
          c: sums + group * g.ocg * q, ldc: q,
          epilogue: GEMMEpilogue(
            scale: scale.map { $0 + group * g.ocg }, bias: bias.map { $0 + group * g.ocg }, relu: relu))
      }
    }
    // Drop the padding columns: row oh of channel oc is sums[oc·Q + oh·Wq ..< + OW].
    Threads.parallelFor(g.oc, costPerItem: g.ohw) { rows in
      for oc in rows {
        for oh in 0..<g.oh { (y + oc * g.ohw + oh * g.ow).update(from: sums + oc * q + oh * wq, count: g.ow) }
      }
    }
  }

  /// Stride 2: planes (C × 4 × Hq × Wq, then `smallGEMMReadAhead` zeros) = the phases of x zero-padded by
  /// `g.padding` that some tap reads, phase (r, t) holding padded rows 2i + r and columns 2j + t, so that a
  /// stride-2 tap is a stride-1 shift within one phase (a 1×1 conv reads phase (0, 0) only; phases no tap
  /// reads are left unwritten). x goes through `affine` first when given (padding stays zero).
  static func phasePlanes(
    _ g: Conv2dGeometry, x: UnsafePointer<Float>, into planes: UnsafeMutablePointer<Float>, affine: ChannelAffine?
  ) {
    let (hq, wq, pad) = (g.implicitPlaneHeight, g.implicitPlaneWidth, g.padding)
    var used = Set<Int>()
    for ki in 0..<g.kh {
      for kj in 0..<g.kw { used.insert((ki * g.dilation % 2) * 2 + kj * g.dilation % 2) }
    }
    let phases = used.sorted()
    Threads.parallelFor(g.c, costPerItem: phases.count * hq * wq) { channels in
      for c in channels {
        let plane = x + c * g.h * g.w
        for phase in phases {
          let (r, t) = (phase / 2, phase % 2)
          // Columns j whose padded column 2j + t − pad lies inside the input: [lo, hi).
          let (lo, hi) = validOutputRange(offset: t - pad, stride: 2, inSize: g.w, outSize: wq)
          for i in 0..<hq {
            let dst = planes + ((c * 4 + phase) * hq + i) * wq
            let row = 2 * i + r - pad
            guard row >= 0, row < g.h, lo < hi else {
              dst.update(repeating: 0, count: wq)
              continue
            }
            dst.update(repeating: 0, count: lo)
            (dst + hi).update(repeating: 0, count: wq - hi)
            let src = plane + row * g.w + t - pad
            if let affine {
              affine.map(src, stride: 2, into: dst, range: lo..<hi, channel: c)
            } else {
              for j in lo..<hi { dst[j] = src[2 * j] }
            }
          }
        }
      }
    }
    (planes + g.c * 4 * hq * wq).update(repeating: 0, count: smallGEMMReadAhead)
  }
}
