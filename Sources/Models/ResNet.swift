// He et al. 2015, "Deep Residual Learning"; structure and keys of torchvision models/resnet.py (v1.5: stride on the 3×3).

/// torchvision ResNet: BasicBlock (18, 34) and Bottleneck (50, 101, 152).
enum ResNet {
  /// Two 3×3 convs; the first carries the stride.
  static let basicBlock = ResidualBlock(expansion: 1) { inPlanes, planes, stride, downsample in
    residualBlock(
      "BasicBlock",
      [
        conv3x3("conv1", inPlanes, planes, stride: stride), .batchNorm2d("bn1", planes), .relu("relu"),
        conv3x3("conv2", planes, planes), .batchNorm2d("bn2", planes),
      ], body: ["conv1", "bn1", "relu", "conv2", "bn2"], downsample: downsample, post: ["relu"])
  }

  /// 1×1 reduce, 3×3 with the stride (v1.5), 1×1 expand to 4·planes.
  static let bottleneck = ResidualBlock(expansion: 4) { inPlanes, planes, stride, downsample in
    residualBlock(
      "Bottleneck",
      [
        conv1x1("conv1", inPlanes, planes), .batchNorm2d("bn1", planes),  // (N, planes, H, W)
        conv3x3("conv2", planes, planes, stride: stride), .batchNorm2d("bn2", planes),  // (N, planes, H/s, W/s)
        conv1x1("conv3", planes, 4 * planes), .batchNorm2d("bn3", 4 * planes),  // (N, 4·planes, H/s, W/s)
        .relu("relu"),
      ], body: ["conv1", "bn1", "relu", "conv2", "bn2", "relu", "conv3", "bn3"], downsample: downsample, post: ["relu"])
  }

  static let zoo: [ZooModel] = [
    model("resnet18", basicBlock, [2, 2, 2, 2]),
    model("resnet34", basicBlock, [3, 4, 6, 3]),
    model("resnet50", bottleneck, [3, 4, 6, 3]),
    model("resnet101", bottleneck, [3, 4, 23, 3]),
    model("resnet152", bottleneck, [3, 8, 36, 3]),
  ]

  private static func model(_ name: String, _ block: ResidualBlock, _ layers: [Int]) -> ZooModel {
    let blockName = block.expansion == 1 ? "BasicBlock" : "Bottleneck"
    return ZooModel(name, family: .resnet, note: "torchvision \(name): \(blockName) × \(layers)") {
      ResNetSkeleton(block: block, layers: layers).build()
    }
  }
}
