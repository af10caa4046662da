// Li et al. 2019, "Selective Kernel Networks"; timm models/sknet.py (skresnet18/34, skresnext50_32x4d = SKNet-50)
// and the seed's CIFAR SKNet (bugs fixed: global pooling, no batch squeeze).
import Graph

/// SK-ResNets on the ResNet skeleton, and the seed's CIFAR SKNet.
enum SKNet {
  /// timm `SelectiveKernelBasic`: conv1 = SK (split input, r=1/8, divisor 16), conv2 = 3×3 ConvNormAct without act.
  static let basic = ResidualBlock(expansion: 1) { inPlanes, planes, stride, downsample in
    residualBlock(
      "SelectiveKernelBasic",
      [
        selectiveKernel(
          "conv1", inPlanes, planes, stride: stride, groups: 1,
          attentionChannels: makeDivisible(Double(planes) / 8, divisor: 16), splitInput: true),
        convNormAct("conv2", planes, planes, kernel: 3, act: false),
        .relu("act"),
      ], body: ["conv1", "conv2"], downsample: downsample, post: ["act"])
  }

  /// timm `SelectiveKernelBottleneck`, ResNeXt 32×4d widths: 1×1 → SK (groups 32, r=1/16, divisor 32) → 1×1.
  static let bottleneck = ResidualBlock(expansion: 4) { inPlanes, planes, stride, downsample in
    let width = planes * 4 / 64 * 32
    return residualBlock(
      "SelectiveKernelBottleneck",
      [
        convNormAct("conv1", inPlanes, width, kernel: 1),
        selectiveKernel(
          "conv2", width, width, stride: stride, groups: 32,
          attentionChannels: makeDivisible(Double(width) / 16, divisor: 32), splitInput: false),
        convNormAct("conv3", width, 4 * planes, kernel: 1, act: false),
        .relu("act"),
      ], body: ["conv1", "conv2", "conv3"], downsample: downsample, post: ["act"])
  }

  /// The seed's `SKUnit`: 1×1 (bias) → BN → SKConv → BN → 1×1 (bias) → BN, plus a projection or identity shortcut.
  static func skUnit(_ inFeatures: Int, _ outFeatures: Int, stride: Int) -> Module {
    let mid = outFeatures / 2
    let feas = Module.sequential(
      "feas",
      [
        .conv2d("", inFeatures, mid, kernel: 1, bias: true), .batchNorm2d("", mid),
        skConv("", mid, branches: 2, groups: 8, ratio: 2, stride: stride), .batchNorm2d("", mid),
        .conv2d("", mid, outFeatures, kernel: 1, bias: true), .batchNorm2d("", outFeatures),
      ])
    let shortcut = Module.sequential(
      "shortcut",
      inFeatures == outFeatures
        ? []
        : [
          .conv2d("", inFeatures, outFeatures, kernel: 1, stride: stride, bias: true), .batchNorm2d("", outFeatures),
        ])
    return .container(
      "", kind: "SKUnit",
      layer: .residual(ResidualConfig(body: [.module("feas")], shortcut: [.module("shortcut")])), [feas, shortcut])
  }

  static func sknetCIFAR(numClasses: Int = 10) -> Network {
    var children: [Module] = [
      .sequential("basic_conv", [.conv2d("", 3, 64, kernel: 3, padding: 1, bias: true), .batchNorm2d("", 64)])
    ]
    var steps = [Network.Step("stem", [.module("basic_conv")])]
    var inFeatures = 64
    for (stage, outFeatures) in [256, 512, 1024].enumerated() {
      let name = "stage_\(stage + 1)"
      var units: [Module] = []
      for index in 0..<3 {
        units += [skUnit(inFeatures, outFeatures, stride: index == 0 ? 2 : 1), .relu("")]
        inFeatures = outFeatures
        steps.append(
          Network.Step("\(name).\(2 * index)", [.module("\(name).\(2 * index)"), .module("\(name).\(2 * index + 1)")]))
      }
      children.append(.sequential(name, units))
    }
    children += [.adaptiveAvgPool2d("pool"), .sequential("classifier", [.linear("", 1024, numClasses)])]
    steps.append(Network.Step("head", [.module("pool"), .flatten, .module("classifier")]))
    return Network(kind: "SKNet", children: children, steps: steps)
  }

  static let zoo: [ZooModel] = [
    ZooModel(
      "sknet_cifar", family: .sknet, inputSize: 32, numClasses: 10,
      note: "the seed's CIFAR SKNet (M=2 branches 3×3/5×5, G=8, r=2, L=32) with global pooling"
    ) { sknetCIFAR() },
    ZooModel("skresnet18", family: .sknet, note: "timm skresnet18: SelectiveKernelBasic × [2, 2, 2, 2]") {
      ResNetSkeleton(block: basic, layers: [2, 2, 2, 2], style: .timm).build()
    },
    ZooModel("skresnet34", family: .sknet, note: "timm skresnet34: SelectiveKernelBasic × [3, 4, 6, 3]") {
      ResNetSkeleton(block: basic, layers: [3, 4, 6, 3], style: .timm).build()
    },
    ZooModel(
      "skresnext50_32x4d", family: .sknet, note: "timm skresnext50_32x4d = SKNet-50: ResNeXt-50 32×4d with SK convs"
    ) {
      ResNetSkeleton(block: bottleneck, layers: [3, 4, 6, 3], style: .timm).build()
    },
  ]
}
