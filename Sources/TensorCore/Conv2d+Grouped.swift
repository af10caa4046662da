/// Grouped convolution with few channels per group (ResNeXt / SK-ResNeXt: 32 groups of 4–32 channels).
///
/// One sgemm per group would have M = OCg (4 in SK-ResNeXt's first stage) and K = Cg·KH·KW (36): OpenBLAS
/// spends more on packing, thread hand-offs and per-call overhead than on arithmetic, ~9 GMAC/s for 32 such
/// calls per sample. Here threads split (group, pixel tile) items instead; each builds the tile's im2col
/// matrix (K × P, at most `groupedTileFloats` floats, so it stays in L1/L2) in its own scratch and multiplies
/// it by the group's weights with a register-blocked kernel (four output channels × eight pixels).
extension Ops {
  /// Floats of one im2col tile of the grouped kernel (32 KiB).
  static let groupedTileFloats = 8192

  /// y (OC×OH×OW, one sample) = grouped conv of x (C×H×W) with weight (OC × Cg·KH·KW), no bias.
  static func grouped(
    _ g: Conv2dGeometry, x: UnsafePointer<Float>, weight: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>
  ) {
    let tile = g.groupedTile
    let tiles = (g.ohw + tile - 1) / tile
    Threads.parallelFor(g.groups * tiles, costPerItem: g.ocg * g.k * tile) { items in
      let count = g.k * tile + smallGEMMReadAhead
      let cols = UnsafeMutablePointer<Float>.allocate(capacity: count)
      cols.initialize(repeating: 0, count: count)
      defer { cols.deallocate() }
      for item in items {
        let (group, t) = item.quotientAndRemainder(dividingBy: tiles)
        let columns = (t * tile)..<min((t + 1) * tile, g.ohw)
        im2colRows(g, x: x + group * g.cg * g.h * g.w, cols: cols, columns: columns, rows: 0..<g.k)
        smallGEMM(
          m: g.ocg, k: g.k, p: columns.count, a: weight + group * g.ocg * g.k, b: cols,
          c: y + group * g.ocg * g.ohw + columns.lowerBound, ldc: g.ohw)
      }
    }
  }

  /// C (M × P, row pitch `ldc`) = A (M × K, packed) · B (K × P, packed), four rows × eight columns of C
  /// in registers at a time. A last partial block of rows repeats its last row and a last partial block
  /// of columns reads past the row's end, storing only what lies inside C, so B needs
  /// `smallGEMMReadAhead` readable floats after its K·P (their values never reach C).
  static func smallGEMM(
    m: Int, k: Int, p: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>,
    ldc: Int
  ) {
    let pitch = p * MemoryLayout<Float>.stride
    for row in stride(from: 0, to: m, by: 4) {
      let a0 = a + row * k
      let a1 = a + min(row + 1, m - 1) * k, a2 = a + min(row + 2, m - 1) * k, a3 = a + min(row + 3, m - 1) * k
      let rows = min(4, m - row)
      for col in stride(from: 0, to: p, by: 8) {
        var c0 = SIMD8<Float>(), c1 = SIMD8<Float>(), c2 = SIMD8<Float>(), c3 = SIMD8<Float>()
        var column = UnsafeRawPointer(b + col)
        for i in 0..<k {
          let v = column.loadUnaligned(as: SIMD8<Float>.self)
          c0 += v * a0[i]
          c1 += v * a1[i]
          c2 += v * a2[i]
          c3 += v * a3[i]
          column += pitch
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
