// Huang et al. 2016, "Densely Connected Convolutional Networks"; structure and keys of torchvision models/densenet.py.
import Graph

/// torchvision DenseNet-BC (bottleneck layers, compression 0.5) and the seed's CIFAR DenseNet-BC-100.
enum DenseNet {
  /// A variant as data: growth rate k, layers per block, stem width, stem type.
  struct Config: Sendable {
    var growthRate: Int
    var blocks: [Int]
    var initFeatures: Int
    var bnSize = 4
    /// The seed's CIFAR stem: one 3×3 conv (`features.conv0`), no norm0/relu0/pool0.
    var cifarStem = false
    var numClasses = 1000
  }

  /// torchvision `DenseNet(growth_rate=, block_config=, num_init_features=, bn_size=, num_classes=)`.
  static let recipe = Recipe<Config>(
    keys: [
      Key("growth_rate", .integer(minimum: 1), "k: channels each dense layer adds", \.growthRate),
      Key("block_config", .integers(count: nil), "dense layers per block (4 blocks in torchvision's)", \.blocks),
      Key("num_init_features", .integer(minimum: 1), "channels of the stem conv", \.initFeatures),
      Key("bn_size", .integer(minimum: 1), "bottleneck width factor: the 1×1 conv gives bn_size·k channels", \.bnSize),
      Key("num_classes", .integer(minimum: 1), "classifier outputs", \.numClasses),
    ],
    validate: { _, _ throws(VariantError) in }, build: build)

  /// The seed's DenseNet-BC-100 as a constructor of (growth_rate, block_config, num_classes): its stem has
  /// 2·growth_rate channels (Huang et al.'s BC setting; 24 for k = 12), as scripts/seed_nets.py builds it.
  static let cifarRecipe = Recipe<Config>(
    keys: [
      Key(
        "growth_rate", .integer(minimum: 1), "k: channels each dense layer adds (the stem has 2k)",
        get: { .integer($0.growthRate) }
      ) {
        $0.growthRate = $1.int
        $0.initFeatures = 2 * $1.int
      },
      Key("block_config", .integers(count: nil), "dense layers per block (3 blocks in the seed's)", \.blocks),
      Key("num_classes", .integer(minimum: 1), "classifier outputs", \.numClasses),
    ],
    validate: { _, _ throws(VariantError) in }, build: build)

  static let zoo: [ZooModel] = [
    model("densenet121", Config(growthRate: 32, blocks: [6, 12, 24, 16], initFeatures: 64)),
    model("densenet161", Config(growthRate: 48, blocks: [6, 12, 36, 24], initFeatures: 96)),
    model("densenet169", Config(growthRate: 32, blocks: [6, 12, 32, 32], initFeatures: 64)),
    model("densenet201", Config(growthRate: 32, blocks: [6, 12, 48, 32], initFeatures: 64)),
    ZooModel(
      "densenet_bc_100", family: .densenet, inputSize: 32, numClasses: 10,
      note: "the seed's DenseNet-BC-100 (k=12, 3 blocks of 16) with torchvision's names and a 3×3 CIFAR stem",
      config: Config(growthRate: 12, blocks: [16, 16, 16], initFeatures: 24, cifarStem: true, numClasses: 10),
      recipe: cifarRecipe),
  ]

  private static func model(_ name: String, _ config: Config) -> ZooModel {
    ZooModel(
      name, family: .densenet, note: "torchvision \(name): k=\(config.growthRate), blocks \(config.blocks)",
      config: config, recipe: recipe)
  }

  @Sendable
  static func build(_ c: Config) -> Network {
    var features: [Module]
    var steps: [Network.Step]
    if c.cifarStem {
      features = [conv3x3("conv0", 3, c.initFeatures)]
      steps = [Network.Step("stem", [.module("features.conv0")])]
    } else {
      features = [
        .conv2d("conv0", 3, c.initFeatures, kernel: 7, stride: 2, padding: 3), .batchNorm2d("norm0", c.initFeatures),
        .relu("relu0"), .maxPool2d("pool0", kernel: 3, stride: 2, padding: 1),
      ]
      steps = [Network.Step("stem", ["conv0", "norm0", "relu0", "pool0"].map { .module("features." + $0) })]
    }

    var channels = c.initFeatures
    for (b, count) in c.blocks.enumerated() {
      let block = "denseblock\(b + 1)"
      var layers: [Module] = []
      for l in 0..<count {
        let layer = "denselayer\(l + 1)"
        layers.append(denseLayer(layer, channels + l * c.growthRate, growthRate: c.growthRate, bnSize: c.bnSize))
        steps.append(Network.Step("features.\(block).\(layer)", [.dense("features.\(block).\(layer)")]))
      }
      features.append(.container(block, kind: "_DenseBlock", layer: .denseBlock, layers))
      channels += count * c.growthRate
      if b < c.blocks.count - 1 {
        let name = "transition\(b + 1)"
        features.append(transition(name, channels, channels / 2))
        steps.append(Network.Step("features.\(name)", [.module("features.\(name)")]))
        channels /= 2
      }
    }
    features.append(.batchNorm2d("norm5", channels))
    steps.append(
      Network.Step("head", [.module("features.norm5"), .relu, .globalAvgPool, .flatten, .module("classifier")]))

    let children: [Module] = [
      .container("features", kind: "Sequential", layer: .sequential, features),
      .linear("classifier", channels, c.numClasses),
    ]
    return Network(kind: "DenseNet", children: children, steps: steps)
  }

  /// BN-ReLU-1×1 conv to bnSize·k, BN-ReLU-3×3 conv to k; its input is the block's concatenation so far.
  static func denseLayer(_ name: String, _ inChannels: Int, growthRate k: Int, bnSize: Int) -> Module {
    .container(
      name, kind: "_DenseLayer", layer: .sequential,
      [
        .batchNorm2d("norm1", inChannels), .relu("relu1"),
        conv1x1("conv1", inChannels, bnSize * k),  // (N, 4k, H, W)
        .batchNorm2d("norm2", bnSize * k), .relu("relu2"),
        conv3x3("conv2", bnSize * k, k),  // (N, k, H, W)
      ])
  }

  /// BN-ReLU-1×1 conv halving the channels, then 2×2 average pooling halving the resolution.
  static func transition(_ name: String, _ inChannels: Int, _ outChannels: Int) -> Module {
    .container(
      name, kind: "_Transition", layer: .sequential,
      [
        .batchNorm2d("norm", inChannels), .relu("relu"), conv1x1("conv", inChannels, outChannels),
        .avgPool2d("pool", kernel: 2, stride: 2),
      ])
  }
}
