/// Grouped convolution with few channels per group (ResNeXt / SK-ResNeXt: 32 groups of 4–32 channels).
///
/// One sgemm per group would have M = OCg (4 in SK-ResNeXt's first stage) and K = Cg·KH·KW (36): OpenBLAS
/// spends more on packing, thread hand-offs and per-call overhead than on arithmetic, and 32 such calls per
/// sample ran slower on 2 threads than on 1 (benchmarks/RESULTS.md). Here threads split the work into (group, pixels) items and multiply each item's im2col
/// rows by the group's weights with a register-blocked kernel (four output channels × eight pixels) that
/// reads every im2col row through an offset:
/// - stride 1 (`groupedPlanesCount` > 0): no im2col at all. The input is copied once into zero-padded planes
///   (C × Hp × Wp, Hp = H + 2·pad, Wp = W + 2·pad), where tap (c, ki, kj) of output pixel (oh, ow) sits at
///   (c·Hp + oh + ki·d)·Wp + ow + kj·d, so for one output row every im2col row is a contiguous run of a
///   padded plane; an item is one group's output row.
/// - other strides: an item is a tile of output pixels whose im2col matrix (K × P, at most
///   `groupedTileFloats` floats, so it stays in cache) is built in the thread's own scratch.
extension Ops {
  /// Floats of one im2col tile of the grouped kernel (32 KiB).
  static let groupedTileFloats = 8192

  /// y (OC×OH×OW, one sample) = grouped conv of x (C×H×W) with weight (OC × Cg·KH·KW), no bias; `planes`
  /// holds `g.groupedPlanesCount` floats of scratch.
  static func grouped(
    _ g: Conv2dGeometry, x: UnsafePointer<Float>, weight: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>,
    planes: UnsafeMutablePointer<Float>
  ) {
    guard g.stride == 1 else { return groupedTiles(g, x: x, weight: weight, y: y) }
    let (hp, wp) = (g.h + 2 * g.padding, g.w + 2 * g.padding)
    padPlanes(g, x: x, into: planes)
    // Offset of im2col row (c, ki, kj) from its group's first plane, output row 0.
    let taps = g.kh * g.kw
    let offsets = (0..<g.k).map { r in
      ((r / taps) * hp + (r % taps) / g.kw * g.dilation) * wp + (r % g.kw) * g.dilation
    }
    offsets.withUnsafeBufferPointer { offsets in
      guard let offsets = offsets.baseAddress else { return }
      Threads.parallelFor(g.groups * g.oh, costPerItem: g.ocg * g.k * g.ow) { items in
        for item in items {
          let (group, oh) = item.quotientAndRemainder(dividingBy: g.oh)
          smallGEMM(
            m: g.ocg, k: g.k, p: g.ow, a: weight + group * g.ocg * g.k, b: planes + (group * g.cg * hp + oh) * wp,
            rows: offsets, c: y + group * g.ocg * g.ohw + oh * g.ow, ldc: g.ohw)
        }
      }
    }
  }

  /// planes (C × Hp × Wp, then `smallGEMMReadAhead` zeros) = x zero-padded by `g.padding` on every side,
  /// x mapped through `affine` first when given (the padding stays zero, as after a real batch norm).
  static func padPlanes(
    _ g: Conv2dGeometry, x: UnsafePointer<Float>, into planes: UnsafeMutablePointer<Float>,
    affine: ChannelAffine? = nil
  ) {
    let (pad, hp, wp) = (g.padding, g.h + 2 * g.padding, g.w + 2 * g.padding)
    Threads.parallelFor(g.c, costPerItem: hp * wp) { channels in
      for c in channels {
        let plane = planes + c * hp * wp
        plane.update(repeating: 0, count: pad * wp)  // top rows
        for i in 0..<g.h {
          let row = plane + (pad + i) * wp
          row.update(repeating: 0, count: pad)
          let src = x + (c * g.h + i) * g.w
          if let affine {
            affine.map(src, into: row + pad, range: 0..<g.w, channel: c)
          } else {
            (row + pad).update(from: src, count: g.w)
          }
          (row + pad + g.w).update(repeating: 0, count: pad)
        }
        (plane + (pad + g.h) * wp).update(repeating: 0, count: pad * wp)  // bottom rows
      }
    }
    (planes + g.c * hp * wp).update(repeating: 0, count: smallGEMMReadAhead)
  }

  /// The strided case: items are (group, tile of output pixels), each tile's im2col built in scratch.
  static func groupedTiles(
    _ g: Conv2dGeometry, x: UnsafePointer<Float>, weight: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>
  ) {
    let tile = g.groupedTile
    let tiles = (g.ohw + tile - 1) / tile
    Threads.parallelFor(g.groups * tiles, costPerItem: g.ocg * g.k * tile) { items in
      let count = g.k * tile + smallGEMMReadAhead
      let cols = UnsafeMutablePointer<Float>.allocate(capacity: count)
      cols.initialize(repeating: 0, count: count)
      let rows = UnsafeMutablePointer<Int>.allocate(capacity: g.k)
      defer {
        cols.deallocate()
        rows.deallocate()
      }
      for item in items {
        let (group, t) = item.quotientAndRemainder(dividingBy: tiles)
        let columns = (t * tile)..<min((t + 1) * tile, g.ohw)
        im2colRows(g, x: x + group * g.cg * g.h * g.w, cols: cols, columns: columns, rows: 0..<g.k)
        for i in 0..<g.k { rows[i] = i * columns.count }
        smallGEMM(
          m: g.ocg, k: g.k, p: columns.count, a: weight + group * g.ocg * g.k, b: cols, rows: rows,
          c: y + group * g.ocg * g.ohw + columns.lowerBound, ldc: g.ohw)
      }
    }
  }

  /// C (M × P, row pitch `ldc`) = A (M × K, packed) · B (K × P, row i at `b + rows[i]`), four rows × eight
  /// columns of C in registers at a time. A last partial block of rows repeats its last row and a last
  /// partial block of columns reads past the row's end, storing only what lies inside C, so every row of B
  /// needs `smallGEMMReadAhead` readable floats after its P (their values never reach C).
  static func smallGEMM(
    m: Int, k: Int, p: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>, rows offsets: UnsafePointer<Int>,
    c: UnsafeMutablePointer<Float>, ldc: Int
  ) {
    for row in stride(from: 0, to: m, by: 4) {
      let a0 = a + row * k
      let a1 = a + min(row + 1, m - 1) * k, a2 = a + min(row + 2, m - 1) * k, a3 = a + min(row + 3, m - 1) * k
      let rows = min(4, m - row)
      for col in stride(from: 0, to: p, by: 8) {
        var c0 = SIMD8<Float>(), c1 = SIMD8<Float>(), c2 = SIMD8<Float>(), c3 = SIMD8<Float>()
        let column = UnsafeRawPointer(b + col)
        for i in 0..<k {
          let v = column.loadUnaligned(fromByteOffset: offsets[i] &* 4, as: SIMD8<Float>.self)
          c0 += v * a0[i]
          c1 += v * a1[i]
          c2 += v * a2[i]
          c3 += v * a3[i]
        }
        let out = c + row * ldc + col, width = min(8, p - col)
        store(c0, out, width)
        if rows > 1 { store(c1, out + ldc, width) }
        if rows > 2 { store(c2, out + 2 * ldc, width) }
        if rows > 3 { store(c3, out + 3 * ldc, width) }
      }
    }
  }

  /// Floats past the end of B that `smallGEMM` may read.
  static let smallGEMMReadAhead = 8

  /// The first `width` (≤ 8) lanes of `v` to `dst`.
  @inline(__always)
  private static func store(_ v: SIMD8<Float>, _ dst: UnsafeMutablePointer<Float>, _ width: Int) {
    if width == 8 {
      UnsafeMutableRawPointer(dst).storeBytes(of: v, as: SIMD8<Float>.self)
    } else {
      for j in 0..<width { dst[j] = v[j] }
    }
  }
}
