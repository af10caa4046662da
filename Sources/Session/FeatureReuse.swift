// Huang et al. 2016, "Densely Connected Convolutional Networks", §5 and Fig. 5: how strongly each layer of a dense
// block uses the features of every earlier layer, read from the weights alone.
import Graph

/// The feature-reuse matrices of a DenseNet: one per dense block.
///
/// Rows are *targets* — each dense layer's `conv1`, then the conv of the transition after the block (or the
/// classifier after the last block); columns are *sources* — the block's input channels (source 0) and the
/// channels each earlier dense layer appended. A cell is the mean |w| over the target's weights restricted to
/// that source's input channels (every output channel and kernel position); nil where the target does not see
/// the source (a layer sees only the layers before it).
package struct FeatureReuse: Sendable {
  package struct Block: Sendable {
    /// `features.denseblock1`.
    package let path: String
    /// `input`, then `denselayer1` … `denselayerL`.
    package let sources: [String]
    /// Weight keys' module paths: each `…denselayerL.conv1`, then the transition's conv or the classifier.
    package let targets: [String]
    package let means: [[Double?]]
  }

  package let blocks: [Block]

  /// Refused for networks without dense blocks.
  package struct NotDense: Error, CustomStringConvertible {
    package let model: String
    package var description: String { "\(model) has no dense blocks: reuse applies to DenseNet models" }
  }

  /// The matrices of `network` from its parameter values (state-dict keys → floats).
  package static func of(_ network: Network, model: String, values: [String: [Float]]) throws -> FeatureReuse {
    let entries = network.root.walk()
    var blocks: [Block] = []
    for (index, entry) in entries.enumerated() where entry.module.layer == .denseBlock {
      let layers = entry.module.children
      guard let firstConv = conv(named: "conv1", in: layers.first), let growth = conv(named: "conv2", in: layers.first)
      else { continue }
      let c0 = firstConv.inChannels
      let k = growth.outChannels
      let total = c0 + layers.count * k
      let sourceRanges = [0..<c0] + (0..<layers.count).map { c0 + $0 * k..<c0 + ($0 + 1) * k }
      // Layer l (0-based) sees the block input and the l layers before it.
      var targets: [(path: String, inputs: Int)] = layers.enumerated().map { l, layer in
        (Module.join(Module.join(entry.path, layer.name), "conv1"), c0 + l * k)
      }
      if let next = consumer(after: entry.path, in: entries[(index + 1)...], channels: total) {
        targets.append((next, total))
      }
      let means: [[Double?]] = try targets.map { target in
        guard let weight = values[Module.join(target.path, "weight")] else {
          throw NotDense(model: model)
        }
        let outputs = weight.count / max(1, target.inputs)
        let perChannel = weight.count / max(1, outputs * target.inputs)  // kernel positions
        return sourceRanges.map { range -> Double? in
          guard range.upperBound <= target.inputs else { return nil }
          var sum = 0.0
          for o in 0..<outputs {
            let row = o * target.inputs * perChannel
            for i in range.lowerBound * perChannel..<range.upperBound * perChannel {
              sum += Double(abs(weight[row + i]))
            }
          }
          return sum / Double(outputs * range.count * perChannel)
        }
      }
      blocks.append(
        Block(
          path: entry.path, sources: ["input"] + layers.map(\.name), targets: targets.map(\.path), means: means))
    }
    guard !blocks.isEmpty else { throw NotDense(model: model) }
    return FeatureReuse(blocks: blocks)
  }

  /// The conv `name` directly inside a dense layer.
  private static func conv(named name: String, in layer: Module?) -> Conv2dConfig? {
    guard let child = layer?.children.first(where: { $0.name == name }), case .conv2d(let c) = child.layer else {
      return nil
    }
    return c
  }

  /// The module that reads the block's output: the first conv after the block that takes `channels` inputs
  /// (a transition's), else the first linear layer that does (the classifier after the last block's norm).
  private static func consumer(after block: String, in entries: ArraySlice<Module.Entry>, channels: Int) -> String? {
    for entry in entries where !entry.path.hasPrefix(block + ".") {
      switch entry.module.layer {
      case .conv2d(let c) where c.inChannels == channels: return entry.path
      case .linear(let l) where l.inFeatures == channels: return entry.path
      case .conv2d, .linear: return nil  // another layer reads it first: not a DenseNet's wiring
      case .batchNorm2d, .batchNormAct, .relu, .sigmoid, .identity, .flatten, .maxPool2d, .avgPool2d,
        .adaptiveAvgPool2d, .softmax, .radixSoftmax, .sequential, .moduleList, .program, .residual, .denseBlock,
        .squeezeExcite, .selectiveKernel, .selectiveKernelAttention, .skConv, .splitAttention:
        continue
      }
    }
    return nil
  }
}
