// The forward pass: each layer kind's computation, and the conv/BN/ReLU fusion over op sequences.
import Graph
import TensorCore

extension Executor {
  /// Runs an op sequence, fusing conv → BN → ReLU, BN → ReLU and conv → ReLU when no node involved is
  /// observed, and a BN (→ ReLU) in front of a conv into that conv's GEMM when the conv can take it there
  /// (`Conv2dGeometry.mapsInputInGEMM`: DenseNet's pre-activation BN–ReLU–1×1 conv).
  func runSequence(_ ops: [CompiledOp], _ input: Tensor) throws -> Tensor {
    try runSequence(ops, input, adding: nil).output
  }

  /// A residual block's shortcut for the last conv of its branch to add as it writes its output.
  struct ResidualSum {
    let shortcut: Tensor
    /// The ReLU after the sum.
    let relu: Bool
  }

  /// `runSequence`, where a sequence that ends with a fusable conv (→ BN, no ReLU) or an SE scaling adds
  /// `sum`'s shortcut and applies its ReLU as it writes its output; `added` tells whether it did.
  func runSequence(_ ops: [CompiledOp], _ input: Tensor, adding sum: ResidualSum?) throws -> (
    output: Tensor, added: Bool
  ) {
    var x = input
    var added = false
    var i = 0
    while i < ops.count {
      try checkCancelled()
      let first = i
      profiler?.begin()  // each pass of the loop is one group of ops run at once (`bench --per-layer`)
      defer { profiler?.end(Self.profiledNodes(ops[first..<max(first, i)])) }
      if case .node(let node) = ops[i], node.fusable {
        switch node.module.layer {
        case .conv2d:
          (x, i, added) = try convFusion(ops, at: i, x, inputAffine: nil, adding: sum)
          continue
        case .batchNorm2d:
          let k = skipIdentities(ops, from: i + 1)
          let relu = isFusableReLU(ops, k)
          let j = relu ? skipIdentities(ops, from: k + 1) : k
          let reluNode = relu ? observedNode(ops[k]) : nil
          let observed = hasObservers && (node.isObserved || reluNode != nil)
          if j < ops.count, case .node(let conv) = ops[j], conv.fusable,
            let affine = try inputMap(node, relu: relu, x, conv)
          {
            if observed {
              // The conv applies the BN (→ ReLU) as it reads x: their outputs are derived from x for the observers.
              var reports = [FusedReport(node: node, view: .affine(affine, relu: false))]
              if let reluNode { reports.append(FusedReport(node: reluNode, view: .affine(affine, relu: true))) }
              try recordDerived(reports, from: x, relu: false)
            }
            (x, i, added) = try convFusion(ops, at: j, x, inputAffine: affine, adding: sum)
            continue
          }
          if relu {
            x = try batchNorm(node, x, relu: !observed)
            if observed {
              var reports = [FusedReport(node: node, view: .stored)]
              if let reluNode { reports.append(FusedReport(node: reluNode, view: .relu)) }
              try recordDerived(reports, from: x, relu: true)
            }
            i = k + 1
            continue
          }
        case .identity where !node.isObserved:
          i += 1
          continue
        // Nothing to fuse: run the node as it is below.
        case .identity, .batchNormAct, .linear, .relu, .sigmoid, .flatten, .maxPool2d, .avgPool2d, .adaptiveAvgPool2d,
          .softmax,
          .radixSoftmax, .sequential, .moduleList, .program, .residual, .denseBlock, .squeezeExcite, .selectiveKernel,
          .selectiveKernelAttention, .skConv, .splitAttention:
          break
        }
      }
      if let sum, i == ops.count - 1, case .scale(let gateOps, let owner) = ops[i] {
        x = try squeezeExcite(gateOps, owner: owner.node, x, adding: sum)  // SE ends the branch: scale, add, ReLU
        added = true
      } else {
        x = try apply(ops[i], x)
      }
      i += 1
    }
    return (x, added)
  }

  /// The conv at `ops[i]` with the BN (→ ReLU) after it folded in, fed `x` through `inputAffine`, adding `sum`
  /// when it ends the sequence without a ReLU of its own; returns its output, the index of the first op after
  /// what it took, and whether it added `sum`.
  private func convFusion(
    _ ops: [CompiledOp], at i: Int, _ x: Tensor, inputAffine: ChannelAffine?, adding sum: ResidualSum?
  ) throws -> (Tensor, Int, Bool) {
    guard case .node(let node) = ops[i] else { preconditionFailure("convFusion on a non-node op") }
    var j = skipIdentities(ops, from: i + 1)
    var norm: ExecutionNode?
    var relu = false
    if j < ops.count, case .node(let bn) = ops[j], bn.fusable {
      if case .batchNorm2d = bn.module.layer {
        norm = bn
        j += 1
      } else if case .batchNormAct = bn.module.layer, bn.children.allSatisfy(\.fusable),
        !hasObservers || (!bn.isObserved && !bn.children.contains(where: \.isObserved))
      {
        norm = bn
        relu = bn.children.contains { $0.module.layer == .relu }
        j += 1
      }
    }
    var reluNode: ExecutionNode?
    if !relu {
      let k = skipIdentities(ops, from: j)
      if isFusableReLU(ops, k) {
        relu = true
        reluNode = observedNode(ops[k])
        j = k + 1
      }
    }
    if hasObservers, node.isObserved || norm?.isObserved == true || reluNode != nil {
      return try observedConvFusion(node, norm: norm, reluNode: reluNode, relu: relu, x, inputAffine, at: i, next: j)
    }
    if let sum, j == ops.count, !relu {
      let y = try fusedConv(node, norm: norm, relu: sum.relu, x, inputAffine: inputAffine, residual: sum.shortcut)
      return (y, j, true)
    }
    return (try fusedConv(node, norm: norm, relu: relu, x, inputAffine: inputAffine), j, false)
  }

  /// `convFusion` with observers: the conv + BN stored as one tensor, from which the conv's output (through the BN's
  /// inverse), the BN's and the ReLU's are summarised before the ReLU is applied in place; no residual added.
  private func observedConvFusion(
    _ conv: ExecutionNode, norm: ExecutionNode?, reluNode: ExecutionNode?, relu: Bool, _ x: Tensor,
    _ inputAffine: ChannelAffine?, at i: Int, next j: Int
  ) throws -> (Tensor, Int, Bool) {
    var view = DerivedView.stored
    if let norm, conv.isObserved {
      if conv.folded?.with != norm.path { try fold(conv, into: norm) }
      guard let folded = conv.folded,
        let inverse = DerivedView.inverse(scale: folded.scale, bias: folded.bias, convBias: conv.tensors["bias"])
      else {
        // A channel scaled by 0 (or not finite) loses the conv's output: the conv alone, the BN after it.
        let y = try fusedConv(conv, norm: nil, relu: false, x, inputAffine: inputAffine)
        try recordDerived([FusedReport(node: conv, view: .stored)], from: y, relu: false)
        return (y, i + 1, false)
      }
      view = inverse
    }
    let y = try fusedConv(conv, norm: norm, relu: false, x, inputAffine: inputAffine)
    var reports = [FusedReport(node: conv, view: view)]
    if let norm { reports.append(FusedReport(node: norm, view: .stored)) }
    if let reluNode { reports.append(FusedReport(node: reluNode, view: .relu)) }
    try recordDerived(reports, from: y, relu: relu)
    return (y, j, false)
  }

  /// The node of `op` when it is an observed node (a fused ReLU whose output an observer wants).
  private func observedNode(_ op: CompiledOp) -> ExecutionNode? {
    if case .node(let n) = op, n.isObserved { return n }
    return nil
  }

  /// The batch norm `bn` (→ ReLU) as a map that `conv` applies on the way into its GEMM, or nil when `conv`
  /// is not a conv that takes one there (then the batch norm runs as a pass of its own).
  private func inputMap(_ bn: ExecutionNode, relu: Bool, _ x: Tensor, _ conv: ExecutionNode) throws -> ChannelAffine? {
    guard case .conv2d(let c) = conv.module.layer, x.rank == 4, let weight = conv.tensors["weight"] else { return nil }
    guard
      let geometry = try? Conv2dGeometry(
        input: x.shape, weight: weight.shape, stride: c.stride, padding: c.padding, dilation: c.dilation,
        groups: c.groups),
      geometry.mapsInputInGEMM
    else { return nil }
    if let cached = bn.inputMap, cached.relu == relu, cached.channels == x.shape[1] { return cached }
    do {
      let map = try ChannelAffine(
        channels: x.shape[1], runningMean: try bn.tensor("running_mean"), runningVar: try bn.tensor("running_var"),
        weight: bn.tensors["weight"], bias: bn.tensors["bias"], eps: bn.module.batchNormEps, relu: relu)
      bn.inputMap = map
      return map
    } catch let error as TensorError {
      throw ExecutorError.op(path: bn.path, error)
    }
  }

  private func skipIdentities(_ ops: [CompiledOp], from start: Int) -> Int {
    var j = start
    while j < ops.count, case .node(let n) = ops[j], n.isSkippableIdentity { j += 1 }
    return j
  }

  private func isFusableReLU(_ ops: [CompiledOp], _ k: Int) -> Bool {
    guard k < ops.count else { return false }
    switch ops[k] {
    case .relu: return true
    case .node(let n): return n.isFusableReLU
    case .dense, .sigmoid, .flatten, .globalAvgPool, .scale: return false
    }
  }

  /// One op of a sequence, unfused.
  func apply(_ op: CompiledOp, _ x: Tensor) throws -> Tensor {
    switch op {
    case .node(let node): return try run(node, x)
    case .dense(let node):
      let y = try appendDense(x, try denseFeatures(node, x), layer: node)
      if hasObservers, let block = node.parent, !block.isRunning, block.children.last === node {
        if !block.observe.isEmpty { record(block, .output, y) }
        reportContainers(of: block, y)
      }
      return y
    case .relu: return try elementwise(x) { try Ops.relu($0, into: $1) }
    case .sigmoid: return try elementwise(x) { try Ops.sigmoid($0, into: $1) }
    case .flatten: return try x.flattened()
    case .globalAvgPool: return try globalAvgPool(x)
    case .scale(let ops, let owner): return try squeezeExcite(ops, owner: owner.node, x, adding: nil)
    }
  }

  /// A dense layer's new channels: its features, or zeros when it is switched off.
  private func denseFeatures(_ layer: ExecutionNode, _ x: Tensor) throws -> Tensor {
    let features = try run(layer, x)
    if layer.intervention.denseOff {
      features.fill(0)
      recent = nil
    }
    return features
  }

  /// x · gate(x) per channel (an SE block's scaling), recording the gate; with `sum`, its shortcut added and
  /// its ReLU applied in the same pass.
  private func squeezeExcite(
    _ gateOps: [CompiledOp], owner: ExecutionNode, _ x: Tensor, adding sum: ResidualSum?
  ) throws -> Tensor {
    let gate = owner.intervention.gatesOff ? try openGates(x) : try runSequence(gateOps, try globalAvgPool(x))
    record(owner, .attention(.squeezeExcite), try gate.reshaped([gate.shape[0], gate.shape[1]]))
    let out = try pool.acquire(x.shape)
    try Ops.multiply(x, channelScale: gate, residual: sum?.shortcut, fusedReLU: sum?.relu ?? false, into: out)
    return out
  }

  /// Runs one module on `x`, recording its output when observed; op errors name the module's path.
  func run(_ node: ExecutionNode, _ x: Tensor) throws -> Tensor {
    try checkCancelled()
    let y: Tensor
    node.isRunning = true
    defer { node.isRunning = false }
    do {
      y = try compute(node, x)
    } catch let error as TensorError {
      throw ExecutorError.op(path: node.path, error)
    }
    if hasObservers {
      if !node.observe.isEmpty { record(node, .output, y) }
      reportContainers(of: node, y)
    }
    return y
  }

  /// Steps call blocks one by one, so a `Sequential` stage (`layer2`) never runs as a module: when its last
  /// child finishes outside it, its output is that child's, and observers of the stage (and of enclosing
  /// stages it ends) receive it.
  private func reportContainers(of node: ExecutionNode, _ y: Tensor) {
    var child = node
    while let parent = child.parent, !parent.isRunning, parent.children.last === child,
      parent.module.layer == .sequential
    {
      if !parent.observe.isEmpty { record(parent, .output, y) }
      child = parent
    }
  }

  private func compute(_ node: ExecutionNode, _ x: Tensor) throws -> Tensor {
    switch node.module.layer {
    case .conv2d: return try fusedConv(node, norm: nil, relu: false, x)
    case .batchNorm2d: return try batchNorm(node, x, relu: false)
    case .batchNormAct: return try runSequence(node.childOps, try batchNorm(node, x, relu: false))
    case .linear:
      let input = x.rank == 2 ? x : try x.flattened()
      let weight = try node.tensor("weight")
      let out = try pool.acquire([input.shape[0], weight.shape[0]])
      try Ops.linear(input, weight: weight, bias: node.tensors["bias"], into: out)
      return out
    case .relu: return try elementwise(x) { try Ops.relu($0, into: $1) }
    case .sigmoid: return try elementwise(x) { try Ops.sigmoid($0, into: $1) }
    case .identity: return x
    case .flatten: return try x.flattened()
    case .maxPool2d(let p):
      let shape = try Ops.poolOutputShape(
        "maxPool2d", input: x.shape, kernelSize: p.kernel, stride: p.stride, padding: p.padding, ceilMode: p.ceilMode)
      let out = try pool.acquire(shape)
      try Ops.maxPool2d(x, kernelSize: p.kernel, stride: p.stride, padding: p.padding, ceilMode: p.ceilMode, into: out)
      return out
    case .avgPool2d(let p):
      let shape = try Ops.poolOutputShape(
        "avgPool2d", input: x.shape, kernelSize: p.kernel, stride: p.stride, padding: p.padding, ceilMode: p.ceilMode)
      let out = try pool.acquire(shape)
      try Ops.avgPool2d(
        x, kernelSize: p.kernel, stride: p.stride, padding: p.padding, ceilMode: p.ceilMode,
        countIncludePad: p.countIncludePad, into: out)
      return out
    case .adaptiveAvgPool2d: return try globalAvgPool(x)
    case .softmax(let dim):
      let out = try pool.acquire(x.shape)
      try Ops.softmax(x, axis: dim, into: out)
      return out
    case .radixSoftmax(let radix, let cardinality): return try radixSoftmax(x, radix: radix, cardinality: cardinality)
    case .sequential: return try runSequence(node.program, x)
    case .program: return try runSequence(node.program, x)
    case .moduleList:
      throw TensorError(op: "ModuleList", "a module list holds modules and is never called")
    case .residual(let config): return try residual(node, config, x)
    case .denseBlock:
      var features = x
      for layer in node.children {
        features = try appendDense(features, try denseFeatures(layer, features), layer: layer)
      }
      return features
    case .squeezeExcite: return try squeezeExcite(node, x)
    case .selectiveKernel(let config): return try selectiveKernel(node, config, x)
    case .selectiveKernelAttention:
      throw TensorError(
        op: "SelectiveKernelAttn", "runs only inside its SelectiveKernel (it takes the stacked branches)")
    case .skConv(let config): return try skConv(node, config, x)
    case .splitAttention(let config): return try splitAttention(node, config, x)
    }
  }

  /// y = post(body(pre(x)) + shortcut(x or pre(x))); a lone trailing ReLU is fused into the sum.
  private func residual(_ node: ExecutionNode, _ config: ResidualConfig, _ x: Tensor) throws -> Tensor {
    let p = node.pre.isEmpty ? x : try runSequence(node.pre, x)
    let source = config.shortcutFromPre ? p : x
    let fuseReLU = node.post.count == 1 && isFusableReLU(node.post, 0)  // a lone ReLU after the sum
    func shortcut() throws -> Tensor { node.shortcut.isEmpty ? source : try runSequence(node.shortcut, source) }
    if node.intervention.branchOff || node.intervention.shortcutOff {
      return try intervenedResidual(node, p: p, shortcut: shortcut)
    }
    if !hasObservers {
      // Unobserved: the shortcut first, so that the branch's last conv can add it as it stores its output.
      let shortcut = try shortcut()
      let (branch, added) = try runSequence(node.body, p, adding: ResidualSum(shortcut: shortcut, relu: fuseReLU))
      if added { return fuseReLU ? branch : try runSequence(node.post, branch) }
      return try sum(node, branch: branch, shortcut: shortcut, x: x, p: p, fuseReLU: fuseReLU)
    }
    let branch = try runSequence(node.body, p)
    let shortcut = try shortcut()
    if !node.observe.isEmpty {
      record(node, .shortcut, shortcut)
      record(node, .branch, branch)
      recordNorms(node, shortcut: shortcut, branch: branch)
    }
    return try sum(node, branch: branch, shortcut: shortcut, x: x, p: p, fuseReLU: fuseReLU)
  }

  /// post(shortcut) with the branch off, post(branch) with the shortcut off, post(0) with both.
  private func intervenedResidual(_ node: ExecutionNode, p: Tensor, shortcut: () throws -> Tensor) throws -> Tensor {
    let branch = node.intervention.branchOff ? nil : try runSequence(node.body, p)
    let kept = node.intervention.shortcutOff ? nil : try shortcut()
    if !node.observe.isEmpty {
      if let kept { record(node, .shortcut, kept) }
      if let branch { record(node, .branch, branch) }
      recordNorms(node, shortcut: kept, branch: branch)
    }
    let y: Tensor
    if let one = branch ?? kept {
      y = one
    } else {
      // Both off: zeros of the shape the sum would have (the shortcut's, computed for its shape only).
      let zeros = try pool.acquire(try shortcut().shape)
      zeros.fill(0)
      y = zeros
    }
    return node.post.isEmpty ? y : try runSequence(node.post, y)
  }

  /// post(branch + shortcut), with `fuseReLU` when post is a lone ReLU.
  private func sum(
    _ node: ExecutionNode, branch: Tensor, shortcut: Tensor, x: Tensor, p: Tensor, fuseReLU: Bool
  ) throws -> Tensor {
    // The sum goes over the branch when the branch is a buffer of this step that nothing else reads (not
    // the block's input, nor the shortcut; observers hold copies), saving a buffer and its cache traffic.
    let inPlace =
      pool.isLent(branch) && branch.storage !== x.storage && branch.storage !== p.storage
      && branch.storage !== shortcut.storage && branch.isContiguous
    let sum = inPlace ? branch : try pool.acquire(branch.shape)
    recent = nil
    do {
      try Ops.add(branch, shortcut, fusedReLU: fuseReLU, into: sum)
    } catch let error as TensorError {
      throw ExecutorError.op(path: node.path, error)
    }
    // A ReLU observed on the fused pass: its output is the sum's (the block's own record then reuses the statistics).
    if fuseReLU, hasObservers, let relu = observedNode(node.post[0]) { record(relu, .output, sum) }
    return fuseReLU ? sum : try runSequence(node.post, sum)
  }

  /// Conv, optionally with a following batch norm applied to its output as it is stored and ReLU fused in.
  func fusedConv(
    _ conv: ExecutionNode, norm: ExecutionNode?, relu: Bool, _ x: Tensor, inputAffine: ChannelAffine? = nil,
    residual: Tensor? = nil
  ) throws -> Tensor {
    guard case .conv2d(let c) = conv.module.layer else { preconditionFailure("fusedConv on \(conv.module.kind)") }
    let weight = try conv.tensor("weight")
    var bias = conv.tensors["bias"]
    var scale: Tensor?
    if let norm {
      if conv.folded?.with != norm.path { try fold(conv, into: norm) }
      if let folded = conv.folded { (scale, bias) = (folded.scale, folded.bias) }
    }
    do {
      let geometry = try Conv2dGeometry(
        input: x.shape, weight: weight.shape, stride: c.stride, padding: c.padding, dilation: c.dilation,
        groups: c.groups)
      let out = try pool.acquire(geometry.outputShape)
      try Ops.conv2d(
        x, weight: weight, bias: bias, stride: c.stride, padding: c.padding, dilation: c.dilation, groups: c.groups,
        fusedReLU: relu, inputAffine: inputAffine, outputScale: scale, residual: residual, into: out,
        workspace: workspace)
      return out
    } catch let error as TensorError {
      throw ExecutorError.op(path: conv.path, error)
    }
  }

  /// Computes and caches `norm` as `conv`'s output map (scale γ/√(var+eps) and a shifted bias per channel),
  /// so that the weights are kept once, as loaded.
  func fold(_ conv: ExecutionNode, into norm: ExecutionNode) throws {
    do {
      let f = try Ops.batchNormOutputMap(
        channels: try conv.tensor("weight").shape[0], convBias: conv.tensors["bias"],
        runningMean: try norm.tensor("running_mean"), runningVar: try norm.tensor("running_var"),
        weight: norm.tensors["weight"], bias: norm.tensors["bias"], eps: norm.module.batchNormEps)
      conv.folded = (norm.path, f.scale, f.bias)
    } catch let error as TensorError {
      throw ExecutorError.op(path: norm.path, error)
    }
  }

  /// Inference batch norm with running statistics, optionally fused with the ReLU after it.
  func batchNorm(_ node: ExecutionNode, _ x: Tensor, relu: Bool) throws -> Tensor {
    let out = try pool.acquire(x.shape)
    do {
      try Ops.batchNorm2d(
        x, runningMean: try node.tensor("running_mean"), runningVar: try node.tensor("running_var"),
        weight: node.tensors["weight"], bias: node.tensors["bias"], eps: node.module.batchNormEps, fusedReLU: relu,
        into: out)
    } catch let error as TensorError {
      throw ExecutorError.op(path: node.path, error)
    }
    return out
  }

  func elementwise(_ x: Tensor, _ body: (Tensor, Tensor) throws -> Void) throws -> Tensor {
    let out = try pool.acquire(x.shape)
    try body(x, out)
    return out
  }

  /// mean over H×W, kept N×C×1×1.
  func globalAvgPool(_ x: Tensor) throws -> Tensor {
    guard x.rank == 4 else {
      throw TensorError(op: "globalAvgPool", "input must be N×C×H×W, got \(formatShape(x.shape))")
    }
    let out = try pool.acquire([x.shape[0], x.shape[1], 1, 1])
    try Ops.globalAvgPool(x, into: out)
    return out
  }

  /// cat_C(x, features) for a DenseNet layer, written in place: the first layer of a block allocates one
  /// buffer for the block's final width and copies the block input into it; every layer then writes only its
  /// k new channels, and x is a view of the channels filled so far (not contiguous when N > 1).
  func appendDense(_ x: Tensor, _ features: Tensor, layer: ExecutionNode) throws -> Tensor {
    let (c, k) = (x.shape[1], features.shape[1])
    if let full = denseBuffer, full.storage === x.storage, full.offset == x.offset, full.batchStride == x.batchStride,
      full.shape[0] == x.shape[0], full.shape.dropFirst(2) == x.shape.dropFirst(2), c + k <= full.shape[1]
    {
      let out = try full.channels(0..<(c + k))
      try Ops.concat(channels: [x, features], into: out)  // x is already in place: only the k new channels move
      return out
    }
    // Layers left in this block, this one included, each adding k channels.
    let dot = layer.path.lastIndex(of: ".")
    let siblings = dot.flatMap { node(at: String(layer.path[..<$0]))?.children } ?? [layer]
    let remaining = siblings.firstIndex { $0 === layer }.map { siblings.count - $0 } ?? 1
    var shape = x.shape
    shape[1] = c + k * remaining
    let full = try pool.acquire(shape)
    denseBuffer = full
    let out = try full.channels(0..<(c + k))
    try Ops.concat(channels: [x, features], into: out)
    return out
  }
}

extension Module {
  /// The eps of a batch-norm module (1e-5 unless configured), as Float.
  var batchNormEps: Float {
    switch layer {
    case .batchNorm2d(let c), .batchNormAct(let c): return Float(c.eps)
    case .conv2d, .linear, .relu, .sigmoid, .identity, .flatten, .maxPool2d, .avgPool2d, .adaptiveAvgPool2d, .softmax,
      .radixSoftmax, .sequential, .moduleList, .program, .residual, .denseBlock, .squeezeExcite, .selectiveKernel,
      .selectiveKernelAttention, .skConv, .splitAttention:
      return 1e-5
    }
  }
}
