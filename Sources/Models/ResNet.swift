// He et al. 2015, "Deep Residual Learning"; structure and keys of torchvision models/resnet.py (v1.5: stride on the 3×3).
// ResNeXt (Xie et al. 2016) and Wide ResNet (Zagoruyko & Komodakis 2016) are its `groups` / `width_per_group`.

/// torchvision ResNet: BasicBlock (18, 34) and Bottleneck (50, 101, 152), and its ResNeXt / wide presets.
enum ResNet {
  /// torchvision `ResNet(block, layers, num_classes=, groups=, width_per_group=)` as data.
  struct Config: Sendable {
    enum Block: String, Sendable, CaseIterable { case basic, bottleneck }
    var block: Block
    var layers: [Int]
    var groups = 1
    var widthPerGroup = 64
    var numClasses = 1000
  }

  /// Two 3×3 convs; the first carries the stride.
  static let basicBlock = ResidualBlock(expansion: 1) { inPlanes, planes, stride, downsample in
    residualBlock(
      "BasicBlock",
      [
        conv3x3("conv1", inPlanes, planes, stride: stride), .batchNorm2d("bn1", planes), .relu("relu"),
        conv3x3("conv2", planes, planes), .batchNorm2d("bn2", planes),
      ], body: ["conv1", "bn1", "relu", "conv2", "bn2"], downsample: downsample, post: ["relu"])
  }

  /// 1×1 reduce to width = ⌊planes·width_per_group/64⌋·groups, grouped 3×3 with the stride (v1.5), 1×1 expand.
  static func bottleneck(groups: Int = 1, widthPerGroup: Int = 64) -> ResidualBlock {
    ResidualBlock(expansion: 4) { inPlanes, planes, stride, downsample in
      let width = planes * widthPerGroup / 64 * groups
      return residualBlock(
        "Bottleneck",
        [
          conv1x1("conv1", inPlanes, width), .batchNorm2d("bn1", width),  // (N, width, H, W)
          // (N, width, H/s, W/s)
          conv3x3("conv2", width, width, stride: stride, groups: groups), .batchNorm2d("bn2", width),
          conv1x1("conv3", width, 4 * planes), .batchNorm2d("bn3", 4 * planes),  // (N, 4·planes, H/s, W/s)
          .relu("relu"),
        ], body: ["conv1", "bn1", "relu", "conv2", "bn2", "relu", "conv3", "bn3"], downsample: downsample,
        post: ["relu"])
    }
  }

  static let recipe = Recipe<Config>(
    keys: [
      Key("layers", .integers(count: 4), "blocks per stage (4 stages)", \.layers),
      Key(
        "block", .choice(Config.Block.allCases.map(\.rawValue)), "BasicBlock (two 3×3) or Bottleneck (1×1-3×3-1×1)",
        \.block),
      Key("groups", .integer(minimum: 1), "groups of the bottleneck's 3×3 conv (ResNeXt cardinality)", \.groups),
      Key(
        "width_per_group", .integer(minimum: 1), "bottleneck width per group; width = ⌊planes·w/64⌋·groups",
        \.widthPerGroup),
      Key("num_classes", .integer(minimum: 1), "classifier outputs", \.numClasses),
    ],
    validate: { c, model throws(VariantError) in
      if c.block == .basic && (c.groups != 1 || c.widthPerGroup != 64) {
        throw .rule(
          model, "block=basic groups=\(c.groups) width_per_group=\(c.widthPerGroup)",
          "BasicBlock only supports groups=1 and width_per_group=64 (torchvision)")
      }
    },
    build: { c in
      let block = c.block == .basic ? basicBlock : bottleneck(groups: c.groups, widthPerGroup: c.widthPerGroup)
      return ResNetSkeleton(block: block, layers: c.layers, numClasses: c.numClasses).build()
    })

  private static let resnet50 = Config(block: .bottleneck, layers: [3, 4, 6, 3])
  private static let resnet101 = Config(block: .bottleneck, layers: [3, 4, 23, 3])

  static let zoo: [ZooModel] = [
    model("resnet18", Config(block: .basic, layers: [2, 2, 2, 2])),
    model("resnet34", Config(block: .basic, layers: [3, 4, 6, 3])),
    model("resnet50", resnet50),
    model("resnet101", resnet101),
    model("resnet152", Config(block: .bottleneck, layers: [3, 8, 36, 3])),
  ]

  /// torchvision's ResNeXt and wide ResNets: `groups` and `width_per_group` on ResNet-50 / 101.
  static let presets: [ZooModel] = [
    preset("resnext50_32x4d", of: "resnet50", resnet50, ["groups": "32", "width_per_group": "4"]),
    preset("resnext101_32x8d", of: "resnet101", resnet101, ["groups": "32", "width_per_group": "8"]),
    preset("resnext101_64x4d", of: "resnet101", resnet101, ["groups": "64", "width_per_group": "4"]),
    preset("wide_resnet50_2", of: "resnet50", resnet50, ["width_per_group": "128"]),
    preset("wide_resnet101_2", of: "resnet101", resnet101, ["width_per_group": "128"]),
  ]

  private static func model(_ name: String, _ config: Config) -> ZooModel {
    let blockName = config.block == .basic ? "BasicBlock" : "Bottleneck"
    return ZooModel(
      name, family: .resnet, note: "torchvision \(name): \(blockName) × \(config.layers)", config: config,
      recipe: recipe)
  }

  private static func preset(
    _ name: String, of base: String, _ config: Config, _ settings: KeyValuePairs<String, String>
  ) -> ZooModel {
    let text = settings.map { "\($0)=\($1)" }.joined(separator: " ")
    return model(base, config).preset(
      name, settings, config: config, recipe: recipe, note: "torchvision \(name): \(base) with \(text)")
  }
}
