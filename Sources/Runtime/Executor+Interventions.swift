// Interventions: validating specs against the network's nodes, marking the nodes, and resuming a pass from a
// step (a lesion study recomputes only from the intervened step on).
import Graph
import TensorCore

extension Executor {
  /// What an intervention can act on, by node.
  private enum Target {
    case residual(kind: String, inlineSE: Bool)
    case squeezeExcite
    case selectiveKernel(branches: Int)
    case splitAttention(radix: Int)
    case denseLayer
    case other(kind: String)
  }

  private func target(of node: ExecutionNode) -> Target {
    switch node.module.layer {
    case .residual:
      let inline = node.body.contains { if case .scale = $0 { return true } else { return false } }
      return .residual(kind: node.module.kind, inlineSE: inline)
    case .squeezeExcite: return .squeezeExcite
    case .selectiveKernel(let c): return .selectiveKernel(branches: c.branches)
    case .skConv(let c): return .selectiveKernel(branches: c.branches)
    case .splitAttention(let c): return .splitAttention(radix: c.radix)
    case .conv2d, .batchNorm2d, .batchNormAct, .linear, .relu, .sigmoid, .identity, .flatten, .maxPool2d, .avgPool2d,
      .adaptiveAvgPool2d, .softmax, .radixSoftmax, .sequential, .moduleList, .program, .denseBlock,
      .selectiveKernelAttention:
      if let parent = node.parent, parent.module.layer == .denseBlock { return .denseLayer }
      return .other(kind: node.module.kind)
    }
  }

  /// Parses `PATH`, `PATH:shortcut`, `PATH:se`, `PATH:uniform`, `PATH:branch=K` or `PATH:split=K` against this
  /// network: a bare path means branch off for a residual block, gates 1 for an SE node, uniform weights for SK
  /// and split attention, and zeros for a dense layer. Errors name the path and what can be done to it.
  package func intervention(parsing spec: String) throws -> Intervention {
    let parts = spec.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
    let path = parts[0]
    let qualifier = parts.count > 1 ? parts[1] : nil
    guard let node = node(at: path) else {
      throw ExecutorError.badIntervention("\(spec): no node at path '\(path)' (paths as in `convscope summary`)")
    }
    let target = target(of: node)
    func index(_ prefix: String, below count: Int) -> Int? {
      guard let q = qualifier, q.hasPrefix(prefix), let k = Int(q.dropFirst(prefix.count)), (0..<count).contains(k)
      else { return nil }
      return k
    }
    let kind: Intervention.Kind?
    switch target {
    case .residual(_, let inlineSE):
      switch qualifier {
      case nil, "branch": kind = .branchOff
      case "shortcut": kind = .shortcutOff
      case "se" where inlineSE: kind = .gatesOff
      default: kind = nil  // a String qualifier this block does not take
      }
    case .squeezeExcite: kind = [nil, "off", "se"].contains(qualifier) ? .gatesOff : nil
    case .selectiveKernel(let m):
      kind = qualifier == nil || qualifier == "uniform" ? .uniform : index("branch=", below: m).map { .branch($0) }
    case .splitAttention(let r):
      kind = qualifier == nil || qualifier == "uniform" ? .uniform : index("split=", below: r).map { .split($0) }
    case .denseLayer: kind = qualifier == nil || qualifier == "off" ? .denseOff : nil
    case .other: kind = nil
    }
    guard let kind else { throw ExecutorError.badIntervention("\(spec): " + Self.choices(path, target)) }
    return Intervention(path: path, kind: kind)
  }

  /// What can be done to the node at `path`, in one line.
  private static func choices(_ path: String, _ target: Target) -> String {
    switch target {
    case .residual(let kind, let inlineSE):
      return "\(path) is a residual block (\(kind)): use \(path) (branch off) or \(path):shortcut (shortcut off)"
        + (inlineSE ? " or \(path):se (its SE gates 1)" : "")
    case .squeezeExcite: return "\(path) is an SE node: use \(path) (gates 1)"
    case .selectiveKernel(let m):
      return "\(path) is a selective kernel with \(m) branches: use \(path) or \(path):uniform (1/\(m) each) "
        + "or \(path):branch=K (K in 0…\(m - 1))"
    case .splitAttention(let r):
      return "\(path) is a split attention of radix \(r): use \(path) or \(path):uniform "
        + "or \(path):split=K (K in 0…\(r - 1))"
    case .denseLayer: return "\(path) is a dense layer: use \(path) (its features off)"
    case .other(let kind):
      return "\(path) is a \(kind): interventions act on residual blocks, SE / SK / split-attention nodes "
        + "and dense layers"
    }
  }

  /// Applies `interventions` (replacing any set before) and plain mode (every shortcut off), keeping weights,
  /// input and observers; the pass goes back to its first step.
  package func setInterventions(_ interventions: [Intervention], plain: Bool = false) throws {
    var marks: [ObjectIdentifier: NodeIntervention] = [:]
    for intervention in interventions {
      // Through the spec, so a hand-built Intervention is checked exactly as a typed one.
      let checked = try self.intervention(parsing: intervention.description)
      guard checked == intervention, let node = node(at: intervention.path) else {
        throw ExecutorError.badIntervention("\(intervention.description) is not an intervention this network takes")
      }
      var mark = marks[ObjectIdentifier(node)] ?? NodeIntervention()
      switch intervention.kind {
      case .branchOff: mark.branchOff = true
      case .shortcutOff: mark.shortcutOff = true
      case .gatesOff: mark.gatesOff = true
      case .uniform: mark.mixing = .uniform
      case .branch(let k), .split(let k): mark.mixing = .only(k)
      case .denseOff: mark.denseOff = true
      }
      marks[ObjectIdentifier(node)] = mark
    }
    var any = false
    root.walk { node in
      var mark = marks[ObjectIdentifier(node)] ?? NodeIntervention()
      if plain, case .residual = node.module.layer { mark.shortcutOff = true }
      node.intervention = mark
      any = any || !mark.isEmpty
    }
    hasInterventions = any
    reset()
  }

  /// Every candidate of a lesion family, in network order.
  package func candidates(_ family: LesionFamily) -> [Intervention] {
    var found: [Intervention] = []
    root.walk { node in
      switch (family, target(of: node)) {
      case (.blocks, .residual): found.append(Intervention(path: node.path, kind: .branchOff))
      case (.shortcuts, .residual): found.append(Intervention(path: node.path, kind: .shortcutOff))
      case (.attention, .residual(_, true)), (.attention, .squeezeExcite):
        found.append(Intervention(path: node.path, kind: .gatesOff))
      case (.attention, .selectiveKernel), (.attention, .splitAttention):
        found.append(Intervention(path: node.path, kind: .uniform))
      case (.dense, .denseLayer): found.append(Intervention(path: node.path, kind: .denseOff))
      case (.blocks, _), (.shortcuts, _), (.attention, _), (.dense, _): break
      }
    }
    return found
  }

  /// The tensor the next step takes (the input before the first step, the logits after the last).
  package var currentState: Tensor? { state }

  /// Continues a pass at step `index` from `state`, the input that step takes (a lesion's baseline prefix,
  /// kept once); weights, input, observers and interventions stay. `state` must not be one of this
  /// executor's own buffers (pass a copy).
  package func resume(atStep index: Int, from state: Tensor) {
    pool.reclaimAll()
    denseBuffer = nil
    self.state = state
    nextStep = max(0, min(index, network.steps.count))
  }
}

extension Executor {
  /// What the explorer's `d` steps through at the node at `path`, in order (after the last: none): a residual
  /// block's branch then its shortcut, an SE node's gates, an SK node's uniform weights then each branch, a split
  /// attention's uniform weights then each split, a dense layer's features. Empty where nothing can be done.
  package func interventionCycle(at path: String) -> [Intervention.Kind] {
    // A bare path is the first choice of every node that takes one; the qualified ones follow.
    guard let first = try? intervention(parsing: path).kind else { return [] }
    var kinds = [first]
    for qualifier in ["shortcut"] + (0..<8).flatMap({ ["branch=\($0)", "split=\($0)"] }) {
      if let kind = try? intervention(parsing: path + ":" + qualifier).kind, !kinds.contains(kind) {
        kinds.append(kind)
      }
    }
    return kinds
  }

  /// The first step plain mode changes (the step of the first residual block), nil when none has one.
  package var firstPlainStep: Int? {
    candidates(.shortcuts).first.flatMap { try? stepIndex(containing: $0.path) }
  }
}
