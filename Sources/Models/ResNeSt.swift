// Zhang et al. 2020, "ResNeSt: Split-Attention Networks"; timm models/resnest.py (ResNestBottleneck on timm's ResNet).
import Graph

/// ResNeSt: the ResNet skeleton with a deep stem, average-pool downsampling and split-attention bottlenecks.
enum ResNeSt {
  /// timm `ResNet(block=ResNestBottleneck, block_args=dict(radix=, avd=, avd_first=))`.
  struct Config: TimmConfig {
    var resnet: TimmResNet
    var radix = 2
    var avd = true
    var avdFirst = false
  }

  /// timm `ResNestBottleneck`: 1×1 to the group width ⌊planes·base_width/64⌋·cardinality, split attention (radix ≥ 1)
  /// or a plain grouped 3×3 + BN + ReLU (radix 0), 1×1 to 4·planes. With `avd`, a block that downsamples moves its
  /// stride to a 3×3 average pool before (`avd_first`) or after (`avd_last`) the 3×3.
  static func bottleneck(_ c: Config) -> ResidualBlock {
    ResidualBlock(expansion: 4) { inPlanes, planes, stride, downsample in
      let width = c.resnet.width(planes)
      let avdStride = c.avd && stride > 1 ? stride : 0
      let convStride = avdStride > 0 ? 1 : stride
      var children: [Module] = [conv1x1("conv1", inPlanes, width), .batchNorm2d("bn1", width), .relu("act1")]
      var body = ["conv1", "bn1", "act1"]
      if avdStride > 0 && c.avdFirst {
        children.append(.avgPool2d("avd_first", kernel: 3, stride: avdStride, padding: 1))  // (N, width, H/s, W/s)
        body.append("avd_first")
      }
      if c.radix >= 1 {
        children += [
          splitAttention(
            "conv2", width, width, stride: convStride, cardinality: c.resnet.cardinality, radix: c.radix),
          .identity("bn2"), .identity("drop_block"), .identity("act2"),
        ]
      } else {
        children += [
          conv3x3("conv2", width, width, stride: convStride, groups: c.resnet.cardinality), .batchNorm2d("bn2", width),
          .identity("drop_block"), .relu("act2"),
        ]
      }
      body += ["conv2", "bn2", "drop_block", "act2"]
      if avdStride > 0 && !c.avdFirst {
        children.append(.avgPool2d("avd_last", kernel: 3, stride: avdStride, padding: 1))  // (N, width, H/s, W/s)
        body.append("avd_last")
      }
      children += [conv1x1("conv3", width, 4 * planes), .batchNorm2d("bn3", 4 * planes), .relu("act3")]
      body += ["conv3", "bn3"]
      return residualBlock("ResNestBottleneck", children, body: body, downsample: downsample, post: ["act3"])
    }
  }

  static let recipe = Recipe<Config>(
    keys: TimmResNet.keys() + [
      Key(
        "radix", .integer(minimum: 0), "split-attention splits; 1 gates with a sigmoid, 0 is a plain 3×3 conv", \.radix),
      Key("avd", .boolean, "downsampling blocks move the stride to a 3×3 average pool", \.avd),
      Key("avd_first", .boolean, "that pool goes before the 3×3 conv instead of after", \.avdFirst),
    ],
    validate: { c, model throws(VariantError) in
      try c.resnet.validate(model)
      let k = c.resnet.cardinality
      let settings = "cardinality=\(k) base_width=\(c.resnet.baseWidth) radix=\(c.radix)"
      for planes in c.resnet.stagePlanes where c.radix >= 1 {
        let width = c.resnet.width(planes)
        if width % (k * c.radix) != 0 {
          throw .rule(
            model, settings,
            "SplitAttn's conv has \(width) input channels (planes \(planes)), not divisible by its groups "
              + "cardinality·radix = \(k * c.radix) (PyTorch: in_channels must be divisible by groups)")
        }
        let attention = splitAttentionChannels(width, radix: c.radix)
        if attention % k != 0 {
          throw .rule(
            model, settings,
            "SplitAttn's fc1 has \(attention) output channels (planes \(planes)), not divisible by groups "
              + "cardinality = \(k) (PyTorch: out_channels must be divisible by groups)")
        }
      }
    },
    build: { c in c.resnet.skeleton(bottleneck(c)).build() })

  private static let deep32 = Config(
    resnet: TimmResNet(layers: [], stemWidth: 32, stemType: .deep, avgDown: true))
  private static let resnest101e = Config(
    resnet: TimmResNet(layers: [3, 4, 23, 3], stemWidth: 64, stemType: .deep, avgDown: true))
  private static let resnest101eModel = model("resnest101e", resnest101e)

  static let zoo: [ZooModel] = [
    model("resnest14d", layers([1, 1, 1, 1], deep32)),
    model("resnest26d", layers([2, 2, 2, 2], deep32)),
    model("resnest50d", layers([3, 4, 6, 3], deep32)),
    resnest101eModel,
  ]

  /// timm's ResNeSt-200 and -269: resnest101e with more blocks.
  static let presets: [ZooModel] = [
    resnest101eModel.preset(
      "resnest200e", ["layers": "3,24,36,3"], config: resnest101e, recipe: recipe,
      note: "timm resnest200e: resnest101e with layers=3,24,36,3"),
    resnest101eModel.preset(
      "resnest269e", ["layers": "3,30,48,8"], config: resnest101e, recipe: recipe,
      note: "timm resnest269e: resnest101e with layers=3,30,48,8"),
  ]

  private static func layers(_ layers: [Int], _ config: Config) -> Config {
    var config = config
    config.resnet.layers = layers
    return config
  }

  private static func model(_ name: String, _ config: Config) -> ZooModel {
    ZooModel(
      name, family: .resnest,
      note: "timm \(name): radix 2, blocks \(config.resnet.layers), deep stem width \(config.resnet.stemWidth)",
      config: config, recipe: recipe)
  }
}
