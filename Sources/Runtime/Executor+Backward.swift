// The backward pass: an unfused forward over the compiled network that records a gradient tape, mirroring
// Executor+Forward and Executor+Attention op for op (interventions included), then the tape replayed backwards.
import Foundation
import Graph
import TensorCore

extension Executor {
  /// One forward and backward pass over the executor's weights, input and interventions (observers are not
  /// used; the fused forward's state is left as it was). Throws `ExecutorError.cancelled` on `cancel()`, and then
  /// reports nothing: no gradient of a cancelled pass leaves it. `inputGradient: false` skips ∂L/∂input (the
  /// report's is then zeros), as PyTorch does for an input that does not require grad. `progress` is called on
  /// the running thread after each op of the backward with (ops done, ops recorded). `nodeGradients`: also
  /// measure ‖∂L/∂output‖₂ of every node run (the explorer's details; off for `grad`).
  package func backward(
    _ objective: GradientObjective, camLayer: CAMLayer? = nil, inputGradient: Bool = true,
    nodeGradients: Bool = false, progress: ((_ done: Int, _ total: Int) -> Void)? = nil
  ) throws -> GradientReport {
    guard let input else { throw ExecutorError.noInput }
    cancellation.set(false)
    let clock = ContinuousClock()
    let start = clock.now
    let startCPU = processCPUSeconds()
    let recorder = TapeRecorder(executor: self, cam: camLayer)
    recorder.measuresNodes = nodeGradients
    let x = inputGradient ? recorder.tape.leaf(input) : recorder.tape.constant(input)
    var value = x
    var stepOutputs: [TapeValue] = []
    for (index, step) in network.steps.enumerated() {
      try checkCancelled()
      value = try recorder.sequence(try root.resolve(step.ops), value)
      let name = step.name
      value = recorder.tape.watch(value) { [weak recorder] g in recorder?.stepNorms[index] = (name, Ops.l2Norm(g)) }
      stepOutputs.append(value)
    }
    let logits = value.tensor
    guard logits.rank == 2 else {
      throw ExecutorError.badInput(expected: "a network ending in N×classes", got: logits.shape)
    }
    let forwardEnd = clock.now
    let forwardEndCPU = processCPUSeconds()
    let savedBytes = recorder.tape.savedBytes
    let recordedOps = recorder.tape.count
    let (seed, loss, target) = try objective.seed(logits)
    let camNode = recorder.camValue
    let grads = try recorder.tape.backward(from: value, seed: seed) { done in
      progress?(done, recordedOps)
      if cancellation.isSet { throw ExecutorError.cancelled(step: "backward") }
    }
    let end = clock.now
    let endCPU = processCPUSeconds()
    func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18 }
    let inputGradient = try (x.isConstant ? nil : grads[x.id]) ?? Tensor(zeros: input.shape)
    var parameters: [ParameterGradient] = []
    for spec in parameterSpecs where !spec.isCounter {
      let dot = spec.key.lastIndex(of: ".")
      let path = dot.map { String(spec.key[..<$0]) } ?? ""
      let name = dot.map { String(spec.key[spec.key.index(after: $0)...]) } ?? spec.key
      guard name == "weight" || name == "bias", let node = node(at: path), let value = node.tensors[name] else {
        continue
      }
      let grad = try recorder.parameterGrads[spec.key] ?? Tensor(zeros: value.shape)
      parameters.append(ParameterGradient(key: spec.key, path: path, name: name, value: value, gradient: grad))
    }
    let residuals = recorder.residualOrder.map { path in
      ResidualGradient(
        path: path, shortcut: recorder.residualNorms[path]?.shortcut ?? 0,
        branch: recorder.residualNorms[path]?.branch ?? 0)
    }
    var cam: CAMGradient?
    if let (path, activation) = camNode {
      let gradient = try recorder.camGradient ?? Tensor(zeros: activation.shape)
      cam = CAMGradient(layer: path, activation: activation.tensor, gradient: gradient)
    }
    var report = GradientReport(
      logits: logits, target: target, loss: loss,
      steps: network.steps.indices.map { recorder.stepNorms[$0] ?? (network.steps[$0].name, 0) }.map {
        StepGradient(name: $0.0, norm: $0.1)
      },
      parameters: parameters, inputGradient: inputGradient, residuals: residuals, cam: cam, savedBytes: savedBytes,
      recordedOps: recordedOps, forwardSeconds: seconds(start.duration(to: forwardEnd)),
      backwardSeconds: seconds(forwardEnd.duration(to: end)), forwardCPUSeconds: forwardEndCPU - startCPU,
      backwardCPUSeconds: endCPU - forwardEndCPU)
    report.nodeOutputs = recorder.nodeNorms
    return report
  }
}

/// CPU time of every thread of this process so far (CLOCK_PROCESS_CPUTIME_ID): a pass's cost that other processes'
/// load on shared cores does not inflate as it does wall time.
package func processCPUSeconds() -> Double {
  var t = timespec()
  guard clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t) == 0 else { return 0 }
  return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
}

/// Records the tape of one forward: each function computes what its `Executor` twin computes, unfused.
final class TapeRecorder {
  let executor: Executor
  let tape = GradientTape()
  /// Gradients of parameters by state-dict key, accumulated by the ops that use them.
  var parameterGrads: [String: Tensor] = [:]
  var stepNorms: [Int: (String, Double)] = [:]
  var residualNorms: [String: (shortcut: Double, branch: Double)] = [:]
  var residualOrder: [String] = []
  let cam: CAMLayer?
  /// The Grad-CAM layer's activation (the last one computed) and its gradient.
  var camValue: (String, TapeValue)?
  var camGradient: Tensor?
  private var camWatch = 0
  /// Whether every node's output gradient is measured, into `nodeNorms` (by module path; the last run wins).
  var measuresNodes = false
  var nodeNorms: [String: Double] = [:]
  private var running: Set<ObjectIdentifier> = []

  init(executor: Executor, cam: CAMLayer?) {
    self.executor = executor
    self.cam = cam
  }

  // MARK: - Sequences and modules

  func sequence(_ ops: [CompiledOp], _ input: TapeValue) throws -> TapeValue {
    var x = input
    for op in ops {
      try executor.checkCancelled()
      x = try apply(op, x)
    }
    return x
  }

  private func apply(_ op: CompiledOp, _ x: TapeValue) throws -> TapeValue {
    switch op {
    case .node(let node): return try run(node, x)
    case .dense(let node):
      let y = try concat([x, try denseFeatures(node, x)])
      // A dense block that steps run layer by layer ends with its last layer (as `Executor.apply` reports it).
      guard let block = node.parent, !running.contains(ObjectIdentifier(block)), block.children.last === node else {
        return y
      }
      if let cam, case .path(let path) = cam, path == block.path { return containerOutputs(of: block, mark(y, path)) }
      return containerOutputs(of: block, y)
    case .relu: return try relu(x)
    case .sigmoid: return try sigmoid(x)
    case .flatten: return try reshape(x, Array(x.shape[..<1]) + [x.tensor.sampleCount])
    case .globalAvgPool: return try globalPool(x)
    case .scale(let gateOps, let owner): return try scale(gateOps, owner: owner.node, x)
    }
  }

  private func denseFeatures(_ layer: ExecutionNode, _ x: TapeValue) throws -> TapeValue {
    guard layer.intervention.denseOff else { return try run(layer, x) }
    tape.recording = false
    defer { tape.recording = true }
    let features = try run(layer, x).tensor
    return tape.constant(try Tensor(zeros: features.shape))
  }

  private func run(_ node: ExecutionNode, _ x: TapeValue) throws -> TapeValue {
    try executor.checkCancelled()
    running.insert(ObjectIdentifier(node))
    defer { running.remove(ObjectIdentifier(node)) }
    var y: TapeValue
    do {
      y = try compute(node, x)
    } catch let error as TensorError {
      throw ExecutorError.op(path: node.path, error)
    }
    if let cam, case .path(let path) = cam, path == node.path { y = mark(y, path) }
    if measuresNodes {
      let path = node.path
      y = tape.watch(y) { [weak self] g in self?.nodeNorms[path] = Ops.l2Norm(g) }
    }
    running.remove(ObjectIdentifier(node))
    return containerOutputs(of: node, y)
  }

  /// A `Sequential` stage that steps run child by child ends with its last child: a Grad-CAM layer naming the
  /// stage takes that output (as `Executor.reportContainers` reports it).
  private func containerOutputs(of node: ExecutionNode, _ y: TapeValue) -> TapeValue {
    guard let cam, case .path(let path) = cam else { return y }
    var child = node
    var y = y
    while let parent = child.parent, !running.contains(ObjectIdentifier(parent)), parent.children.last === child,
      parent.module.layer == .sequential
    {
      if parent.path == path { y = mark(y, path) }
      child = parent
    }
    return y
  }

  /// Watches `y` as the Grad-CAM layer (the last computation wins, as a forward hook sees it).
  private func mark(_ y: TapeValue, _ path: String) -> TapeValue {
    camWatch += 1
    let ticket = camWatch
    let watched = tape.watch(y) { [weak self] g in
      if self?.camWatch == ticket { self?.camGradient = g }
    }
    camValue = (path, watched)
    return watched
  }

  private func compute(_ node: ExecutionNode, _ x: TapeValue) throws -> TapeValue {
    switch node.module.layer {
    case .conv2d(let c): return try conv(node, c, x)
    case .batchNorm2d: return try batchNorm(node, x)
    case .batchNormAct: return try sequence(node.childOps, try batchNorm(node, x))
    case .linear: return try linear(node, x.tensor.rank == 2 ? x : try reshape(x, [x.shape[0], x.tensor.sampleCount]))
    case .relu: return try relu(x)
    case .sigmoid: return try sigmoid(x)
    case .identity: return x
    case .flatten: return try reshape(x, [x.shape[0], x.tensor.sampleCount])
    case .maxPool2d(let p):
      let y = try Ops.maxPool2d(
        x.tensor, kernelSize: p.kernel, stride: p.stride, padding: p.padding, ceilMode: p.ceilMode)
      return tape.record(y, inputs: [x], saving: [x.tensor]) { g, saved in
        [
          try Ops.maxPool2dBackward(
            saved[0], gradOutput: g, kernelSize: p.kernel, stride: p.stride, padding: p.padding, ceilMode: p.ceilMode)
        ]
      }
    case .avgPool2d(let p):
      let y = try Ops.avgPool2d(
        x.tensor, kernelSize: p.kernel, stride: p.stride, padding: p.padding, ceilMode: p.ceilMode,
        countIncludePad: p.countIncludePad)
      let shape = x.shape
      return tape.record(y, inputs: [x]) { g, _ in
        [
          try Ops.avgPool2dBackward(
            inputShape: shape, gradOutput: g, kernelSize: p.kernel, stride: p.stride, padding: p.padding,
            ceilMode: p.ceilMode, countIncludePad: p.countIncludePad)
        ]
      }
    case .adaptiveAvgPool2d: return try globalPool(x)
    case .softmax(let dim):
      let y = try Ops.softmax(x.tensor, axis: dim)
      return tape.record(y, inputs: [x], saving: [y]) { g, saved in
        [try Ops.softmaxBackward(g, output: saved[0], axis: dim)]
      }
    case .radixSoftmax(let radix, let cardinality):
      if radix == 1 { return try sigmoid(x) }
      let y = try Ops.radixSoftmax(x.tensor, radix: radix, cardinality: cardinality)
      let shape = x.shape
      return tape.record(y, inputs: [x], saving: [y]) { g, saved in
        [try Ops.radixSoftmaxBackward(g, output: saved[0], radix: radix, cardinality: cardinality).reshaped(shape)]
      }
    case .sequential, .program: return try sequence(node.program, x)
    case .moduleList: throw TensorError(op: "ModuleList", "a module list holds modules and is never called")
    case .residual(let config): return try residual(node, config, x)
    case .denseBlock:
      var features = x
      for layer in node.children { features = try concat([features, try denseFeatures(layer, features)]) }
      return features
    case .squeezeExcite:
      let gate =
        node.intervention.gatesOff ? try openGates(x) : try sequence(node.childOps, try globalPool(x))
      return try multiply(x, gate)
    case .selectiveKernel(let config): return try selectiveKernel(node, config, x)
    case .selectiveKernelAttention:
      throw TensorError(
        op: "SelectiveKernelAttn", "runs only inside its SelectiveKernel (it takes the stacked branches)")
    case .skConv(let config): return try skConv(node, config, x)
    case .splitAttention(let config): return try splitAttention(node, config, x)
    }
  }

  // MARK: - Blocks

  /// y = post(body(pre(x)) + shortcut(x or pre(x))), with the branch or the shortcut off as the executor does;
  /// the gradients arriving at the branch's and the shortcut's inputs are measured on the way back.
  private func residual(_ node: ExecutionNode, _ config: ResidualConfig, _ x: TapeValue) throws -> TapeValue {
    let path = node.path
    if residualNorms[path] == nil { residualOrder.append(path) }
    residualNorms[path] = (0, 0)
    let p = node.pre.isEmpty ? x : try sequence(node.pre, x)
    let source = config.shortcutFromPre ? p : x
    func shortcut() throws -> TapeValue {
      let s = tape.watch(source) { [weak self] g in self?.residualNorms[path]?.shortcut = Ops.l2Norm(g) }
      return node.shortcut.isEmpty ? s : try sequence(node.shortcut, s)
    }
    func branch() throws -> TapeValue {
      let b = tape.watch(p) { [weak self] g in self?.residualNorms[path]?.branch = Ops.l2Norm(g) }
      return try sequence(node.body, b)
    }
    let y: TapeValue
    if node.intervention.branchOff || node.intervention.shortcutOff {
      let b = node.intervention.branchOff ? nil : try branch()
      let s = node.intervention.shortcutOff ? nil : try shortcut()
      if let one = b ?? s {
        y = one
      } else {
        tape.recording = false
        defer { tape.recording = true }
        y = tape.constant(try Tensor(zeros: try shortcut().shape))
      }
    } else {
      let b = try branch()
      y = try add(b, try shortcut())
    }
    return node.post.isEmpty ? y : try sequence(node.post, y)
  }

  /// x ⊙ gate(mean_HW x), the seed's inline SE (gates 1 when switched off).
  private func scale(_ gateOps: [CompiledOp], owner: ExecutionNode, _ x: TapeValue) throws -> TapeValue {
    let gate = owner.intervention.gatesOff ? try openGates(x) : try sequence(gateOps, try globalPool(x))
    return try multiply(x, gate)
  }

  private func selectiveKernel(_ node: ExecutionNode, _ config: SelectiveKernelConfig, _ x: TapeValue) throws
    -> TapeValue
  {
    let paths = try node.child("paths")
    let m = config.branches
    let split = x.shape[1] / m
    var branches: [TapeValue] = []
    for i in 0..<m {
      let input = config.splitInput ? try channels(x, i * split..<(i + 1) * split) : x
      branches.append(try run(try paths.child(String(i)), input))
    }
    let (n, c) = (x.shape[0], branches[0].shape[1])
    if let mixing = node.intervention.mixing {
      return try weightedSum(branches, try fixed(mixing, n, m, c, gate: false))
    }
    let attn = try node.child("attn")
    let logits = try sequence(attn.childOps, try globalPool(try sum(branches)))  // N×(M·C)×1×1
    let weights = try softmax(try reshape(logits, [n, m, logits.shape[1] / m]), axis: 1)
    return try weightedSum(branches, weights)
  }

  private func skConv(_ node: ExecutionNode, _ config: SKConvConfig, _ x: TapeValue) throws -> TapeValue {
    let convs = try node.child("convs")
    let fcs = try node.child("fcs")
    let m = config.branches
    var branches: [TapeValue] = []
    for i in 0..<m { branches.append(try run(try convs.child(String(i)), x)) }
    let (n, c) = (x.shape[0], branches[0].shape[1])
    if let mixing = node.intervention.mixing {
      return try weightedSum(branches, try fixed(mixing, n, m, c, gate: false))
    }
    let pooled = try run(try node.child("gap"), try sum(branches))
    let z = try run(try node.child("fc"), try reshape(pooled, [n, pooled.tensor.sampleCount]))  // N×d
    var rows: [TapeValue] = []
    for i in 0..<m {
      let v = try run(try fcs.child(String(i)), z)  // N×C
      rows.append(try reshape(v, [n, 1, v.shape[1]]))
    }
    let weights = try run(try node.child("softmax"), try concat(rows))
    return try weightedSum(branches, weights)
  }

  private func splitAttention(_ node: ExecutionNode, _ config: SplitAttentionConfig, _ x: TapeValue) throws
    -> TapeValue
  {
    let u = try sequence(node.head, x)
    let r = config.radix
    let c = u.shape[1] / r
    let chunks = try (0..<r).map { try channels(u, $0 * c..<($0 + 1) * c) }
    let n = x.shape[0]
    if let mixing = node.intervention.mixing {
      return try weightedSum(chunks, try fixed(mixing, n, r, c, gate: r == 1))
    }
    let a = try sequence(node.tail, try globalPool(r == 1 ? u : try sum(chunks)))
    return try weightedSum(chunks, try reshape(a, [n, r, c]))
  }

  /// The fixed mixing of an intervention as constant weights N×M×C (see `Executor.fix`).
  private func fixed(_ mixing: NodeIntervention.Mixing, _ n: Int, _ m: Int, _ c: Int, gate: Bool) throws -> TapeValue {
    let weights = try Tensor(zeros: [n, m, c])
    for s in 0..<n {
      for branch in 0..<m {
        let value: Float
        switch mixing {
        case .uniform: value = gate ? 1 : 1 / Float(m)
        case .only(let k): value = branch == k ? 1 : 0
        }
        (weights.sample(s) + branch * c).update(repeating: value, count: c)
      }
    }
    return tape.constant(weights)
  }

  private func openGates(_ x: TapeValue) throws -> TapeValue {
    tape.constant(try Tensor(filled: 1, shape: [x.shape[0], x.shape[1], 1, 1]))
  }

  // MARK: - Differentiable ops

  private func conv(_ node: ExecutionNode, _ c: Conv2dConfig, _ x: TapeValue) throws -> TapeValue {
    let weight = try node.tensor("weight")
    let bias = node.tensors["bias"]
    let y = try Ops.conv2d(
      x.tensor, weight: weight, bias: bias, stride: c.stride, padding: c.padding, dilation: c.dilation, groups: c.groups
    )
    let path = node.path
    let needsInput = !x.isConstant  // the network's input, unless asked for: no ∂L/∂x to compute
    return tape.record(y, inputs: [x], saving: [x.tensor, weight], parameters: true) { [weak self] g, saved in
      let grads = try Ops.conv2dBackward(
        saved[0], weight: saved[1], gradOutput: g, stride: c.stride, padding: c.padding, dilation: c.dilation,
        groups: c.groups, inputGradient: needsInput, workspace: self?.executor.workspace)
      try self?.accumulate(Module.join(path, "weight"), grads.weight)
      if bias != nil { try self?.accumulate(Module.join(path, "bias"), grads.bias) }
      return [grads.input]
    }
  }

  private func batchNorm(_ node: ExecutionNode, _ x: TapeValue) throws -> TapeValue {
    let (mean, variance) = (try node.tensor("running_mean"), try node.tensor("running_var"))
    let (weight, bias, eps) = (node.tensors["weight"], node.tensors["bias"], node.module.batchNormEps)
    let y = try Ops.batchNorm2d(x.tensor, runningMean: mean, runningVar: variance, weight: weight, bias: bias, eps: eps)
    let path = node.path
    return tape.record(y, inputs: [x], saving: [x.tensor], parameters: true) { [weak self] g, saved in
      let grads = try Ops.batchNorm2dBackward(
        saved[0], gradOutput: g, runningMean: mean, runningVar: variance, weight: weight, eps: eps)
      if weight != nil { try self?.accumulate(Module.join(path, "weight"), grads.weight) }
      if bias != nil { try self?.accumulate(Module.join(path, "bias"), grads.bias) }
      return [grads.input]
    }
  }

  private func linear(_ node: ExecutionNode, _ x: TapeValue) throws -> TapeValue {
    let weight = try node.tensor("weight")
    let bias = node.tensors["bias"]
    let y = try Ops.linear(x.tensor, weight: weight, bias: bias)
    let path = node.path
    return tape.record(y, inputs: [x], saving: [x.tensor, weight], parameters: true) { [weak self] g, saved in
      let grads = try Ops.linearBackward(saved[0], weight: saved[1], gradOutput: g)
      try self?.accumulate(Module.join(path, "weight"), grads.weight)
      if bias != nil { try self?.accumulate(Module.join(path, "bias"), grads.bias) }
      return [grads.input]
    }
  }

  private func accumulate(_ key: String, _ grad: Tensor) throws {
    if let existing = parameterGrads[key] {
      try Ops.accumulate(grad, into: existing)
    } else {
      parameterGrads[key] = grad
    }
  }

  private func relu(_ x: TapeValue) throws -> TapeValue {
    let y = try Ops.relu(x.tensor)
    return tape.record(y, inputs: [x], saving: [y]) { g, saved in [try Ops.reluBackward(g, output: saved[0])] }
  }

  private func sigmoid(_ x: TapeValue) throws -> TapeValue {
    let y = try Ops.sigmoid(x.tensor)
    return tape.record(y, inputs: [x], saving: [y]) { g, saved in [try Ops.sigmoidBackward(g, output: saved[0])] }
  }

  private func softmax(_ x: TapeValue, axis: Int) throws -> TapeValue {
    let y = try Ops.softmax(x.tensor, axis: axis)
    return tape.record(y, inputs: [x], saving: [y]) { g, saved in
      [try Ops.softmaxBackward(g, output: saved[0], axis: axis)]
    }
  }

  /// mean over H×W kept N×C×1×1; the Grad-CAM default layer is the input of the last one (the head's).
  private func globalPool(_ x: TapeValue) throws -> TapeValue {
    var x = x
    if let cam, case .poolInput = cam { x = mark(x, "") }
    let shape = x.shape
    guard shape.count == 4 else {
      throw TensorError(op: "globalAvgPool", "input must be N×C×H×W, got \(formatShape(shape))")
    }
    let y = try Ops.globalAvgPool(x.tensor)
    return tape.record(y, inputs: [x]) { g, _ in [try Ops.globalAvgPoolBackward(inputShape: shape, gradOutput: g)] }
  }

  private func reshape(_ x: TapeValue, _ shape: [Int]) throws -> TapeValue {
    let y = try x.tensor.reshaped(shape)
    let original = x.shape
    return tape.record(y, inputs: [x]) { g, _ in [try g.reshaped(original)] }
  }

  /// Channels `range` of x, as a contiguous copy.
  private func channels(_ x: TapeValue, _ range: Range<Int>) throws -> TapeValue {
    let y = try x.tensor.channels(range).copy()
    let shape = x.shape
    return tape.record(y, inputs: [x]) { g, _ in
      let dx = try Tensor(zeros: shape)
      try g.copy(into: try dx.channels(range))
      return [dx]
    }
  }

  /// Concatenation along dimension 1.
  private func concat(_ parts: [TapeValue]) throws -> TapeValue {
    let y = try Ops.concat(channels: parts.map(\.tensor))
    let channels = parts.map { $0.shape[1] }
    return tape.record(y, inputs: parts) { g, _ in try Ops.concatBackward(g, channels: channels) }
  }

  private func add(_ a: TapeValue, _ b: TapeValue) throws -> TapeValue {
    let y = try Ops.add(a.tensor, b.tensor)
    return tape.record(y, inputs: [a, b]) { g, _ in [g, g] }
  }

  private func sum(_ values: [TapeValue]) throws -> TapeValue {
    var total = values[0]
    for v in values.dropFirst() { total = try add(total, v) }
    return total
  }

  /// x ⊙ s, s N×C×1×1 per channel.
  private func multiply(_ x: TapeValue, _ s: TapeValue) throws -> TapeValue {
    let y = try Ops.multiply(x.tensor, channelScale: s.tensor)
    return tape.record(y, inputs: [x, s], saving: [x.tensor, s.tensor]) { g, saved in
      let grads = try Ops.multiplyBackward(saved[0], channelScale: saved[1], gradOutput: g)
      return [grads.input, grads.scale]
    }
  }

  /// Σ_m weights[:, m, :] ⊙ branches[m] for weights N×M×C.
  private func weightedSum(_ branches: [TapeValue], _ weights: TapeValue) throws -> TapeValue {
    let (n, m, c) = (weights.shape[0], weights.shape[1], weights.shape[2])
    let flat = try reshape(weights, [n, m * c, 1, 1])
    var total: TapeValue?
    for i in 0..<m {
      let term = try multiply(branches[i], try channels(flat, i * c..<(i + 1) * c))
      total = try total.map { try add($0, term) } ?? term
    }
    guard let total else { throw TensorError(op: "weightedSum", "needs at least one branch") }
    return total
  }
}
