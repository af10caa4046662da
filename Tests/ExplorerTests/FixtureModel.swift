import Explorer

/// A small hand-built tree shaped like a ResNet (stem, two stages of blocks, head) so reduce and
/// layout tests do not depend on the zoo's figures.
enum FixtureModel {
  /// Builds `tinynet`: conv1, bn1, relu, layer1 (3 blocks), layer2 (2 blocks), fc.
  static func make() -> ExplorerModel {
    var nodes: [ExplorerNode] = []
    @discardableResult
    func add(
      _ name: String, _ kind: String, parent: Int?, shape: [Int], params: Int = 0, macs: Int = 0,
      block: Bool = false, hyper: [(String, String)] = [], tensors: [TensorSummary] = []
    ) -> Int {
      let index = nodes.count
      let parentPath = parent.map { nodes[$0].path } ?? ""
      let path = parent == nil ? "" : parentPath.isEmpty ? name : parentPath + "." + name
      let depth = parent.map { nodes[$0].depth + 1 } ?? 0
      nodes.append(
        ExplorerNode(
          name: name, path: path, kind: kind, depth: depth, parent: parent, outputShape: shape, params: params,
          macs: macs, elementOps: shape.reduce(1, *), activationBytes: 4 * shape.reduce(1, *), receptiveField: 3,
          jumpStride: 1, hyperParameters: hyper, parameters: tensors, step: block ? path : nil))
      if let parent { nodes[parent].children.append(index) }
      return index
    }
    let root = add("tinynet", "TinyNet", parent: nil, shape: [1, 10])
    add(
      "conv1", "Conv2d", parent: root, shape: [1, 16, 16, 16], params: 432, macs: 110_592, block: true,
      hyper: [("kernel", "3×3"), ("stride", "2")],
      tensors: [TensorSummary(name: "weight", shape: [16, 3, 3, 3])])
    add("bn1", "BatchNorm2d", parent: root, shape: [1, 16, 16, 16], params: 32)
    add("relu", "ReLU", parent: root, shape: [1, 16, 16, 16])
    for (stage, blocks, channels) in [("layer1", 3, 16), ("layer2", 2, 32)] {
      let s = add(stage, "Sequential", parent: root, shape: [1, channels, 8, 8])
      for b in 0..<blocks {
        let block = add("\(b)", "BasicBlock", parent: s, shape: [1, channels, 8, 8], block: true)
        add(
          "conv1", "Conv2d", parent: block, shape: [1, channels, 8, 8], params: 9 * channels * channels,
          macs: 9 * channels * channels * 64, hyper: [("kernel", "3×3")],
          tensors: [TensorSummary(name: "weight", shape: [channels, channels, 3, 3])])
        add("bn1", "BatchNorm2d", parent: block, shape: [1, channels, 8, 8], params: 2 * channels)
        add(
          "conv2", "Conv2d", parent: block, shape: [1, channels, 8, 8], params: 9 * channels * channels,
          macs: 9 * channels * channels * 64, hyper: [("kernel", "3×3")],
          tensors: [TensorSummary(name: "weight", shape: [channels, channels, 3, 3])])
        add("bn2", "BatchNorm2d", parent: block, shape: [1, channels, 8, 8], params: 2 * channels)
      }
    }
    add(
      "fc", "Linear", parent: root, shape: [1, 10], params: 330, macs: 320, block: true,
      tensors: [TensorSummary(name: "weight", shape: [10, 32]), TensorSummary(name: "bias", shape: [10])])
    // Roll the leaves' counts up the tree (children come after parents in pre-order).
    for i in stride(from: nodes.count - 1, through: 0, by: -1) where !nodes[i].children.isEmpty {
      nodes[i].params = nodes[i].children.reduce(0) { $0 + nodes[$1].params }
      nodes[i].macs = nodes[i].children.reduce(0) { $0 + nodes[$1].macs }
    }
    return ExplorerModel(
      name: "tinynet", family: "Fixture", familyDescription: "A tiny residual network for tests.",
      formula: "y = F(x) + x", inputShape: [1, 3, 32, 32], nodes: nodes)
  }
}
