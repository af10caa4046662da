// The executor's compiled view of a module: resolved children, op lists, loaded tensors, observers.
import Graph
import TensorCore

/// A compiled op: `Op` with its module paths resolved to nodes.
indirect enum CompiledOp {
  case node(ExecutionNode)
  case dense(ExecutionNode)
  case relu
  case sigmoid
  case flatten
  case globalAvgPool
  /// Inline squeeze-excitation owned by `owner` (the seed's PreActBlock).
  case scale([CompiledOp], owner: OwnerNode)
}

/// The node that holds a `.scale` op, referenced without a retain: the node keeps its ops, so a strong reference
/// back made a cycle, and every executor of an inline-SE model leaked its nodes and weights (LeakSanitizer).
struct OwnerNode {
  unowned let node: ExecutionNode
}

/// One module of the network, compiled once: children by name, op lists resolved, weights as tensors.
final class ExecutionNode {
  let path: String
  let module: Module
  private(set) weak var parent: ExecutionNode?
  /// True while this module's own forward is on the stack (so its output is recorded by itself).
  var isRunning = false
  private(set) var children: [ExecutionNode] = []
  private var childByName: [String: ExecutionNode] = [:]
  /// What observers want from this node; empty (the usual case) costs one check per call.
  var observe: ObserverOptions = []
  /// False when this node must run on its own: it is observed, or it ends a stage that is observed but
  /// never runs as a module (its output is the stage's).
  var fusable = true
  /// `weight`, `bias`, `running_mean`, `running_var` once weights are set.
  var tensors: [String: Tensor] = [:]
  /// The batch norm at path `with` after this conv, as a per-output-channel scale and bias that the conv
  /// applies as it stores its output (computed when the weights are set; the weights stay as loaded).
  var folded: (with: String, scale: Tensor, bias: Tensor)?
  /// This batch norm as the input map of the conv after it (computed on first use after weights are set).
  var inputMap: ChannelAffine?
  /// What interventions switch off or fix here (empty, the usual case, costs one check per call).
  var intervention = NodeIntervention()

  /// Op lists of program, residual and container nodes; `childOps` runs the children in order, and
  /// `head`/`tail` split a split-attention node's children into the conv part and the attention part.
  var program: [CompiledOp] = []
  var childOps: [CompiledOp] = []
  var head: [CompiledOp] = []
  var tail: [CompiledOp] = []
  var pre: [CompiledOp] = []
  var body: [CompiledOp] = []
  var shortcut: [CompiledOp] = []
  var post: [CompiledOp] = []

  init(module: Module, path: String) {
    self.module = module
    self.path = path
    for child in module.children {
      let node = ExecutionNode(module: child, path: Module.join(path, child.name))
      node.parent = self
      children.append(node)
      childByName[child.name] = node
    }
  }

  /// Resolves op lists everywhere below (after the whole tree exists, since ops name descendants).
  func compile() throws {
    childOps = children.map { .node($0) }
    switch module.layer {
    case .program(let ops): program = try resolve(ops)
    case .residual(let r):
      pre = try resolve(r.pre)
      body = try resolve(r.body)
      shortcut = try resolve(r.shortcut)
      post = try resolve(r.post)
    case .sequential, .batchNormAct: program = childOps
    case .splitAttention:
      head = children(named: ["conv", "bn0", "drop", "act0"])
      tail = children(named: ["fc1", "bn1", "act1", "fc2", "rsoftmax"])
    // Leaves and the other containers run their children by name (Executor+Forward).
    case .conv2d, .batchNorm2d, .linear, .relu, .sigmoid, .identity, .flatten, .maxPool2d, .avgPool2d,
      .adaptiveAvgPool2d, .softmax, .radixSoftmax, .moduleList, .denseBlock, .squeezeExcite, .selectiveKernel,
      .selectiveKernelAttention, .skConv:
      break
    }
    for child in children { try child.compile() }
  }

  func resolve(_ ops: [Op]) throws -> [CompiledOp] {
    try ops.map { op in
      switch op {
      case .module(let p): return .node(try descendant(p))
      case .dense(let p): return .dense(try descendant(p))
      case .relu: return .relu
      case .sigmoid: return .sigmoid
      case .flatten: return .flatten
      case .globalAvgPool: return .globalAvgPool
      case .scale(let inner): return .scale(try resolve(inner), owner: OwnerNode(node: self))
      }
    }
  }

  /// The direct child `name`.
  func child(_ name: String) throws -> ExecutionNode {
    guard let node = childByName[name] else { throw ExecutorError.unknownNode(Module.join(path, name)) }
    return node
  }

  /// The node at a dotted path below this one.
  func descendant(_ relative: String) throws -> ExecutionNode {
    var node = self
    for segment in relative.split(separator: ".", omittingEmptySubsequences: false) {
      node = try node.child(String(segment))
    }
    return node
  }

  /// The children among `names` that exist, in the order given, as ops.
  func children(named names: [String]) -> [CompiledOp] {
    names.compactMap { childByName[$0].map { .node($0) } }
  }

  /// Every node of the subtree, pre-order.
  func walk(_ visit: (ExecutionNode) -> Void) {
    visit(self)
    for child in children { child.walk(visit) }
  }

  /// The tensor named `name` (set by `Executor.setWeights`).
  func tensor(_ name: String) throws -> Tensor {
    guard let t = tensors[name] else {
      throw ExecutorError.op(path: path, TensorError(op: module.kind, "weight '\(name)' was never set"))
    }
    return t
  }

  /// Whether this node is a ReLU (module or timm act) that may be fused into its producer: unobserved, or observed
  /// on the fused pass (the fusing code records it).
  var isFusableReLU: Bool { fusable && module.layer == .relu }
  /// Whether this node is an unobserved identity that fusion may skip over.
  var isSkippableIdentity: Bool { observe.isEmpty && module.layer == .identity }
  /// Whether an observer is attached.
  var isObserved: Bool { !observe.isEmpty }
}
