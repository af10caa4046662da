// Li et al. 2019, "Selective Kernel Networks"; timm models/sknet.py (skresnet18/34, skresnext50_32x4d = SKNet-50)
// and the seed's CIFAR SKNet (bugs fixed: global pooling, no batch squeeze).
import Graph

/// SK-ResNets on the ResNet skeleton, and the seed's CIFAR SKNet.
enum SKNet {
  /// timm `ResNet(block=SelectiveKernelBasic|Bottleneck, block_args=dict(sk_kwargs=…))`: the block is the base's.
  struct Config: TimmConfig {
    var resnet: TimmResNet
    var bottleneck: Bool
    /// SelectiveKernel `rd_ratio`, `rd_divisor`, `split_input`.
    var rdRatio = 1.0 / 16
    var rdDivisor = 8
    var splitInput = true
  }

  /// timm `SelectiveKernelBasic`: conv1 = SK (stride on both paths), conv2 = 3×3 ConvNormAct without act.
  static func basic(_ c: Config) -> ResidualBlock {
    ResidualBlock(expansion: 1) { inPlanes, planes, stride, downsample in
      residualBlock(
        "SelectiveKernelBasic",
        [
          selectiveKernel(
            "conv1", inPlanes, planes, stride: stride, groups: 1,
            attentionChannels: makeDivisible(Double(planes) * c.rdRatio, divisor: c.rdDivisor),
            splitInput: c.splitInput),
          convNormAct("conv2", planes, planes, kernel: 3, act: false),
          .relu("act"),
        ], body: ["conv1", "conv2"], downsample: downsample, post: ["act"])
    }
  }

  /// timm `SelectiveKernelBottleneck`: 1×1 → SK of width ⌊planes·base_width/64⌋·cardinality (groups cardinality)
  /// → 1×1 to 4·planes.
  static func bottleneck(_ c: Config) -> ResidualBlock {
    ResidualBlock(expansion: 4) { inPlanes, planes, stride, downsample in
      let width = c.resnet.width(planes)
      return residualBlock(
        "SelectiveKernelBottleneck",
        [
          convNormAct("conv1", inPlanes, width, kernel: 1),
          selectiveKernel(
            "conv2", width, width, stride: stride, groups: c.resnet.cardinality,
            attentionChannels: makeDivisible(Double(width) * c.rdRatio, divisor: c.rdDivisor),
            splitInput: c.splitInput),
          convNormAct("conv3", width, 4 * planes, kernel: 1, act: false),
          .relu("act"),
        ], body: ["conv1", "conv2", "conv3"], downsample: downsample, post: ["act"])
    }
  }

  static let recipe = Recipe<Config>(
    keys: TimmResNet.keys() + [
      Key(
        "sk_rd_ratio", .ratio, "SelectiveKernel rd_ratio: attention width make_divisible(C·r, sk_rd_divisor)", \.rdRatio
      ),
      Key("sk_rd_divisor", .integer(minimum: 1), "SelectiveKernel rd_divisor", \.rdDivisor),
      Key("sk_split_input", .boolean, "each path sees half of the input channels", \.splitInput),
    ],
    validate: { c, model throws(VariantError) in
      try c.resnet.validate(model)
      guard c.bottleneck else { return try c.resnet.validateBasicBlock(model, block: "SelectiveKernelBasic") }
      for planes in c.resnet.stagePlanes {
        let width = c.resnet.width(planes)
        let settings = "cardinality=\(c.resnet.cardinality) base_width=\(c.resnet.baseWidth)"
        if c.splitInput && width % 2 != 0 {
          throw .rule(
            model, settings + " sk_split_input=true",
            "width \(width) (planes \(planes)) does not split into 2 paths (timm asserts in_channels % num_paths == 0)")
        }
        let pathInput = c.splitInput ? width / 2 : width
        if pathInput % c.resnet.cardinality != 0 {
          throw .rule(
            model, settings + " sk_split_input=\(c.splitInput)",
            "a path conv's \(pathInput) input channels (planes \(planes)) are not divisible by groups "
              + "\(c.resnet.cardinality) (PyTorch: in_channels must be divisible by groups)")
        }
      }
    },
    build: { c in c.resnet.skeleton(c.bottleneck ? bottleneck(c) : basic(c)).build() })

  /// The seed's `SKNet(layers, M, G, r, L, num_classes)`: units per stage and the SKConv's hyper-parameters.
  struct SeedConfig: Sendable {
    var layers = [3, 3, 3]
    var branches = 2
    var groups = 8
    var ratio = 2.0
    var minimum = 32
    var numClasses = 10
  }

  static let seedRecipe = Recipe<SeedConfig>(
    keys: [
      Key("layers", .integers(count: 3), "SKUnits per stage (3 stages)", \.layers),
      Key("M", .integer(minimum: 1), "branches (kernels 3, 5, 7, …)", \.branches),
      Key("G", .integer(minimum: 1), "groups of every branch conv", \.groups),
      Key("r", .ratio, "reduction: the fused descriptor has d = max(C/r, L) features", \.ratio),
      Key("L", .integer(minimum: 1), "minimum d", \.minimum),
      Key("num_classes", .integer(minimum: 1), "classifier outputs", \.numClasses),
    ],
    validate: { c, model throws(VariantError) in
      for features in [128, 256, 512] where features % c.groups != 0 {
        throw .rule(
          model, "G=\(c.groups)",
          "an SKConv of \(features) channels does not split into \(c.groups) groups "
            + "(PyTorch: in_channels must be divisible by groups)")
      }
    },
    build: sknetCIFAR)

  /// The seed's `SKUnit`: 1×1 (bias) → BN → SKConv → BN → 1×1 (bias) → BN, plus a projection or identity shortcut.
  static func skUnit(_ inFeatures: Int, _ outFeatures: Int, stride: Int, _ c: SeedConfig) -> Module {
    let mid = outFeatures / 2
    let feas = Module.sequential(
      "feas",
      [
        .conv2d("", inFeatures, mid, kernel: 1, bias: true), .batchNorm2d("", mid),
        skConv("", mid, branches: c.branches, groups: c.groups, ratio: c.ratio, stride: stride, minimum: c.minimum),
        .batchNorm2d("", mid),
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

  static func sknetCIFAR(_ c: SeedConfig = SeedConfig()) -> Network {
    var children: [Module] = [
      .sequential("basic_conv", [.conv2d("", 3, 64, kernel: 3, padding: 1, bias: true), .batchNorm2d("", 64)])
    ]
    var steps = [Network.Step("stem", [.module("basic_conv")])]
    var inFeatures = 64
    for (stage, (outFeatures, count)) in zip([256, 512, 1024], c.layers).enumerated() {
      let name = "stage_\(stage + 1)"
      var units: [Module] = []
      for index in 0..<count {
        units += [skUnit(inFeatures, outFeatures, stride: index == 0 ? 2 : 1, c), .relu("")]
        inFeatures = outFeatures
        steps.append(
          Network.Step("\(name).\(2 * index)", [.module("\(name).\(2 * index)"), .module("\(name).\(2 * index + 1)")]))
      }
      children.append(.sequential(name, units))
    }
    children += [.adaptiveAvgPool2d("pool"), .sequential("classifier", [.linear("", 1024, c.numClasses)])]
    steps.append(Network.Step("head", [.module("pool"), .flatten, .module("classifier")]))
    return Network(kind: "SKNet", children: children, steps: steps)
  }

  private static let skresnext50 = Config(
    resnet: TimmResNet(layers: [3, 4, 6, 3], cardinality: 32, baseWidth: 4), bottleneck: true, rdDivisor: 32,
    splitInput: false)

  static let zoo: [ZooModel] = [
    ZooModel(
      "sknet_cifar", family: .sknet, inputSize: 32, numClasses: 10,
      note: "the seed's CIFAR SKNet (M=2 branches 3×3/5×5, G=8, r=2, L=32) with global pooling", config: SeedConfig(),
      recipe: seedRecipe),
    model(
      "skresnet18",
      Config(resnet: TimmResNet(layers: [2, 2, 2, 2]), bottleneck: false, rdRatio: 1.0 / 8, rdDivisor: 16),
      note: "timm skresnet18: SelectiveKernelBasic × [2, 2, 2, 2]"),
    model(
      "skresnet34",
      Config(resnet: TimmResNet(layers: [3, 4, 6, 3]), bottleneck: false, rdRatio: 1.0 / 8, rdDivisor: 16),
      note: "timm skresnet34: SelectiveKernelBasic × [3, 4, 6, 3]"),
    skresnext50Model,
  ]

  private static let skresnext50Model = model(
    "skresnext50_32x4d", skresnext50, note: "timm skresnext50_32x4d = SKNet-50: ResNeXt-50 32×4d with SK convs")

  /// timm skresnet50: SelectiveKernelBottleneck without ResNeXt widths, split input, SelectiveKernel's own r and
  /// divisor (1/16, 8).
  static let presets: [ZooModel] = [
    skresnext50Model.preset(
      "skresnet50",
      ["cardinality": "1", "base_width": "64", "sk_rd_divisor": "8", "sk_split_input": "true"],
      config: skresnext50, recipe: recipe,
      note: "timm skresnet50: SelectiveKernelBottleneck × [3, 4, 6, 3], split input")
  ]

  private static func model(_ name: String, _ config: Config, note: String) -> ZooModel {
    ZooModel(name, family: .sknet, note: note, config: config, recipe: recipe)
  }
}
