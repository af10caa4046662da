// Li et al. 2019, "Selective Kernel Networks"; timm layers/selective_kernel.py and the seed's SKConv (bugs fixed).
import Graph

/// timm `ConvNormAct`: conv (padding k/2) → `BatchNormAct2d` (ReLU, or Identity when `act` is false).
func convNormAct(_ name: String, _ inChannels: Int, _ outChannels: Int, kernel: Int, stride: Int = 1, act: Bool = true)
  -> Module
{
  .container(
    name, kind: "ConvNormAct", layer: .sequential,
    [
      .conv2d("conv", inChannels, outChannels, kernel: kernel, stride: stride, padding: kernel / 2),
      .batchNormAct("bn", outChannels, act: act),
    ])
}

/// timm `SelectiveKernel` with `keep_3x3`: two 3×3 paths with dilation 1 and 2 (a 5×5 view), stride on both,
/// fused by `SelectiveKernelAttn` (mean → fc_reduce → BN → ReLU → fc_select → softmax over paths).
func selectiveKernel(
  _ name: String, _ inChannels: Int, _ outChannels: Int, stride: Int, groups: Int, attentionChannels: Int,
  splitInput: Bool
) -> Module {
  let branches = 2
  let pathInput = splitInput ? inChannels / branches : inChannels
  let paths = (1...branches).map { dilation in
    Module.container(
      "", kind: "ConvNormActAa", layer: .sequential,
      [
        .conv2d(
          "conv", pathInput, outChannels, kernel: 3, stride: stride, padding: dilation, dilation: dilation,
          groups: min(outChannels, groups)),
        .batchNormAct("bn", outChannels), .identity("aa"),
      ])
  }
  let attn = Module.container(
    "attn", kind: "SelectiveKernelAttn",
    layer: .selectiveKernelAttention(branches: branches, channels: outChannels),
    [
      .conv2d("fc_reduce", outChannels, attentionChannels, kernel: 1),  // (N, d, 1, 1)
      .batchNorm2d("bn", attentionChannels), .relu("act"),
      .conv2d("fc_select", attentionChannels, branches * outChannels, kernel: 1),  // (N, M·C, 1, 1)
    ])
  return .container(
    name, kind: "SelectiveKernel",
    layer: .selectiveKernel(SelectiveKernelConfig(branches: branches, channels: outChannels, splitInput: splitInput)),
    [.moduleList("paths", paths), attn])
}

/// The seed's `SKConv(features, M, G, r, stride, L)`: M grouped convs of kernel 3, 5, … (with bias) + BN + ReLU,
/// global pooling, `fc` C→d = max(C/r, L), one `fcs` Linear d→C per branch, softmax across branches.
func skConv(
  _ name: String, _ features: Int, branches: Int, groups: Int, ratio: Double, stride: Int, minimum: Int = 32
) -> Module {
  let d = max(Int(Double(features) / ratio), minimum)
  let convs = (0..<branches).map { i in
    Module.sequential(
      "",
      [
        .conv2d("", features, features, kernel: 3 + 2 * i, stride: stride, padding: 1 + i, groups: groups, bias: true),
        .batchNorm2d("", features), .relu(""),
      ])
  }
  return .container(
    name, kind: "SKConv",
    layer: .skConv(SKConvConfig(branches: branches, channels: features, attentionChannels: d)),
    [
      .moduleList("convs", convs), .adaptiveAvgPool2d("gap"), .linear("fc", features, d),
      .moduleList("fcs", (0..<branches).map { _ in .linear("", d, features) }),
      Module("softmax", kind: "Softmax", layer: .softmax(dim: 1)),
    ])
}
