import Models

/// One stage of a network as the compare view shows it: the stem, a run of blocks, or the head.
package struct StageSummary: Equatable, Sendable {
  /// `stem`, the blocks' container (`layer1`, `denseblock2`) or `head`.
  package var name: String
  /// The stage's output, batch included.
  package var outputShape: [Int]
  package var params: Int
  package var macs: Int
}

/// A model's figures side by side with others: totals, depth and per-stage counts.
package struct ModelSummary: Equatable, Sendable {
  /// The zoo model summarised (nil for a hand-built tree).
  package var spec: ModelSpec?
  package var name: String
  package var family: String
  package var inputShape: [Int]
  package var params: Int
  package var macs: Int
  /// Weighted layers: every `Conv2d` and `Linear` (shortcut and attention convolutions included).
  package var depth: Int
  package var stages: [StageSummary]

  /// Summarises `model`. Stages follow its forward steps: the stem, blocks grouped by the module
  /// that holds them (a block held higher up, like DenseNet's transitions, joins the stage before),
  /// and the head.
  package init(_ model: ExplorerModel) {
    spec = model.spec
    name = model.name
    family = model.family
    inputShape = model.inputShape
    params = model.totalParams
    macs = model.totalMACs
    let nodes = model.nodes
    depth = nodes.filter { $0.kind == "Conv2d" || $0.kind == "Linear" }.count
    var stem = StageSummary(name: "stem", outputShape: [], params: 0, macs: 0)
    var head = StageSummary(name: "head", outputShape: [], params: 0, macs: 0)
    var blocks: [StageSummary] = []
    var containers: [Int] = []
    for node in nodes {
      guard let step = node.step, let parent = node.parent else { continue }
      // Count each step's outermost modules only: their figures already roll up their children.
      if nodes[parent].step == step { continue }
      if step == "stem" || step == "head" {
        if step == "stem" { Self.add(node, to: &stem) } else { Self.add(node, to: &head) }
        continue
      }
      guard step == node.path else { continue }
      if let last = containers.last, last == parent {
        // A block of the current stage: the stage's output is its container's (a dense block's
        // concatenation, not its last layer's new features).
        blocks[blocks.count - 1].params += node.params
        blocks[blocks.count - 1].macs += node.macs
      } else if let last = containers.last, model.ancestors(of: last).contains(parent) {
        Self.add(node, to: &blocks[blocks.count - 1])
      } else {
        containers.append(parent)
        blocks.append(
          StageSummary(
            name: nodes[parent].name, outputShape: nodes[parent].outputShape, params: node.params, macs: node.macs))
      }
    }
    stages = (stem.outputShape.isEmpty ? [] : [stem]) + blocks + (head.outputShape.isEmpty ? [] : [head])
  }

  private static func add(_ node: ExplorerNode, to stage: inout StageSummary) {
    stage.params += node.params
    stage.macs += node.macs
    if !node.outputShape.isEmpty { stage.outputShape = node.outputShape }
  }
}
