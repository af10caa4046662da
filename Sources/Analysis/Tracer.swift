/// Runs a network's dataflow on shapes only, accumulating each node's counts (the engine of `Analysis`).
///
/// It interprets exactly the semantics documented on `Layer` and `Op`, so the executor and this tracer agree.
import Graph

final class Tracer {
  /// A tensor as the tracer sees it: its shape and the receptive field / jump of one of its elements.
  struct Value {
    var shape: [Int]
    var field: Int
    var jump: Int
    var count: Int { shape.reduce(1, *) }
  }

  /// What one node accumulates over its calls.
  struct Record {
    var output: Value?
    var macs = 0
    var elementOps = 0
    var activationBytes = 0
    var uncounted: [String] = []
    /// Elements normalised by batch norm (fvcore counts 2 per element in eval mode).
    var batchNormElements = 0
    /// Input elements of adaptive average pooling ops (fvcore counts one per element).
    var adaptivePoolElements = 0
  }

  private let root: Module
  private var records: [String: Record] = [:]

  init(root: Module) {
    self.root = root
  }

  /// Traces one forward pass for an N×C×H×W input.
  func trace(_ inputShape: [Int]) throws {
    guard inputShape.count == 4, inputShape.allSatisfy({ $0 > 0 }) else {
      throw AnalysisError.badInput(shape: inputShape, expected: "N×C×H×W with every size ≥ 1")
    }
    _ = try run(root, path: "", Value(shape: inputShape, field: 1, jump: 1))
  }

  // MARK: - Modules

  private func run(_ module: Module, path: String, _ x: Value) throws -> Value {
    let y = try compute(module, path: path, x)
    records[path, default: Record()].output = y
    if module.children.isEmpty && module.layer.allocates { charge(path, activation: y) }
    return y
  }

  private func compute(_ m: Module, path: String, _ x: Value) throws -> Value {
    switch m.layer {
    case .conv2d(let c):
      try expectChannels(m, path, x, c.inChannels, rank: 4)
      let (oh, ow) = try window(
        m, path, x, kernel: c.dilation * (c.kernel - 1) + 1, stride: c.stride, padding: c.padding, ceil: false)
      let y = Value(
        shape: [x.shape[0], c.outChannels, oh, ow], field: x.field + (c.kernel - 1) * c.dilation * x.jump,
        jump: x.jump * c.stride)
      charge(path, macs: y.count * (c.inChannels / c.groups) * c.kernel * c.kernel, ops: c.bias ? y.count : 0)
      return y
    case .batchNorm2d(let c):
      try expectChannels(m, path, x, c.channels, rank: 4)
      charge(path, ops: 2 * x.count)
      records[path, default: Record()].batchNormElements += x.count
      return x
    case .batchNormAct(let c):
      try expectChannels(m, path, x, c.channels, rank: 4)
      charge(path, ops: 2 * x.count, activation: x)
      records[path, default: Record()].batchNormElements += x.count
      return try runChildren(m, path, x)
    case .linear(let c):
      guard x.shape.count == 2, x.shape[1] == c.inFeatures else {
        throw AnalysisError.shapeMismatch(node: path, kind: m.kind, expected: "N×\(c.inFeatures)", got: x.shape)
      }
      let y = Value(shape: [x.shape[0], c.outFeatures], field: x.field, jump: x.jump)
      charge(path, macs: x.count * c.outFeatures, ops: c.bias ? y.count : 0)
      return y
    case .relu, .sigmoid:
      charge(path, ops: x.count)
      return x
    case .identity:
      return x
    case .flatten:
      return flattened(x)
    case .maxPool2d(let p), .avgPool2d(let p):
      try expectRank(m, path, x, 4)
      let (oh, ow) = try window(m, path, x, kernel: p.kernel, stride: p.stride, padding: p.padding, ceil: p.ceilMode)
      let y = Value(
        shape: [x.shape[0], x.shape[1], oh, ow], field: x.field + (p.kernel - 1) * x.jump, jump: x.jump * p.stride)
      // Max: k²−1 comparisons per output; average: k²−1 adds and one divide.
      let perOutput = p.kernel * p.kernel - (m.layer == .maxPool2d(p) ? 1 : 0)
      charge(path, ops: y.count * perOutput)
      return y
    case .adaptiveAvgPool2d:
      try expectRank(m, path, x, 4)
      charge(path, ops: x.count)
      records[path, default: Record()].adaptivePoolElements += x.count
      return pooled(x)
    case .softmax:
      charge(path, ops: 3 * x.count)
      return x
    case .radixSoftmax(let radix, _):
      guard x.shape.count == 4, x.shape[2] == 1, x.shape[3] == 1 else {
        throw AnalysisError.shapeMismatch(node: path, kind: m.kind, expected: "N×C×1×1", got: x.shape)
      }
      charge(path, ops: (radix > 1 ? 3 : 1) * x.count)
      // timm's RadixSoftmax reshapes to N×(R·C) for a softmax; with radix 1 its sigmoid keeps N×C×1×1.
      return radix > 1 ? flattened(x) : x
    case .sequential:
      return try runChildren(m, path, x)
    case .moduleList:
      throw AnalysisError.malformed(node: path, reason: "a ModuleList cannot be called")
    case .program(let ops):
      return try runOps(ops, owner: m, ownerPath: path, x)
    case .residual(let r):
      let pre = try runOps(r.pre, owner: m, ownerPath: path, x)
      let body = try runOps(r.body, owner: m, ownerPath: path, pre)
      let shortcut = try runOps(r.shortcut, owner: m, ownerPath: path, r.shortcutFromPre ? pre : x)
      guard body.shape == shortcut.shape else {
        throw AnalysisError.shapeMismatch(
          node: path, kind: m.kind, expected: "shortcut \(AnalysisError.format(body.shape))", got: shortcut.shape)
      }
      let sum = Value(shape: body.shape, field: max(body.field, shortcut.field), jump: max(body.jump, shortcut.jump))
      charge(path, ops: sum.count, activation: sum)
      return try runOps(r.post, owner: m, ownerPath: path, sum)
    case .denseBlock:
      var state = x
      for child in m.children {
        state = try concatenate(state, run(child, path: Module.join(path, child.name), state), at: path, m)
      }
      return state
    case .squeezeExcite:
      return try scale(x, path: path, kind: m.kind) { try self.runChildren(m, path, $0) }
    case .selectiveKernel(let c):
      return try selectiveKernel(m, path, x, c)
    case .selectiveKernelAttention(let branches, let channels):
      guard x.shape.count == 5, x.shape[1] == branches, x.shape[2] == channels else {
        throw AnalysisError.shapeMismatch(
          node: path, kind: m.kind, expected: "N×\(branches)×\(channels)×H×W", got: x.shape)
      }
      let n = x.shape[0]
      let summed = Value(shape: [n, channels, x.shape[3], x.shape[4]], field: x.field, jump: x.jump)
      charge(path, ops: (branches - 1) * summed.count + summed.count)
      let logits = try runChildren(m, path, pooled(summed))
      try expectShape(m, path, logits, [n, branches * channels, 1, 1])
      charge(path, ops: 3 * logits.count)
      return Value(shape: [n, branches, channels, 1, 1], field: logits.field, jump: logits.jump)
    case .skConv(let c):
      return try skConv(m, path, x, c)
    case .splitAttention(let c):
      return try splitAttention(m, path, x, c)
    }
  }

  // MARK: - Attention blocks

  private func selectiveKernel(_ m: Module, _ path: String, _ x: Value, _ c: SelectiveKernelConfig) throws -> Value {
    try expectRank(m, path, x, 4)
    let paths = try children(of: m, path, "paths", count: c.branches)
    var input = x
    if c.splitInput {
      guard x.shape[1] % c.branches == 0 else {
        throw AnalysisError.shapeMismatch(
          node: path, kind: m.kind, expected: "channels divisible by \(c.branches)", got: x.shape)
      }
      input.shape[1] = x.shape[1] / c.branches
    }
    let branches = try paths.map { try run($0.module, path: $0.path, input) }
    let u = try sameShape(branches, m, path)
    let stacked = Value(
      shape: [u.shape[0], c.branches] + u.shape.dropFirst(), field: u.field, jump: u.jump)
    let attn = try required(m, path, "attn")
    let a = try run(attn, path: Module.join(path, "attn"), stacked)
    try expectShape(m, path, a, [u.shape[0], c.branches, c.channels, 1, 1])
    charge(path, ops: (2 * c.branches - 1) * u.count, activation: u)
    return u
  }

  private func skConv(_ m: Module, _ path: String, _ x: Value, _ c: SKConvConfig) throws -> Value {
    let convs = try children(of: m, path, "convs", count: c.branches)
    let u = try sameShape(convs.map { try run($0.module, path: $0.path, x) }, m, path)
    charge(path, ops: (c.branches - 1) * u.count, activation: u)
    let s = flattened(try run(try required(m, path, "gap"), path: Module.join(path, "gap"), u))
    let z = try run(try required(m, path, "fc"), path: Module.join(path, "fc"), s)
    let heads = try children(of: m, path, "fcs", count: c.branches)
    let logits = try sameShape(heads.map { try run($0.module, path: $0.path, z) }, m, path)
    try expectShape(m, path, logits, [u.shape[0], c.channels])
    let stacked = Value(shape: [u.shape[0], c.branches, c.channels], field: logits.field, jump: logits.jump)
    _ = try run(try required(m, path, "softmax"), path: Module.join(path, "softmax"), stacked)
    charge(path, ops: (2 * c.branches - 1) * u.count, activation: u)
    return u
  }

  private func splitAttention(_ m: Module, _ path: String, _ x: Value, _ c: SplitAttentionConfig) throws -> Value {
    var u = x
    for name in ["conv", "bn0", "drop", "act0"] {
      u = try run(try required(m, path, name), path: Module.join(path, name), u)
    }
    try expectChannels(m, path, u, c.radix * c.channels, rank: 4)
    let n = u.shape[0]
    let summed = Value(shape: [n, c.channels, u.shape[2], u.shape[3]], field: u.field, jump: u.jump)
    charge(path, ops: (c.radix - 1) * summed.count + summed.count, activation: summed)
    var a = pooled(summed)
    for name in ["fc1", "bn1", "act1", "fc2", "rsoftmax"] {
      a = try run(try required(m, path, name), path: Module.join(path, name), a)
    }
    try expectShape(m, path, a, c.radix > 1 ? [n, c.radix * c.channels] : [n, c.channels, 1, 1])
    charge(path, ops: (2 * c.radix - 1) * summed.count, activation: summed)
    return summed
  }

  /// x ⊙ gate(mean_HW(x)) with the gate computed by `gate`.
  private func scale(_ x: Value, path: String, kind: String, gate: (Value) throws -> Value) throws -> Value {
    guard x.shape.count == 4 else {
      throw AnalysisError.shapeMismatch(node: path, kind: kind, expected: "N×C×H×W", got: x.shape)
    }
    charge(path, ops: x.count)
    let w = try gate(pooled(x))
    guard w.shape == [x.shape[0], x.shape[1], 1, 1] else {
      throw AnalysisError.shapeMismatch(
        node: path, kind: kind, expected: "gate \(x.shape[0])×\(x.shape[1])×1×1", got: w.shape)
    }
    charge(path, ops: x.count, activation: x)
    return x
  }

  // MARK: - Ops

  private func runOps(_ ops: [Op], owner: Module, ownerPath: String, _ x: Value) throws -> Value {
    var state = x
    for op in ops {
      switch op {
      case .module(let relative), .dense(let relative):
        guard let target = owner.descendant(at: relative) else {
          throw AnalysisError.malformed(node: ownerPath, reason: "no module at \(relative)")
        }
        let full = Module.join(ownerPath, relative)
        let y = try run(target, path: full, state)
        if case .dense = op {
          state = try concatenate(state, y, at: ownerPath, owner)
        } else {
          state = y
        }
        markAncestors(of: relative, under: ownerPath, state)
      case .relu, .sigmoid:
        charge(ownerPath, ops: state.count, activation: state)
      case .flatten:
        state = flattened(state)
      case .globalAvgPool:
        charge(ownerPath, ops: state.count)
        records[ownerPath, default: Record()].adaptivePoolElements += state.count
        state = pooled(state)
        charge(ownerPath, activation: state)
      case .scale(let gate):
        state = try scale(state, path: ownerPath, kind: owner.kind) {
          try self.runOps(gate, owner: owner, ownerPath: ownerPath, $0)
        }
      }
    }
    return state
  }

  /// Containers between an op's owner and its target return the state after their last descendant ran.
  private func markAncestors(of relative: String, under ownerPath: String, _ state: Value) {
    var segments = relative.split(separator: ".").map(String.init)
    segments.removeLast()
    var path = ownerPath
    for segment in segments {
      path = Module.join(path, segment)
      records[path, default: Record()].output = state
    }
  }

  // MARK: - Helpers

  private func runChildren(_ m: Module, _ path: String, _ x: Value) throws -> Value {
    var state = x
    for child in m.children {
      state = try run(child, path: Module.join(path, child.name), state)
    }
    return state
  }

  private func charge(_ path: String, macs: Int = 0, ops: Int = 0, activation: Value? = nil) {
    var record = records[path, default: Record()]
    record.macs += macs
    record.elementOps += ops
    if let activation { record.activationBytes += 4 * activation.count }
    records[path] = record
  }

  private func flattened(_ x: Value) -> Value {
    Value(shape: [x.shape[0], x.shape.dropFirst().reduce(1, *)], field: x.field, jump: x.jump)
  }

  /// Global average pooling to N×C×1×1; one output element sees the whole map.
  private func pooled(_ x: Value) -> Value {
    let h = x.shape.count > 2 ? x.shape[2] : 1
    return Value(shape: [x.shape[0], x.shape[1], 1, 1], field: x.field + (h - 1) * x.jump, jump: x.jump * h)
  }

  private func concatenate(_ a: Value, _ b: Value, at path: String, _ m: Module) throws -> Value {
    guard a.shape.count == 4, b.shape.count == 4, a.shape[0] == b.shape[0], a.shape[2...] == b.shape[2...] else {
      throw AnalysisError.shapeMismatch(
        node: path, kind: m.kind,
        expected: "N×C×\(a.shape.dropFirst(2).map(String.init).joined(separator: "×")) to concatenate", got: b.shape)
    }
    var shape = a.shape
    shape[1] += b.shape[1]
    return Value(shape: shape, field: max(a.field, b.field), jump: max(a.jump, b.jump))
  }

  /// Output size of a sliding window over H and W: PyTorch's formula, with ceil mode's rule that the last window
  /// must start inside the input or its left padding.
  private func window(_ m: Module, _ path: String, _ x: Value, kernel: Int, stride: Int, padding: Int, ceil: Bool)
    throws -> (Int, Int)
  {
    func size(_ input: Int) -> Int {
      let numerator = input + 2 * padding - kernel + (ceil ? stride - 1 : 0)
      // Floor division, also for a negative numerator.
      var out = (numerator >= 0 ? numerator / stride : -((-numerator + stride - 1) / stride)) + 1
      if ceil && (out - 1) * stride >= input + padding { out -= 1 }
      return out
    }
    let oh = size(x.shape[2])
    let ow = size(x.shape[3])
    guard oh > 0, ow > 0 else {
      throw AnalysisError.inputTooSmall(
        node: path, kind: m.kind, inputShape: x.shape,
        detail:
          "a \(kernel)×\(kernel) window with stride \(stride) and padding \(padding) leaves an output of \(oh)×\(ow)")
    }
    return (oh, ow)
  }

  private func expectRank(_ m: Module, _ path: String, _ x: Value, _ rank: Int) throws {
    guard x.shape.count == rank else {
      throw AnalysisError.shapeMismatch(node: path, kind: m.kind, expected: "a \(rank)-d tensor", got: x.shape)
    }
  }

  private func expectChannels(_ m: Module, _ path: String, _ x: Value, _ channels: Int, rank: Int) throws {
    guard x.shape.count == rank, x.shape[1] == channels else {
      throw AnalysisError.shapeMismatch(node: path, kind: m.kind, expected: "N×\(channels)×H×W", got: x.shape)
    }
  }

  private func expectShape(_ m: Module, _ path: String, _ x: Value, _ shape: [Int]) throws {
    guard x.shape == shape else {
      throw AnalysisError.shapeMismatch(node: path, kind: m.kind, expected: AnalysisError.format(shape), got: x.shape)
    }
  }

  private func sameShape(_ values: [Value], _ m: Module, _ path: String) throws -> Value {
    guard var first = values.first else { throw AnalysisError.malformed(node: path, reason: "no branches") }
    for value in values.dropFirst() {
      guard value.shape == first.shape else {
        throw AnalysisError.shapeMismatch(
          node: path, kind: m.kind, expected: "every branch \(AnalysisError.format(first.shape))", got: value.shape)
      }
      first.field = max(first.field, value.field)
    }
    return first
  }

  private func required(_ m: Module, _ path: String, _ name: String) throws -> Module {
    guard let child = m.child(name) else {
      throw AnalysisError.malformed(node: path, reason: "\(m.kind) needs a child named \(name)")
    }
    return child
  }

  private func children(of m: Module, _ path: String, _ listName: String, count: Int) throws
    -> [(path: String, module: Module)]
  {
    let list = try required(m, path, listName)
    guard list.children.count == count else {
      throw AnalysisError.malformed(
        node: path, reason: "\(listName) holds \(list.children.count) modules, expected \(count)")
    }
    let listPath = Module.join(path, listName)
    return list.children.map { (Module.join(listPath, $0.name), $0) }
  }

  // MARK: - Roll-up

  /// The totals other tools would report for this run (docs/reference-figures.md §2): torchinfo's "Total
  /// mult-adds" counts, for every leaf module that ran, each parameter's elements × N·OH·OW for a class named
  /// *Conv*, else × N; fvcore adds 2 per batch-normalised element and 1 per adaptive-average-pooled input element
  /// to conv+linear MACs.
  func otherConventions() -> Analysis.OtherConventions {
    var torchinfo = 0
    for entry in root.walk() where entry.module.children.isEmpty {
      guard let shape = records[entry.path]?.output?.shape, !entry.module.parameters.isEmpty else { continue }
      let perElement =
        entry.module.kind.contains("Conv") && shape.count == 4 ? shape[0] * shape[2] * shape[3] : shape[0]
      torchinfo += entry.module.ownParameterCount * perElement
    }
    let batchNorm = records.values.reduce(0) { $0 + $1.batchNormElements }
    let pooling = records.values.reduce(0) { $0 + $1.adaptivePoolElements }
    let macs = records.values.reduce(0) { $0 + $1.macs }
    return Analysis.OtherConventions(
      torchinfoMultAdds: torchinfo, fvcoreBatchNorm: 2 * batchNorm, fvcoreAdaptivePool: pooling,
      fvcoreTotal: macs + 2 * batchNorm + pooling)
  }

  /// Per-node results in pre-order with subtree totals.
  func rollUp() -> [Analysis.Node] {
    var nodes: [Analysis.Node] = []
    @discardableResult
    func visit(_ m: Module, _ path: String, _ depth: Int) -> (
      params: Int, buffers: Int, macs: Int, ops: Int, bytes: Int, uncounted: [String]
    ) {
      let slot = nodes.count
      nodes.append(placeholder)
      let own = records[path] ?? Record()
      var totals = (
        params: m.ownParameterCount, buffers: m.ownBufferCount, macs: own.macs, ops: own.elementOps,
        bytes: own.activationBytes, uncounted: own.uncounted
      )
      for child in m.children {
        let sub = visit(child, Module.join(path, child.name), depth + 1)
        totals.params += sub.params
        totals.buffers += sub.buffers
        totals.macs += sub.macs
        totals.ops += sub.ops
        totals.bytes += sub.bytes
        totals.uncounted += sub.uncounted
      }
      nodes[slot] = Analysis.Node(
        path: path, depth: depth, kind: m.kind, outputShape: own.output?.shape, params: totals.params,
        ownParams: m.ownParameterCount, buffers: totals.buffers, macs: totals.macs, ownMACs: own.macs,
        elementOps: totals.ops, ownElementOps: own.elementOps, outputBytes: 4 * (own.output?.count ?? 0),
        activationBytes: totals.bytes, receptiveField: own.output?.field, jump: own.output?.jump,
        uncounted: totals.uncounted)
      return totals
    }
    visit(root, "", 0)
    return nodes
  }

  private var placeholder: Analysis.Node {
    Analysis.Node(
      path: "", depth: 0, kind: "", outputShape: nil, params: 0, ownParams: 0, buffers: 0, macs: 0, ownMACs: 0,
      elementOps: 0, ownElementOps: 0, outputBytes: 0, activationBytes: 0, receptiveField: nil, jump: nil,
      uncounted: [])
  }
}
