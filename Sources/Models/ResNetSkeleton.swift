// The ResNet skeleton (He et al. 2015) as torchvision models/resnet.py and timm models/resnet.py build it:
// stem, four stages of residual blocks, head; SE-ResNet, SK-ResNet and ResNeSt plug in their own block.
import Graph

/// 3×3 convolution with padding 1 (torchvision's `conv3x3`).
func conv3x3(_ name: String, _ inPlanes: Int, _ outPlanes: Int, stride: Int = 1, groups: Int = 1) -> Module {
  .conv2d(name, inPlanes, outPlanes, kernel: 3, stride: stride, padding: 1, groups: groups)
}

/// 1×1 convolution (torchvision's `conv1x1`).
func conv1x1(_ name: String, _ inPlanes: Int, _ outPlanes: Int, stride: Int = 1) -> Module {
  .conv2d(name, inPlanes, outPlanes, kernel: 1, stride: stride)
}

/// A block type for the ResNet skeleton: output channels = planes · expansion.
struct ResidualBlock: Sendable {
  let expansion: Int
  /// Builds block `index` of a stage from (inplanes, planes, stride, downsample).
  let make: @Sendable (_ inPlanes: Int, _ planes: Int, _ stride: Int, _ downsample: Module?) -> Module
}

/// The ResNet skeleton shared by ResNet, SE-ResNet, SK-ResNet and ResNeSt: stem, four stages, head.
struct ResNetSkeleton: Sendable {
  /// Which library's names the stem and head use.
  enum Style: Sendable {
    /// `relu`, `avgpool`, `fc` (torchvision).
    case torchvision
    /// `act1`, `global_pool` (SelectAdaptivePool2d), `fc` (timm).
    case timm
  }

  var block: ResidualBlock
  var layers: [Int]
  var style: Style = .torchvision
  /// One 7×7 conv (64 channels), or timm's deep stem of three 3×3 convs (ResNet-C).
  var stemType: StemType = .plain
  /// Width of the deep stem's first convs (its output is 2·stem_width); unused by the plain stem, as in timm.
  var stemWidth = 64
  /// Downsample with an average pool then a stride-1 1×1 conv (ResNet-D) instead of a strided 1×1 conv.
  var avgDown = false
  var numClasses = 1000
  var kind = "ResNet"

  func build() -> Network {
    let stemOut = stemType == .plain ? 64 : 2 * stemWidth
    let act = style == .torchvision ? "relu" : "act1"
    var children = [
      stemConv(stemOut), .batchNorm2d("bn1", stemOut), .relu(act),
      .maxPool2d("maxpool", kernel: 3, stride: 2, padding: 1),
    ]
    var steps = [Network.Step("stem", [.module("conv1"), .module("bn1"), .module(act), .module("maxpool")])]

    var inPlanes = stemOut
    for (stage, (planes, count)) in zip([64, 128, 256, 512], layers).enumerated() {
      let name = "layer\(stage + 1)"
      let stride = stage == 0 ? 1 : 2
      var blocks: [Module] = []
      for index in 0..<count {
        let blockStride = index == 0 ? stride : 1
        let downsample =
          index == 0 && (stride != 1 || inPlanes != planes * block.expansion)
          ? makeDownsample(inPlanes, planes * block.expansion, stride: stride) : nil
        blocks.append(block.make(inPlanes, planes, blockStride, downsample))
        inPlanes = planes * block.expansion
        steps.append(Network.Step("\(name).\(index)", [.module("\(name).\(index)")]))
      }
      children.append(.sequential(name, blocks))
    }

    switch style {
    case .torchvision:
      children += [.adaptiveAvgPool2d("avgpool"), .linear("fc", inPlanes, numClasses)]
      steps.append(Network.Step("head", [.module("avgpool"), .flatten, .module("fc")]))
    case .timm:
      children += [globalPool("global_pool"), .linear("fc", inPlanes, numClasses)]
      steps.append(Network.Step("head", [.module("global_pool"), .module("fc")]))
    }
    return Network(kind: kind, children: children, steps: steps)
  }

  private func stemConv(_ out: Int) -> Module {
    guard stemType != .plain else { return .conv2d("conv1", 3, out, kernel: 7, stride: 2, padding: 3) }
    let (first, second) = stemType.channels(stemWidth: stemWidth)
    return .sequential(
      "conv1",
      [
        conv3x3("", 3, first, stride: 2), .batchNorm2d("", first), .relu(""),
        conv3x3("", first, second), .batchNorm2d("", second), .relu(""),
        conv3x3("", second, out),
      ])
  }

  private func makeDownsample(_ inPlanes: Int, _ outPlanes: Int, stride: Int) -> Module {
    guard avgDown else {
      return .sequential("downsample", [conv1x1("", inPlanes, outPlanes, stride: stride), .batchNorm2d("", outPlanes)])
    }
    let pool: Module =
      stride == 1 ? .identity("") : .avgPool2d("", kernel: 2, stride: stride, ceilMode: true, countIncludePad: false)
    return .sequential("downsample", [pool, conv1x1("", inPlanes, outPlanes), .batchNorm2d("", outPlanes)])
  }
}

/// timm `stem_type`: `''` (one 7×7 conv), `'deep'` (3×3 convs w, w, then 2w) or `'deep_tiered'` (3·(w/4), w, 2w).
enum StemType: String, Sendable, CaseIterable {
  case plain = ""
  case deep
  case deepTiered = "deep_tiered"

  /// The first two convs' widths of a deep stem of width w.
  func channels(stemWidth w: Int) -> (Int, Int) { self == .deepTiered ? (3 * (w / 4), w) : (w, w) }
}

/// timm `SelectAdaptivePool2d(pool_type='avg', flatten=True)`: N×C×H×W → N×C.
func globalPool(_ name: String) -> Module {
  .container(name, kind: "SelectAdaptivePool2d", layer: .sequential, [.adaptiveAvgPool2d("pool"), .flatten("flatten")])
}

/// The residual wiring shared by the blocks: `body` then + shortcut (`downsample` when present), then `post`.
func residualBlock(_ kind: String, _ children: [Module], body: [String], downsample: Module?, post: [String]) -> Module
{
  let shortcut: [Op] = downsample == nil ? [] : [.module("downsample")]
  return .container(
    "", kind: kind,
    layer: .residual(ResidualConfig(body: body.map(Op.module), shortcut: shortcut, post: post.map(Op.module))),
    children + (downsample.map { [$0] } ?? []))
}
