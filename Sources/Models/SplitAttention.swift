// Zhang et al. 2020, "ResNeSt: Split-Attention Networks"; module and keys of timm layers/split_attn.py (SplitAttn).
import Graph

/// timm `SplitAttn`: a grouped 3×3 conv to R·C channels (groups K·R), the radix splits summed and pooled,
/// fc1 (C→attn, groups K, bias) → BN → ReLU → fc2 (attn→R·C, groups K, bias) → radix softmax, splits reweighted.
func splitAttention(
  _ name: String, _ inChannels: Int, _ outChannels: Int, stride: Int, cardinality: Int = 1, radix: Int = 2
) -> Module {
  let mid = outChannels * radix
  let attn = splitAttentionChannels(inChannels, radix: radix)
  return .container(
    name, kind: "SplitAttn",
    layer: .splitAttention(
      SplitAttentionConfig(radix: radix, cardinality: cardinality, channels: outChannels, attentionChannels: attn)),
    [
      // U: (N, R·C, OH, OW), radix-major.
      .conv2d("conv", inChannels, mid, kernel: 3, stride: stride, padding: 1, groups: cardinality * radix),
      .batchNorm2d("bn0", mid), .identity("drop"), .relu("act0"),
      .conv2d("fc1", outChannels, attn, kernel: 1, groups: cardinality, bias: true),  // (N, attn, 1, 1)
      .batchNorm2d("bn1", attn), .relu("act1"),
      .conv2d("fc2", attn, mid, kernel: 1, groups: cardinality, bias: true),  // (N, R·C, 1, 1)
      Module("rsoftmax", kind: "RadixSoftmax", layer: .radixSoftmax(radix: radix, cardinality: cardinality)),
    ])
}

/// SplitAttn's attention width: make_divisible(in·radix·rd_ratio (0.25), 8, min 32).
func splitAttentionChannels(_ inChannels: Int, radix: Int) -> Int {
  makeDivisible(Double(inChannels * radix) * 0.25, divisor: 8, minimum: 32)
}
