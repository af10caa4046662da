/// Static analysis of a network for one input shape: per-node shapes and exact counts, no tensors allocated.
///
/// Conventions (see the README): params are learnable elements; MACs count conv N·OC·OH·OW·(IC/groups)·KH·KW and
/// linear N·in·out only, never biases; element ops count everything else (bias adds, BN 2 per element, activations,
/// pooling windows, adds, attention sums/softmaxes/scales) in their own column. A module called several times
/// (torchvision's shared `relu`) reports the last call's output shape, as a PyTorch forward hook sees it, and the
/// sum of its calls' counts. Containers that are never called themselves report the state after their last
/// descendant ran (what the container returns in PyTorch); `ModuleList`s have no output shape.
import Graph

package struct Analysis: Sendable {
  /// Counts of one node; totals are rolled up over its subtree, `own*` exclude children.
  package struct Node: Sendable, Equatable {
    /// Dotted path, `""` for the root.
    package let path: String
    package let depth: Int
    package let kind: String
    /// What the module returns, batch first; nil when it is never called (`ModuleList`).
    package let outputShape: [Int]?
    package let params: Int
    package let ownParams: Int
    /// Buffer elements (BN running statistics and counters).
    package let buffers: Int
    package let macs: Int
    package let ownMACs: Int
    package let elementOps: Int
    package let ownElementOps: Int
    /// Bytes (float32) of the tensor this node returns.
    package let outputBytes: Int
    /// Bytes (float32) of every tensor produced inside this subtree during one forward, without reuse.
    package let activationBytes: Int
    /// Receptive field (pixels of the input, one side) and stride (jump) of one output element; nil if not called.
    package let receptiveField: Int?
    package let jump: Int?
    /// Ops in this subtree the counter cannot count (shown, never silently zero). Empty for every zoo model.
    package let uncounted: [String]

    /// The last path segment (`"conv1"`, `"0"`); `""` for the root.
    package var name: String { path.split(separator: ".").last.map(String.init) ?? "" }
  }

  /// What torchinfo and fvcore would report for the same run, for reconciling numbers
  /// (README, docs/reference-figures.md §2).
  package struct OtherConventions: Sendable, Equatable {
    /// torchinfo's "Total mult-adds": conv+linear MACs plus conv biases per output pixel, BN γ/β and linear biases
    /// once per sample, counted over leaf modules only.
    package let torchinfoMultAdds: Int
    /// fvcore's batch-norm term: 2 per normalised element (eval mode).
    package let fvcoreBatchNorm: Int
    /// fvcore's adaptive-average-pool term: 1 per input element of `adaptive_avg_pool2d` (not of `mean`).
    package let fvcoreAdaptivePool: Int
    /// fvcore's `FlopCountAnalysis.total()`: conv+linear MACs + the two terms above.
    package let fvcoreTotal: Int
  }

  package let inputShape: [Int]
  package let otherConventions: OtherConventions
  /// Every node of the tree in pre-order, root first (the same order as `Module.walk()`).
  package let nodes: [Node]
  private let index: [String: Int]

  /// The largest input height or width analysed: every count of one 65,536 × 65,536 sample fits in 64 bits
  /// with room to spare (ResNet-152: about 2⁵⁰ MACs), so only the batch needs checking against overflow.
  package static let maxSide = 65_536

  package init(network: Network, inputShape: [Int]) throws {
    self.inputShape = inputShape
    try Analysis.checkCountsFit(network: network, inputShape: inputShape)
    let tracer = Tracer(root: network.root)
    try tracer.trace(inputShape)
    nodes = tracer.rollUp()
    otherConventions = tracer.otherConventions()
    index = Dictionary(uniqueKeysWithValues: nodes.enumerated().map { ($0.element.path, $0.offset) })
  }

  /// The node at a dotted path.
  package func node(_ path: String) -> Node? {
    index[path].map { nodes[$0] }
  }

  package var root: Node { nodes[0] }
  package var totalParams: Int { root.params }
  package var totalMACs: Int { root.macs }
  /// FLOPs as the papers' 2×MACs.
  package var totalFLOPs: Int { 2 * root.macs }
  package var totalElementOps: Int { root.elementOps }
  package var totalBuffers: Int { root.buffers }
  /// Bytes of the learnable parameters as float32.
  package var parameterBytes: Int { 4 * root.params }
  /// Bytes of all activations of one forward pass (float32, no reuse).
  package var activationBytes: Int { root.activationBytes }
  package var outputShape: [Int] { root.outputShape ?? [] }
}
