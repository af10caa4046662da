/// The validated sizes of one `conv2d` call: letters N C H W for the input, OC KH KW OH OW for
/// weight and output, G groups, Cg = C/G and OCg = OC/G channels per group.
package struct Conv2dGeometry: Sendable, Hashable {
  package let n: Int, c: Int, h: Int, w: Int
  package let oc: Int, kh: Int, kw: Int
  package let oh: Int, ow: Int
  package let stride: Int, padding: Int, dilation: Int, groups: Int

  /// Input channels per group (Cg).
  package var cg: Int { c / groups }
  /// Output channels per group (OCg).
  package var ocg: Int { oc / groups }
  /// The GEMM's inner dimension per group: Cg·KH·KW.
  package var k: Int { cg * kh * kw }
  /// Output pixels per channel: OH·OW.
  package var ohw: Int { oh * ow }
  /// Output shape N×OC×OH×OW.
  package var outputShape: [Int] { [n, oc, oh, ow] }
  /// Multiply–accumulates: N·OC·OH·OW·Cg·KH·KW.
  package var macs: Int { n * oc * ohw * k }
  /// 1×1, stride 1, no padding: the input planes are the GEMM's B matrix as they are.
  package var isPointwise: Bool { kh == 1 && kw == 1 && stride == 1 && padding == 0 }
  /// One input channel per group (depthwise, possibly with a channel multiplier).
  package var isDepthwise: Bool { cg == 1 && groups > 1 }
  /// Floats of scratch that `conv2d(into:)` needs: the im2col matrix, then Yᵀ when `usesSwappedGEMM`; or
  /// the padded planes and sums of the grouped kernel, the shifted GEMM or the implicit GEMM.
  package var workspaceCount: Int {
    im2colCount + (usesSwappedGEMM ? ohw * ocg : 0) + groupedPlanesCount + (usesShiftedGEMM ? shiftedCount : 0)
      + (usesImplicitGEMM ? implicitCount : 0)
  }
  /// Stride-1 convs other than 1×1 unpadded ones, and stride-2 convs with a real kernel, on TensorCore's own
  /// GEMM (`Ops.implicit`): one product whose B rows are the taps' shifted views of zero-padded planes (at
  /// stride 2, of the padded input's row/column phases), read in place as the kernel packs them, so no im2col
  /// matrix is written. Costs the padding columns of each output row (≤ 8% on ResNet and DenseNet maps, 0
  /// extra 32-column panels at 7×7 and 14×14). A 1×1 stride-2 conv's im2col is a plain strided copy of a
  /// quarter of its input, as cheap as the phase planes would be, so it keeps im2col.
  package var usesImplicitGEMM: Bool {
    GEMM.usesOwnKernel && (stride == 1 || (stride == 2 && kh * kw > 1)) && !isPointwise && !isDepthwise
      && !usesGroupedKernel
  }
  /// Height of `Ops.implicit`'s planes: H + 2·padding, halved (rounded up) at stride 2, where each plane
  /// holds one phase of the padded input (rows ≡ r, columns ≡ t mod 2).
  package var implicitPlaneHeight: Int { (h + 2 * padding + stride - 1) / stride }
  /// Width of `Ops.implicit`'s planes, and the product's columns per output row: W + 2·padding, halved
  /// (rounded up) at stride 2.
  package var implicitPlaneWidth: Int { (w + 2 * padding + stride - 1) / stride }
  /// Columns of the implicit product: (OH − 1)·plane width + OW, output pixel (oh, ow) at oh·width + ow.
  package var implicitColumns: Int { (oh - 1) * implicitPlaneWidth + ow }
  /// Stride 1 without padding: the input planes serve as they are, not copied.
  package var implicitReadsInputInPlace: Bool { stride == 1 && padding == 0 }
  /// Whether an input batch norm (`conv2d`'s `inputAffine`) is applied on the way into TensorCore's own GEMM
  /// (1×1 stride-1 convs through the GEMM, and the implicit GEMM's padding) rather than as a mapped copy.
  package var mapsInputInGEMM: Bool {
    GEMM.usesOwnKernel
      && ((usesImplicitGEMM && !implicitReadsInputInPlace) || (isPointwise && !isDepthwise && !usesGroupedKernel))
  }
  /// Floats of `Ops.implicit`'s scratch: the padded planes with read-ahead (unless read in place), then
  /// the OC × Q sums.
  package var implicitCount: Int {
    let planes =
      implicitReadsInputInPlace
      ? 0 : c * stride * stride * implicitPlaneHeight * implicitPlaneWidth + Ops.smallGEMMReadAhead
    return planes + oc * implicitColumns
  }
  /// On OpenBLAS (`usesImplicitGEMM` replaces it on the own GEMM): stride-1 convs with a real kernel and few
  /// output channels, on maps wide enough that the padded width wastes little: one sgemm per tap over
  /// shifted padded planes instead of im2col (`Ops.shifted`). With few
  /// output channels writing and packing the im2col matrix (K × OH·OW) costs most relative to the GEMM
  /// (M = OC); measured on this machine (benchmarks/RESULTS.md) DenseNet's 128→32 3×3s gain at every
  /// width from 14, ResNet-50's 64→64 at 56×56 gains ~15%, while its 256→256 at 14×14 loses ~35%.
  package var usesShiftedGEMM: Bool {
    groups == 1 && stride == 1 && kh * kw > 1 && ow >= Conv2dGeometry.shiftedMinOW
      && oc <= Conv2dGeometry.shiftedMaxOC && !usesSwappedGEMM && !GEMM.usesOwnKernel
  }
  /// The narrowest output for `usesShiftedGEMM`: at OW 14 with padding 1 the padded width adds 1/7.
  package static let shiftedMinOW = 14
  /// The most output channels for `usesShiftedGEMM`.
  package static let shiftedMaxOC = 64
  /// Output columns on the padded width: (OH − 1)·Wp + OW.
  package var shiftedColumns: Int { (oh - 1) * (w + 2 * padding) + ow }
  /// Floats of `Ops.shifted`'s scratch: padded planes with read-ahead, the weight per tap, the sums.
  package var shiftedCount: Int {
    c * (h + 2 * padding) * (w + 2 * padding) + Ops.smallGEMMReadAhead + oc * k + oc * shiftedColumns
  }
  /// Floats of the zero-padded input planes that the grouped kernel reads in place at stride 1 (C × Hp × Wp
  /// and a read-ahead); 0 otherwise.
  package var groupedPlanesCount: Int {
    guard usesGroupedKernel, stride == 1 else { return 0 }
    return c * (h + 2 * padding) * (w + 2 * padding) + Ops.smallGEMMReadAhead
  }
  /// Few output channels per group (ResNeXt-style grouped convs): each group's GEMM would be too small for
  /// sgemm (M = OCg, K = Cg·KH·KW), so `conv2d` runs TensorCore's own grouped kernel (`Ops.grouped`), which
  /// builds small im2col tiles in per-thread scratch.
  package var usesGroupedKernel: Bool { groups > 1 && !isDepthwise && ocg <= Conv2dGeometry.groupedKernelMaxOCg }
  /// The largest OCg that `usesGroupedKernel`: at 64 (ResNeSt's radix-2 convs) sgemm is as fast or faster.
  package static let groupedKernelMaxOCg = 32
  /// Output pixels per tile of the grouped kernel: a multiple of 8 whose K × tile im2col fits 32 KiB.
  package var groupedTile: Int { min(ohw, max(8, Ops.groupedTileFloats / k / 8 * 8)) }
  /// Floats of the im2col buffer, K × tile (0 when the input planes serve as they are, or the grouped
  /// kernel's per-thread tiles do).
  package var im2colCount: Int {
    isPointwise || isDepthwise || usesGroupedKernel || usesShiftedGEMM || usesImplicitGEMM ? 0 : k * im2colTile
  }
  /// Output pixels per im2col tile. An im2col matrix larger than two L2 caches is built and
  /// multiplied in equal tiles of about `im2colTileBytes`, so the GEMM packs each tile while it is
  /// still in cache (ResNet-50's stem: ~0.64 → ~0.77 of bare sgemm); smaller ones go whole, since
  /// narrower GEMMs cost more than the cache misses they save.
  package var im2colTile: Int {
    let tiles = max(1, k * ohw * MemoryLayout<Float>.stride / Conv2dGeometry.im2colTileBytes)
    return (ohw + tiles - 1) / tiles
  }
  /// The im2col tile budget: the L2 cache of one core of the machines this was tuned on.
  package static let im2colTileBytes = 2 << 20
  /// Whether each group's GEMM computes Yᵀ (OH·OW × OCg) = Bᵀ·Wᵀ and transposes it into place,
  /// instead of Y = W·B. With few output pixels and many channels (ResNet-50's 7×7 stage) OpenBLAS
  /// is up to ~35% faster that way round on this machine (benchmarks/RESULTS.md); elsewhere the
  /// direct orientation is as fast or faster and needs no transpose. Fixed by shape and backend, so
  /// results are reproducible run to run. Never with TensorCore's own GEMM (`GEMM.usesOwnKernel`), which
  /// takes untransposed B only and loses less than the transpose costs on narrow maps.
  package var usesSwappedGEMM: Bool {
    !isDepthwise && !usesGroupedKernel && ohw < 100 && ocg > ohw && !GEMM.usesOwnKernel
  }

  /// Checks an input shape N×C×H×W against a weight shape OC×(C/groups)×KH×KW, as PyTorch does.
  package init(input: [Int], weight: [Int], stride: Int = 1, padding: Int = 0, dilation: Int = 1, groups: Int = 1)
    throws
  {
    let op = "conv2d"
    guard input.count == 4 else { throw TensorError(op: op, "input must be N×C×H×W, got \(formatShape(input))") }
    guard weight.count == 4 else {
      throw TensorError(op: op, "weight must be OC×C/groups×KH×KW, got \(formatShape(weight))")
    }
    guard stride >= 1, padding >= 0, dilation >= 1, groups >= 1 else {
      throw TensorError(
        op: op,
        "needs stride ≥ 1, padding ≥ 0, dilation ≥ 1, groups ≥ 1; got stride \(stride), padding \(padding), dilation \(dilation), groups \(groups)"
      )
    }
    (n, c, h, w) = (input[0], input[1], input[2], input[3])
    (oc, kh, kw) = (weight[0], weight[2], weight[3])
    (self.stride, self.padding, self.dilation, self.groups) = (stride, padding, dilation, groups)
    guard n >= 1, c >= 1, oc >= 1 else {
      throw TensorError(
        op: op, "needs a non-empty batch and channels; input \(formatShape(input)), weight \(formatShape(weight))")
    }
    guard c % groups == 0, oc % groups == 0 else {
      throw TensorError(
        op: op,
        "groups \(groups) must divide input channels and output channels; input \(formatShape(input)), weight \(formatShape(weight))"
      )
    }
    guard weight[1] == c / groups else {
      throw TensorError(
        op: op,
        "input \(formatShape(input)) has \(c) channels, weight \(formatShape(weight)) expects \(weight[1] * groups) (\(weight[1]) × groups \(groups))"
      )
    }
    let effH = dilation * (kh - 1) + 1, effW = dilation * (kw - 1) + 1
    oh = (h + 2 * padding - effH) / stride + 1
    ow = (w + 2 * padding - effW) / stride + 1
    guard kh >= 1, kw >= 1, h + 2 * padding >= effH, w + 2 * padding >= effW else {
      throw TensorError(
        op: op,
        "kernel \(kh)×\(kw) (dilation \(dilation)) larger than padded input; input \(formatShape(input)), weight \(formatShape(weight)), padding \(padding)"
      )
    }
  }
}
