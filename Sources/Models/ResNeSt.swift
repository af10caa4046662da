// Zhang et al. 2020, "ResNeSt: Split-Attention Networks"; timm models/resnest.py (ResNestBottleneck on timm's ResNet).
import Graph

/// ResNeSt: the ResNet skeleton with a deep stem, average-pool downsampling and split-attention bottlenecks.
enum ResNeSt {
  /// timm `ResNestBottleneck` (radix 2, cardinality 1, base width 64): the stride moves to an average pool after the
  /// split-attention conv (`avd_last`), only in blocks that downsample.
  static let bottleneck = ResidualBlock(expansion: 4) { inPlanes, planes, stride, downsample in
    let avd = stride > 1
    var children: [Module] = [
      conv1x1("conv1", inPlanes, planes), .batchNorm2d("bn1", planes), .relu("act1"),
      splitAttention("conv2", planes, planes, stride: 1),  // (N, planes, H, W)
      .identity("bn2"), .identity("drop_block"), .identity("act2"),
    ]
    var body = ["conv1", "bn1", "act1", "conv2", "bn2", "drop_block", "act2"]
    if avd {
      children.append(.avgPool2d("avd_last", kernel: 3, stride: stride, padding: 1))  // (N, planes, H/s, W/s)
      body.append("avd_last")
    }
    children += [conv1x1("conv3", planes, 4 * planes), .batchNorm2d("bn3", 4 * planes), .relu("act3")]
    body += ["conv3", "bn3"]
    return residualBlock("ResNestBottleneck", children, body: body, downsample: downsample, post: ["act3"])
  }

  static let zoo: [ZooModel] = [
    model("resnest14d", [1, 1, 1, 1], stemWidth: 32),
    model("resnest26d", [2, 2, 2, 2], stemWidth: 32),
    model("resnest50d", [3, 4, 6, 3], stemWidth: 32),
    model("resnest101e", [3, 4, 23, 3], stemWidth: 64),
  ]

  private static func model(_ name: String, _ layers: [Int], stemWidth: Int) -> ZooModel {
    ZooModel(name, family: .resnest, note: "timm \(name): radix 2, blocks \(layers), deep stem width \(stemWidth)") {
      ResNetSkeleton(block: bottleneck, layers: layers, style: .timm, deepStemWidth: stemWidth, avgDown: true).build()
    }
  }
}
