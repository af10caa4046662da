// timm 0.9.16 models/resnet.py `ResNet(block, layers, cardinality, base_width, stem_width, stem_type, avg_down,
// num_classes)`: the arguments the SE, SK and ResNeSt bases share, their key table and their checks.
import Graph

/// The arguments of timm's `ResNet` constructor that every timm base of the zoo exposes.
struct TimmResNet: Sendable {
  var layers: [Int]
  var cardinality = 1
  var baseWidth = 64
  var stemWidth = 64
  var stemType = StemType.plain
  var avgDown = false
  var numClasses = 1000

  /// A stage's bottleneck width: floor(planes · base_width / 64) · cardinality (timm `Bottleneck`).
  func width(_ planes: Int) -> Int { planes * baseWidth / 64 * cardinality }

  /// The stage widths (planes 64, 128, 256, 512) of the stages that have blocks.
  var stagePlanes: [Int] { zip([64, 128, 256, 512], layers).map { $0.0 } }

  /// The skeleton with `block`, timm's names, stem, downsampling and head.
  func skeleton(_ block: ResidualBlock) -> ResNetSkeleton {
    ResNetSkeleton(
      block: block, layers: layers, style: .timm, stemType: stemType, stemWidth: stemWidth, avgDown: avgDown,
      numClasses: numClasses)
  }

  /// What timm's constructor needs to build: a tiered stem's first conv must keep a channel.
  func validate(_ model: String) throws(VariantError) {
    if stemType == .deepTiered && stemWidth / 4 == 0 {
      throw .rule(
        model, "stem_type=deep_tiered stem_width=\(stemWidth)",
        "the tiered stem's first conv has 3·(stem_width//4) = 0 channels; stem_width must be 4 or more")
    }
  }

  /// timm's BasicBlock asserts: `cardinality == 1` and `base_width == 64`.
  func validateBasicBlock(_ model: String, block: String) throws(VariantError) {
    if cardinality != 1 {
      throw .rule(model, "cardinality=\(cardinality)", "\(block) only supports cardinality of 1 (timm)")
    }
    if baseWidth != 64 {
      throw .rule(model, "base_width=\(baseWidth)", "\(block) does not support changing base width (timm)")
    }
  }
}

/// A timm base's config: the shared `ResNet` arguments plus its block's own.
protocol TimmConfig: Sendable {
  var resnet: TimmResNet { get set }
}

extension TimmResNet {
  /// The keys of timm's `ResNet` constructor, in its argument order.
  static func keys<C: TimmConfig>() -> [Key<C>] {
    [
      Key("layers", .integers(count: 4), "blocks per stage (4 stages)", \.resnet.layers),
      Key("cardinality", .integer(minimum: 1), "groups of the 3×3 conv (ResNeXt)", \.resnet.cardinality),
      Key(
        "base_width", .integer(minimum: 1), "width per group; a stage's width is ⌊planes·base_width/64⌋·cardinality",
        \.resnet.baseWidth),
      Key(
        "stem_width", .integer(minimum: 1), "deep stem width (its output is 2·stem_width); ignored by the plain stem",
        \.resnet.stemWidth),
      Key(
        "stem_type", .choice(StemType.allCases.map(\.rawValue)), "\"\" (7×7 conv), deep or deep_tiered (3×3 convs)",
        \.resnet.stemType),
      Key("avg_down", .boolean, "downsample by 2×2 average pooling then a 1×1 conv (ResNet-D)", \.resnet.avgDown),
      Key("num_classes", .integer(minimum: 1), "classifier outputs", \.resnet.numClasses),
    ]
  }
}
