import CWinograd

/// 3×3 stride-1 convolutions by Winograd F(4×4, 3×3) (Lavin & Gray, interpolation points 0, ±1, ±2, ∞).
///
/// Each 4×4 block of outputs (a tile) of each sample needs a 6×6 block of the zero-padded input, d, and each
/// output channel's 3×3 filter g: y = Aᵀ[(G g Gᵀ) ⊙ (Bᵀ d B)]A. Summed over input channels, the 36 elementwise
/// products become 36 GEMMs, M_ξ (OC × T) = U_ξ (OC × C) · V_ξ (C × T), over all T tiles of the batch: 36·C·T
/// multiply–adds per output channel instead of 9·16·C·T, 2.25× fewer, for the price of the three transforms
/// (`CWinograd`, eight tiles at a time) and a larger rounding error (benchmarks/RESULTS.md, "Winograd"). The
/// filter transform U is redone on every call into the workspace, since keeping it for every layer would cost
/// 4× the 3×3 weights in memory. Tiles go through in blocks (`winogradBlock`) so that V and M stay a few MiB.
/// The output transform applies the conv's epilogue (scale, bias, residual, ReLU) as it writes each tile, and
/// the input transform an input batch norm (`inputAffine`) as it reads each input value.
extension Conv2dGeometry {
  /// Whether `conv2d` runs this conv by Winograd: 3×3, stride 1, dilation 1, ungrouped, any padding, under
  /// `ConvAlgorithm.current`; `automatic` only on shapes measured faster (see `winogradPays`).
  package var usesWinograd: Bool {
    guard isWinogradShape else { return false }
    switch ConvAlgorithm.current {
    case .direct: return false
    case .winograd: return true
    case .automatic: return winogradPays
    }
  }

  /// 3×3, stride 1, dilation 1, ungrouped: what F(4×4, 3×3) computes.
  package var isWinogradShape: Bool { kh == 3 && kw == 3 && stride == 1 && dilation == 1 && groups == 1 }

  /// The shapes where Winograd was measured faster than the direct path (`convscope bench --winograd` at batch 1
  /// and 8, benchmarks/RESULTS.md): enough tiles that the 36 GEMMs are wide and the filter transform (∝ OC·C) is
  /// spread over many tiles, and no more input than twice the output channels, since the input transform costs
  /// ∝ C per tile while the saving is ∝ OC·C (DenseNet's 128→32 loses at most sizes; ResNet's 64→64 at 56×56,
  /// 128→128 at 28×28 from batch 8, and ResNeSt's 32→32/64 stem convs gain).
  package var winogradPays: Bool {
    winogradTiles >= Conv2dGeometry.winogradMinTiles && min(c, oc) >= Conv2dGeometry.winogradMinChannels
      && c <= 2 * oc
  }
  /// Fewest tiles (over the batch) for `winogradPays`: 16 (256→256 at 14×14) and 4 (512→512 at 7×7) lose at batch
  /// 1; 49 (128→128 at 28×28) gains, but at 40 the zoo's ResNeSt-200e leaves the PyTorch fixtures' 1e-4·max|logit|
  /// (its deep stack of 3×3 convs at 40–64 tiles adds up Winograd's larger error), so small maps stay direct.
  package static let winogradMinTiles = 160
  /// Fewest input and output channels for `winogradPays`.
  package static let winogradMinChannels = 32

  /// Tiles per sample along the height and the width: ⌈OH/4⌉ and ⌈OW/4⌉.
  package var winogradTileRows: Int { (oh + 3) / 4 }
  package var winogradTileColumns: Int { (ow + 3) / 4 }
  /// Tiles over the whole batch.
  package var winogradTiles: Int { n * winogradTileRows * winogradTileColumns }
  /// Tiles per block: all of them while V and M (36·(C + OC) floats per tile) fit `winogradBlockBytes`, else
  /// as many whole 32-column GEMM panels as fit (at least one).
  package var winogradBlock: Int {
    let perTile = 36 * (c + oc) * MemoryLayout<Float>.stride
    let fit = Conv2dGeometry.winogradBlockBytes / perTile
    return fit >= winogradTiles ? winogradTiles : max(32, fit / 32 * 32)
  }
  /// The budget for one block's V and M.
  package static let winogradBlockBytes = 8 << 20
  /// Floats of scratch: U (36 × OC × C), then V (36 × C × block) and M (36 × OC × block), each followed by the
  /// GEMM's read-ahead.
  package var winogradCount: Int {
    36 * oc * c + 36 * (c + oc) * winogradBlock + 3 * Ops.smallGEMMReadAhead
  }
}

extension Ops {
  /// out = act(scale · conv(affine(x), weight) + bias + residual) for every sample, by Winograd F(4×4, 3×3);
  /// `g.isWinogradShape` holds, `scratch` has `g.winogradCount` floats, `x`, `y` and `residual` are sample 0 of
  /// tensors with the given sample strides (C×H×W, OC×OH×OW, OC×OH×OW contiguous per sample).
  static func winograd(
    _ g: Conv2dGeometry, x: UnsafePointer<Float>, xStride: Int, weight: UnsafePointer<Float>,
    y: UnsafeMutablePointer<Float>, yStride: Int, scratch: UnsafeMutablePointer<Float>, scale: UnsafePointer<Float>?,
    bias: UnsafePointer<Float>?, residual: UnsafePointer<Float>?, residualStride: Int, relu: Bool,
    affine: ChannelAffine?
  ) {
    let block = g.winogradBlock
    let u = scratch
    let v = u + 36 * g.oc * g.c + smallGEMMReadAhead
    let m = v + 36 * g.c * block + smallGEMMReadAhead
    var layout = cwino_layout(
      c: g.c, h: g.h, w: g.w, pad: g.padding, tiles_h: g.winogradTileRows, tiles_w: g.winogradTileColumns,
      out_h: g.oh, out_w: g.ow)
    Threads.parallelFor(g.oc, costPerItem: g.c * 200) { rows in
      cwino_weights(weight, g.oc, g.c, rows.lowerBound, rows.upperBound, u)
    }
    let affineScale = affine.map { UnsafePointer($0.scale.sample(0)) }
    let affineShift = affine.map { UnsafePointer($0.shift.sample(0)) }
    let affineReLU: Int32 = affine?.relu == true ? 1 : 0
    withUnsafePointer(to: &layout) { layout in
      for t0 in Swift.stride(from: 0, to: g.winogradTiles, by: block) {
        let count = min(block, g.winogradTiles - t0)
        Threads.parallelFor(g.c, costPerItem: count * 200) { channels in
          cwino_input(
            x, xStride, layout, channels.lowerBound, channels.upperBound, t0, count, affineScale, affineShift,
            affineReLU, v)
        }
        for xi in 0..<36 {
          GEMM.sgemm(
            m: g.oc, n: count, k: g.c, a: u + xi * g.oc * g.c, lda: g.c, b: v + xi * g.c * count, ldb: count,
            c: m + xi * g.oc * count, ldc: count)
        }
        Threads.parallelFor(g.oc, costPerItem: count * 200) { rows in
          cwino_output(
            m, g.oc, layout, rows.lowerBound, rows.upperBound, t0, count, y, yStride, scale, bias, residual,
            residualStride, relu ? 1 : 0)
        }
      }
    }
  }
}
