// Hu et al. 2017, "Squeeze-and-Excitation Networks"; timm models/resnet.py (seresnet50) and the seed's SENet18
// (kuangliu/pytorch-cifar models/senet.py, PreActBlock) with global pooling.
import Graph

/// SE-ResNet-50 (timm: the ResNet skeleton with an SE bottleneck) and the seed's CIFAR SENet18.
enum SENet {
  /// timm `Bottleneck` with `attn_layer='se'`: torchvision's v1.5 bottleneck, SE after bn3, before the add.
  static let seBottleneck = ResidualBlock(expansion: 4) { inPlanes, planes, stride, downsample in
    let out = 4 * planes
    return residualBlock(
      "Bottleneck",
      [
        conv1x1("conv1", inPlanes, planes), .batchNorm2d("bn1", planes), .relu("act1"),
        conv3x3("conv2", planes, planes, stride: stride), .batchNorm2d("bn2", planes),
        .identity("drop_block"), .relu("act2"), .identity("aa"),
        conv1x1("conv3", planes, out), .batchNorm2d("bn3", out),
        squeezeExcite("se", out, reduced: makeDivisible(Double(out) / 16, divisor: 8)),
        .relu("act3"),
      ], body: ["conv1", "bn1", "act1", "conv2", "bn2", "drop_block", "act2", "aa", "conv3", "bn3", "se"],
      downsample: downsample, post: ["act3"])
  }

  /// kuangliu's PreActBlock: BN-ReLU first, SE on the residual branch (fc1/fc2 on the block), no ReLU after the add.
  static func preActBlock(_ inPlanes: Int, _ planes: Int, stride: Int) -> Module {
    let projected = stride != 1 || inPlanes != planes
    var children: [Module] = [
      .batchNorm2d("bn1", inPlanes), conv3x3("conv1", inPlanes, planes, stride: stride),
      .batchNorm2d("bn2", planes), conv3x3("conv2", planes, planes),
    ]
    if projected { children.append(.sequential("shortcut", [conv1x1("", inPlanes, planes, stride: stride)])) }
    children += [
      .conv2d("fc1", planes, planes / 16, kernel: 1, bias: true),
      .conv2d("fc2", planes / 16, planes, kernel: 1, bias: true),
    ]
    let residual = ResidualConfig(
      pre: [.module("bn1"), .relu],
      body: [
        .module("conv1"), .module("bn2"), .relu, .module("conv2"),
        .scale([.module("fc1"), .relu, .module("fc2"), .sigmoid]),
      ],
      shortcut: projected ? [.module("shortcut")] : [], shortcutFromPre: projected)
    return .container("", kind: "PreActBlock", layer: .residual(residual), children)
  }

  static func senet18(numClasses: Int = 10) -> Network {
    var children: [Module] = [conv3x3("conv1", 3, 64), .batchNorm2d("bn1", 64)]
    var steps = [Network.Step("stem", [.module("conv1"), .module("bn1"), .relu])]
    var inPlanes = 64
    for (stage, planes) in [64, 128, 256, 512].enumerated() {
      let name = "layer\(stage + 1)"
      var blocks: [Module] = []
      for index in 0..<2 {
        blocks.append(preActBlock(inPlanes, planes, stride: index == 0 && stage > 0 ? 2 : 1))
        inPlanes = planes
        steps.append(Network.Step("\(name).\(index)", [.module("\(name).\(index)")]))
      }
      children.append(.sequential(name, blocks))
    }
    children.append(.linear("linear", 512, numClasses))
    steps.append(Network.Step("head", [.globalAvgPool, .flatten, .module("linear")]))
    return Network(kind: "SENet", children: children, steps: steps)
  }

  static let zoo: [ZooModel] = [
    ZooModel(
      "senet18", family: .senet, inputSize: 32, numClasses: 10,
      note: "the seed's SENet18 (kuangliu PreAct SE net) with global average pooling"
    ) { senet18() },
    ZooModel("seresnet50", family: .senet, note: "timm seresnet50: ResNet-50 v1.5 with SE (r=16) after bn3") {
      ResNetSkeleton(block: seBottleneck, layers: [3, 4, 6, 3], style: .timm).build()
    },
  ]
}
