// Hu et al. 2017, "Squeeze-and-Excitation Networks"; timm models/resnet.py (seresnet50) and the seed's SENet18
// (kuangliu/pytorch-cifar models/senet.py, PreActBlock) with global pooling.
import Graph

/// SE-ResNet-50 (timm: the ResNet skeleton with an SE bottleneck) and the seed's CIFAR SENet18.
enum SENet {
  /// timm `ResNet(block=Bottleneck, block_args=dict(attn_layer='se'))` plus SEModule's `rd_ratio`.
  struct Config: TimmConfig {
    var resnet: TimmResNet
    var seRatio = 1.0 / 16
  }

  /// timm `Bottleneck` with `attn_layer='se'`: torchvision's v1.5 bottleneck (grouped 3×3 of width
  /// ⌊planes·base_width/64⌋·cardinality), SE after bn3, before the add.
  static func seBottleneck(cardinality: Int = 1, baseWidth: Int = 64, seRatio: Double = 1.0 / 16) -> ResidualBlock {
    ResidualBlock(expansion: 4) { inPlanes, planes, stride, downsample in
      let width = planes * baseWidth / 64 * cardinality
      let out = 4 * planes
      return residualBlock(
        "Bottleneck",
        [
          conv1x1("conv1", inPlanes, width), .batchNorm2d("bn1", width), .relu("act1"),
          conv3x3("conv2", width, width, stride: stride, groups: cardinality), .batchNorm2d("bn2", width),
          .identity("drop_block"), .relu("act2"), .identity("aa"),
          conv1x1("conv3", width, out), .batchNorm2d("bn3", out),
          squeezeExcite("se", out, reduced: makeDivisible(Double(out) * seRatio, divisor: 8, roundLimit: 0)),
          .relu("act3"),
        ], body: ["conv1", "bn1", "act1", "conv2", "bn2", "drop_block", "act2", "aa", "conv3", "bn3", "se"],
        downsample: downsample, post: ["act3"])
    }
  }

  static let recipe = Recipe<Config>(
    keys: TimmResNet.keys() + [
      Key("se_rd_ratio", .ratio, "SEModule rd_ratio: the squeeze has make_divisible(C·r, 8) channels", \.seRatio)
    ],
    validate: { c, model throws(VariantError) in try c.resnet.validate(model) },
    build: { c in
      c.resnet.skeleton(
        seBottleneck(cardinality: c.resnet.cardinality, baseWidth: c.resnet.baseWidth, seRatio: c.seRatio)
      ).build()
    })

  /// The seed's `SENet(layers, num_classes)`: blocks per stage and classes.
  struct SeedConfig: Sendable {
    var layers = [2, 2, 2, 2]
    var numClasses = 10
  }

  static let seedRecipe = Recipe<SeedConfig>(
    keys: [
      Key("layers", .integers(count: 4), "PreActBlocks per stage (4 stages)", \.layers),
      Key("num_classes", .integer(minimum: 1), "classifier outputs", \.numClasses),
    ],
    validate: { _, _ throws(VariantError) in }, build: { c in senet18(layers: c.layers, numClasses: c.numClasses) })

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

  static func senet18(layers: [Int] = [2, 2, 2, 2], numClasses: Int = 10) -> Network {
    var children: [Module] = [conv3x3("conv1", 3, 64), .batchNorm2d("bn1", 64)]
    var steps = [Network.Step("stem", [.module("conv1"), .module("bn1"), .relu])]
    var inPlanes = 64
    for (stage, (planes, count)) in zip([64, 128, 256, 512], layers).enumerated() {
      let name = "layer\(stage + 1)"
      var blocks: [Module] = []
      for index in 0..<count {
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

  private static let seresnet50 = Config(resnet: TimmResNet(layers: [3, 4, 6, 3]))

  static let zoo: [ZooModel] = [
    ZooModel(
      "senet18", family: .senet, inputSize: 32, numClasses: 10,
      note: "the seed's SENet18 (kuangliu PreAct SE net) with global average pooling", config: SeedConfig(),
      recipe: seedRecipe),
    seresnet50Model,
  ]

  private static let seresnet50Model = ZooModel(
    "seresnet50", family: .senet, note: "timm seresnet50: ResNet-50 v1.5 with SE (r=16) after bn3", config: seresnet50,
    recipe: recipe)

  /// timm's SE-ResNeXts and deeper SE-ResNets: seresnet50 with other `layers`, `cardinality`, `base_width`.
  static let presets: [ZooModel] = [
    preset("seresnext50_32x4d", ["cardinality": "32", "base_width": "4"]),
    preset("seresnext101_32x4d", ["layers": "3,4,23,3", "cardinality": "32", "base_width": "4"]),
    preset("seresnet101", ["layers": "3,4,23,3"]),
    preset("seresnet152", ["layers": "3,8,36,3"]),
  ]

  private static func preset(_ name: String, _ settings: KeyValuePairs<String, String>) -> ZooModel {
    let text = settings.map { "\($0)=\($1)" }.joined(separator: " ")
    return seresnet50Model.preset(
      name, settings, config: seresnet50, recipe: recipe, note: "timm \(name): seresnet50 with \(text)")
  }
}
