import Analysis
import Graph
import Models
import Session

extension ExplorerModel {
  /// The zoo model called `name`, analysed at its default input (batch 1).
  /// Throws the zoo's error (naming the valid choices) for an unknown name.
  package static func zoo(named name: String) throws -> ExplorerModel {
    try ExplorerModel(session: Session(spec: try ModelSpec(named: name)))
  }

  /// Adapts a session's module tree and its static analysis at the session's input into the node list.
  package init(session: Session) throws {
    let spec = session.spec
    let network = session.network
    let analysis = try session.analysis()
    let entries = network.root.walk()
    precondition(entries.count == analysis.nodes.count, "analysis and module walk differ in length")
    let steps = Self.stepNames(of: network)
    var nodes: [ExplorerNode] = []
    nodes.reserveCapacity(entries.count)
    var ancestry: [Int] = []  // the open path from the root to the previous node
    for (entry, counted) in zip(entries, analysis.nodes) {
      precondition(entry.path == counted.path, "analysis and module walk differ at \(entry.path)")
      ancestry.removeLast(max(0, ancestry.count - entry.depth))
      let parent = ancestry.last
      let index = nodes.count
      let module = entry.module
      nodes.append(
        ExplorerNode(
          name: entry.path.isEmpty ? spec.displayName : module.name, path: entry.path, kind: module.kind,
          depth: entry.depth,
          parent: parent, outputShape: counted.outputShape ?? [], params: counted.params,
          bufferElements: counted.buffers, macs: counted.macs, elementOps: counted.elementOps,
          activationBytes: counted.outputBytes, subtreeActivationBytes: counted.activationBytes,
          receptiveField: counted.receptiveField, jumpStride: counted.jump,
          hyperParameters: BlockFacts.of(module) + module.hyperParameters.map { ($0.label, $0.value) },
          parameters: module.parameters.map { TensorSummary(name: $0.name, shape: $0.shape) },
          buffers: module.buffers.map { TensorSummary(name: $0.name, shape: $0.shape) },
          step: steps[entry.path], uncounted: counted.uncounted, wiring: module.hasWiring ? module.wiring : nil))
      if let parent { nodes[parent].children.append(index) }
      ancestry.append(index)
    }
    self.init(
      spec: spec, name: spec.displayName, family: spec.family.rawValue, familyDescription: spec.family.summary,
      formula: spec.family.formula, note: spec.note, inputShape: analysis.inputShape, nodes: nodes)
  }

  /// Module paths → the forward step they belong to: a block's own path names its step; the modules
  /// the stem and head call are marked `stem` / `head`.
  private static func stepNames(of network: Network) -> [String: String] {
    var names: [String: String] = [:]
    for step in network.steps {
      if step.name == "stem" || step.name == "head" {
        for case .module(let path) in step.ops { names[path] = step.name }
      } else {
        names[step.name] = step.name
      }
    }
    return names
  }
}
