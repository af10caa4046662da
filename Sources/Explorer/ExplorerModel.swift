import Graph
import Models

/// A parameter or buffer tensor of a node: its local name and shape.
package struct TensorSummary: Equatable, Sendable {
  package var name: String
  package var shape: [Int]

  package init(name: String, shape: [Int]) {
    self.name = name
    self.shape = shape
  }

  /// The number of elements.
  package var count: Int { shape.reduce(1, *) }
}

/// One node of the tree the explorer shows, with every figure the panes need.
///
/// The explorer never reads the zoo's types directly: an adapter (``ExplorerModel/init(zoo:)``)
/// fills these, so the UI and its tests depend only on this small shape.
package struct ExplorerNode: Equatable, Sendable {
  /// The path segment (`conv1`, `0`); the model name for the root.
  package var name: String
  /// The dotted path from the root (`layer1.0.conv2`); `""` for the root.
  package var path: String
  package var kind: String
  package var depth: Int
  package var parent: Int?
  package var children: [Int]
  /// The output shape, batch included.
  package var outputShape: [Int]
  /// Learnable parameters, rolled up over the subtree.
  package var params: Int
  /// Buffer elements (BN running statistics), rolled up.
  package var bufferElements: Int
  /// Multiply–accumulates (conv + linear), rolled up.
  package var macs: Int
  /// Element-wise operations (BN, activations, pooling, adds), rolled up.
  package var elementOps: Int
  /// Bytes of this node's output activations (float32).
  package var activationBytes: Int
  /// Bytes of every tensor produced inside the subtree in one forward pass (float32, no reuse).
  package var subtreeActivationBytes: Int
  /// Receptive field of one output element on the input, and the output's stride, in input pixels.
  package var receptiveField: Int?
  package var jumpStride: Int?
  /// Hyper-parameters in display order, already formatted (`kernel` → `3×3`).
  package var hyperParameters: [(String, String)]
  /// The node's own parameter and buffer tensors (not its children's).
  package var parameters: [TensorSummary]
  package var buffers: [TensorSummary]
  /// The forward step this node is (a block's path) or belongs to (`stem`, `head`), if any.
  package var step: String?
  /// Whether this node is a step of the forward pass or part of the stem or head.
  package var isBlock: Bool { step != nil }
  /// Work the counter could not count (named, never silently zero).
  package var uncounted: [String]
  /// The block's data flow for the wiring view (`W`), when the module is a block or an attention module.
  package var wiring: [WiringStage]?

  package init(
    name: String, path: String, kind: String, depth: Int = 0, parent: Int? = nil, children: [Int] = [],
    outputShape: [Int] = [], params: Int = 0, bufferElements: Int = 0, macs: Int = 0, elementOps: Int = 0,
    activationBytes: Int = 0, subtreeActivationBytes: Int = 0, receptiveField: Int? = nil, jumpStride: Int? = nil,
    hyperParameters: [(String, String)] = [], parameters: [TensorSummary] = [], buffers: [TensorSummary] = [],
    step: String? = nil, uncounted: [String] = [], wiring: [WiringStage]? = nil
  ) {
    self.name = name
    self.path = path
    self.kind = kind
    self.depth = depth
    self.parent = parent
    self.children = children
    self.outputShape = outputShape
    self.params = params
    self.bufferElements = bufferElements
    self.macs = macs
    self.elementOps = elementOps
    self.activationBytes = activationBytes
    self.subtreeActivationBytes = subtreeActivationBytes
    self.receptiveField = receptiveField
    self.jumpStride = jumpStride
    self.hyperParameters = hyperParameters
    self.parameters = parameters
    self.buffers = buffers
    self.step = step
    self.uncounted = uncounted
    self.wiring = wiring
  }

  package static func == (a: ExplorerNode, b: ExplorerNode) -> Bool {
    a.path == b.path && a.kind == b.kind && a.outputShape == b.outputShape && a.params == b.params
      && a.macs == b.macs && a.children == b.children
      && a.hyperParameters.map { "\($0.0)=\($0.1)" } == b.hyperParameters.map { "\($0.0)=\($0.1)" }
  }
}

/// A model as the explorer shows it: the node tree in pre-order (root first) and its totals.
package struct ExplorerModel: Equatable, Sendable {
  /// The zoo model this tree is (nil for a hand-built tree, as tests make).
  package var spec: ModelSpec?
  /// The name shown: the spec's display name.
  package var name: String
  package var family: String
  /// One paragraph on what makes the family different.
  package var familyDescription: String
  /// The family's key formula, in plain text.
  package var formula: String
  /// What this variant is, in one line.
  package var note: String
  package var inputShape: [Int]
  /// Nodes in pre-order: `nodes[0]` is the root, children follow their parent.
  package var nodes: [ExplorerNode]

  package init(
    spec: ModelSpec? = nil, name: String, family: String, familyDescription: String, formula: String,
    note: String = "", inputShape: [Int], nodes: [ExplorerNode]
  ) {
    self.spec = spec
    self.name = name
    self.family = family
    self.familyDescription = familyDescription
    self.formula = formula
    self.note = note
    self.inputShape = inputShape
    self.nodes = nodes
  }

  package var root: ExplorerNode { nodes[0] }
  package var totalParams: Int { root.params }
  package var totalMACs: Int { root.macs }

  /// The index of the node at `path`, if any.
  package func index(ofPath path: String) -> Int? { nodes.firstIndex { $0.path == path } }

  /// The indices of `index`'s ancestors, nearest first.
  package func ancestors(of index: Int) -> [Int] {
    var out: [Int] = []
    var current = nodes[index].parent
    while let p = current {
      out.append(p)
      current = nodes[p].parent
    }
    return out
  }
}
