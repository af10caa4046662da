// Runs a network's forward pass step by step on TensorCore, with observers, timing and cancellation.
import Formats
import Foundation
import Graph
import TensorCore

/// Runs any `Network` in inference mode (BatchNorm with running statistics), one step at a time.
///
/// The steps are the network's `steps` (`stem`, each block and transition, `head`). The caller runs one
/// step, runs up to a step, or runs to the end; a run resumes where the last one stopped, `reset()` goes
/// back to the input, and `cancel()` — from any thread — stops a run in progress between two ops, leaving
/// the executor at the start of the interrupted step.
///
/// Fast path: a batch norm right after a conv becomes that conv's output scale and bias (once, when the weights
/// are set; the weights themselves are kept once, as loaded, for the backward pass and exports), ReLUs
/// after convs, batch norms and residual sums are fused into them, and activation buffers come from a pool
/// that is refilled at the end of each step, so from the second run on nothing is allocated per op. A node
/// with an observer is computed unfused, so what it reports equals what the PyTorch module returns.
///
/// Not re-entrant: one thread at a time sets weights, input and observers and runs steps; any other thread
/// may call `cancel()` while it runs.
package final class Executor: @unchecked Sendable {
  package let network: Network
  let root: ExecutionNode
  private let stepOps: [[CompiledOp]]
  private let nodesByPath: [String: ExecutionNode]

  let pool = BufferPool()
  /// Times every node of the passes run while set (`bench --per-layer`, the explorer's `T`).
  package var profiler: LayerProfiler?
  let workspace = ConvWorkspace()
  let cancellation = CancellationFlag()

  private(set) var input: Tensor?
  /// The tensor handed from one step to the next.
  var state: Tensor?
  /// Index of the next step to run (`steps.count` when the pass is complete).
  package internal(set) var nextStep = 0
  /// Record statistics of every step's output in its report.
  package var stepStatistics = false
  /// Called on the running thread after each step (progress display; tests use it to cancel mid-run).
  package var stepFinished: ((StepReport) -> Void)?
  /// Observations of the step in progress.
  var observations: [Observation] = []
  /// The statistics computed last and their tensor, reused while that tensor is unchanged (see `statistics(of:)`).
  var recent: RecentStatistics?
  /// Channels an observer with `.preview` copies (the explorer's thumbnails per node).
  package var previewChannels = 6
  /// Whether any node has an observer (skips all observer bookkeeping when not).
  var hasObservers = false
  /// Whether any node has an intervention (see `setInterventions`).
  var hasInterventions = false
  /// The buffer the current dense block's layers append their channels to (see `appendDense`).
  var denseBuffer: Tensor?
  private var currentStepName = ""

  /// Compiles `network` (resolving every op's module path). Set weights before running.
  package init(network: Network) throws {
    self.network = network
    let top = ExecutionNode(module: network.root, path: "")
    try top.compile()
    root = top
    stepOps = try network.steps.map { try top.resolve($0.ops) }
    var byPath: [String: ExecutionNode] = [:]
    top.walk { byPath[$0.path] = $0 }
    nodesByPath = byPath
  }

  /// The state-dict entries the network expects (keys, shapes, and which are I64 counters).
  package var parameterSpecs: [ParameterSpec] { network.root.parameterSpecs }

  // MARK: - Weights

  /// Sets every parameter and buffer from float values by state-dict key (counters are ignored).
  package func setWeights(_ values: [String: [Float]]) throws {
    var error = WeightsMismatchError(model: network.root.kind)
    var tensors: [String: Tensor] = [:]
    for spec in parameterSpecs where !spec.isCounter {
      guard let floats = values[spec.key] else {
        error.missing.append(spec)
        continue
      }
      guard floats.count == spec.shape.reduce(1, *) else {
        error.shapeMismatches.append(
          .init(key: spec.key, expected: ScalarBytes.describe(spec.shape), found: "\(floats.count) values"))
        continue
      }
      // Scalars ([] in PyTorch) are stored as [1]: TensorCore tensors have rank ≥ 1.
      tensors[spec.key] = try Tensor(shape: spec.shape.isEmpty ? [1] : spec.shape, data: floats)
    }
    guard error.isEmpty else { throw error }
    try install(tensors)
  }

  /// Hands each float parameter's tensor (present for every non-counter spec, shapes checked) to its node, then
  /// prepares the batch norms after convs.
  private func install(_ tensors: [String: Tensor]) throws {
    for spec in parameterSpecs where !spec.isCounter {
      guard let tensor = tensors[spec.key] else { continue }
      let dot = spec.key.lastIndex(of: ".")
      let path = dot.map { String(spec.key[..<$0]) } ?? ""
      let name = dot.map { String(spec.key[spec.key.index(after: $0)...]) } ?? spec.key
      guard let node = nodesByPath[path] else { throw ExecutorError.unknownNode(path) }
      node.tensors[name] = tensor
    }
    root.walk {
      $0.folded = nil
      $0.inputMap = nil
    }
    try foldBatchNorms()
    reset()
  }

  /// Turns every batch norm that directly follows a conv (in any op list or child order) into that conv's output
  /// map, so runs start with it ready.
  private func foldBatchNorms() throws {
    var sequences: [[CompiledOp]] = stepOps
    root.walk { node in
      sequences += [node.program, node.pre, node.body, node.shortcut, node.post, node.childOps]
    }
    for ops in sequences {
      for (i, op) in ops.enumerated() {
        guard case .node(let conv) = op, case .conv2d = conv.module.layer else { continue }
        var j = i + 1
        while j < ops.count, case .node(let n) = ops[j], n.module.layer == .identity { j += 1 }
        guard j < ops.count, case .node(let norm) = ops[j] else { continue }
        switch norm.module.layer {
        case .batchNorm2d, .batchNormAct: try fold(conv, into: norm)
        case .conv2d, .linear, .relu, .sigmoid, .identity, .flatten, .maxPool2d, .avgPool2d, .adaptiveAvgPool2d,
          .softmax, .radixSoftmax, .sequential, .moduleList, .program, .residual, .denseBlock, .squeezeExcite,
          .selectiveKernel, .selectiveKernelAttention, .skConv, .splitAttention:
          continue
        }
      }
    }
  }

  /// Loads a safetensors file, strictly: every problem (missing, unexpected, shape, dtype) at once.
  package func load(_ file: SafetensorsFile, modelName: String) throws {
    try setWeights(try file.values(matching: parameterSpecs, model: modelName))
  }

  /// Sets the seeded weights `export-weights --seed` writes (see `WeightInit`), drawn straight into the tensors.
  package func setSeededWeights(seed: UInt64, testStatistics: Bool = false) throws {
    try install(try WeightInit.tensors(specs: parameterSpecs, seed: seed, testStatistics: testStatistics))
  }

  // MARK: - Input and control

  /// Sets the input (N×C×H×W) and rewinds to the first step.
  package func setInput(_ tensor: Tensor) throws {
    guard tensor.rank == 4 else { throw ExecutorError.badInput(expected: "N×C×H×W", got: tensor.shape) }
    input = tensor.isContiguous ? tensor : tensor.copy()
    reset()
  }

  /// Back to the first step, keeping input, weights and observers.
  package func reset() {
    pool.reclaimAll()
    denseBuffer = nil
    state = input
    nextStep = 0
  }

  /// Stops the run in progress (callable from any thread); the run throws `ExecutorError.cancelled`.
  package func cancel() { cancellation.set(true) }

  /// Whether every step has run.
  package var isComplete: Bool { nextStep == network.steps.count }

  /// The network's output (logits) once every step has run.
  package var output: Tensor? { isComplete ? state : nil }

  /// Runs the next step and reports it; nil when the pass is already complete.
  @discardableResult
  package func step() throws -> StepReport? {
    cancellation.set(false)
    return try runNextStep()
  }

  /// Runs steps up to and including the step at `index`.
  @discardableResult
  package func run(through index: Int) throws -> [StepReport] {
    cancellation.set(false)
    var reports: [StepReport] = []
    while nextStep <= min(index, network.steps.count - 1), let report = try runNextStep() { reports.append(report) }
    return reports
  }

  /// Runs steps up to and including the one named `name` (`stem`, a block path, `head`).
  @discardableResult
  package func run(through name: String) throws -> [StepReport] {
    guard let index = network.steps.firstIndex(where: { $0.name == name }) else {
      throw ExecutorError.unknownStep(name)
    }
    return try run(through: index)
  }

  /// Runs the remaining steps.
  @discardableResult
  package func runToEnd() throws -> [StepReport] { try run(through: network.steps.count - 1) }

  private func runNextStep() throws -> StepReport? {
    guard nextStep < network.steps.count else { return nil }
    guard let x = state else { throw ExecutorError.noInput }
    let step = network.steps[nextStep]
    currentStepName = step.name
    observations = []
    recent = nil  // the pool hands this step's buffers out again
    let clock = ContinuousClock()
    let start = clock.now
    let y: Tensor
    do {
      y = try runSequence(stepOps[nextStep], x)
    } catch {
      pool.reclaim(keeping: [x])
      throw error
    }
    let elapsed = start.duration(to: clock.now)
    if nextStep == network.steps.count - 1, !root.observe.isEmpty { record(root, .output, y) }
    pool.reclaim(keeping: [y])
    state = y
    let report = StepReport(
      index: nextStep, name: step.name,
      seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18,
      outputShape: y.shape, statistics: stepStatistics ? statistics(of: y) : nil, observations: observations)
    observations = []
    nextStep += 1
    stepFinished?(report)
    return report
  }

  /// Throws when `cancel()` was called during this run.
  func checkCancelled() throws {
    if cancellation.isSet { throw ExecutorError.cancelled(step: currentStepName) }
  }

  /// The node at `path`, if any.
  func node(at path: String) -> ExecutionNode? { nodesByPath[path] }

  /// The index of the step that computes the node at `path` (`""`, the whole model, is the last step).
  package func stepIndex(containing path: String) throws -> Int {
    guard nodesByPath[path] != nil else { throw ExecutorError.unknownNode(path) }
    if path.isEmpty { return network.steps.count - 1 }
    func modules(_ ops: [Op]) -> [String] {
      ops.flatMap { op -> [String] in
        switch op {
        case .module(let p), .dense(let p): return [p]
        case .scale(let inner): return modules(inner)
        case .relu, .flatten, .globalAvgPool, .sigmoid: return []
        }
      }
    }
    for (index, step) in network.steps.enumerated() {
      if modules(step.ops).contains(where: { path == $0 || path.hasPrefix($0 + ".") }) { return index }
    }
    throw ExecutorError.unknownNode(path)
  }

  // MARK: - Observers

  /// Attaches an observer to the node at `path` (`""` is the root), adding `options` to any already there.
  package func observe(_ path: String, _ options: ObserverOptions = .all) throws {
    guard let node = nodesByPath[path] else { throw ExecutorError.unknownNode(path) }
    node.observe.formUnion(options)
    hasObservers = hasObservers || !options.isEmpty
    updateFusable()
  }

  /// Adds `options` to every node.
  package func observeAll(_ options: ObserverOptions) {
    root.walk { $0.observe.formUnion(options) }
    hasObservers = hasObservers || !options.isEmpty
    updateFusable()
  }

  /// Detaches every observer.
  package func removeObservers() {
    root.walk { $0.observe = [] }
    hasObservers = false
    updateFusable()
  }

  /// Nodes observed for more than `ObserverOptions.fusedObservable` (whole outputs, residual copies) run
  /// unfused, and so does the chain of last children below an observed `Sequential`, whose last output is the
  /// stage's when steps run its children one by one; the others are observed on the fused pass.
  private func updateFusable() {
    root.walk { $0.fusable = $0.observe.isSubset(of: .fusedObservable) }
    root.walk { node in
      guard !node.observe.isEmpty else { return }
      var last = node
      while last.module.layer == .sequential, let child = last.children.last {
        child.fusable = false
        last = child
      }
    }
  }

  /// Every node path, pre-order.
  package var nodePaths: [String] {
    var paths: [String] = []
    root.walk { paths.append($0.path) }
    return paths
  }

  /// The attention nodes (SE modules, selective kernels, split attentions, inline SE blocks) with their kind.
  package var attentionNodes: [(path: String, kind: AttentionKind)] { Self.attentionNodes(of: network) }

  /// The attention nodes of `network`, pre-order, read from its module graph (no executor needed).
  package static func attentionNodes(of network: Network) -> [(path: String, kind: AttentionKind)] {
    network.root.walk().compactMap { entry in
      switch entry.module.layer {
      case .squeezeExcite: return (entry.path, .squeezeExcite)
      case .selectiveKernel, .skConv: return (entry.path, .selectiveKernel)
      case .splitAttention: return (entry.path, .splitAttention)
      case .residual(let config):
        let inlineSE = config.body.contains { if case .scale = $0 { true } else { false } }
        return inlineSE ? (entry.path, .squeezeExcite) : nil
      case .conv2d, .batchNorm2d, .batchNormAct, .linear, .relu, .sigmoid, .identity, .flatten, .maxPool2d, .avgPool2d,
        .adaptiveAvgPool2d, .softmax, .radixSoftmax, .sequential, .moduleList, .program, .denseBlock,
        .selectiveKernelAttention:
        return nil
      }
    }
  }

  /// Buffers the pool has allocated so far (constant from the second run on).
  package var bufferAllocations: Int { pool.allocations }

  /// Records `tensor` as `role` at `node` when its observer asks for it; `statistics` when already known, and
  /// `rows` when the node's output is derived from `tensor` row by row (a fused group's, see `recordDerived`).
  func record(
    _ node: ExecutionNode, _ role: Observation.Role, _ tensor: Tensor, statistics known: ActivationStatistics? = nil,
    rows: ((Int, Int) -> UnsafePointer<Float>)? = nil
  ) {
    let options = node.observe
    let wanted: Bool
    let keepTensor: Bool
    switch role {
    case .output:
      wanted = !options.isDisjoint(with: [.output, .statistics, .preview])
      keepTensor = options.contains(.output)
    case .shortcut, .branch:
      wanted = options.contains(.residual)
      keepTensor = wanted
    case .attention:
      wanted = options.contains(.attention)
      keepTensor = wanted
    }
    guard wanted else { return }
    var statistics: ActivationStatistics?
    if options.contains(.statistics) {
      if let known {
        if rows == nil { remember(tensor, known) }
        statistics = known
      } else {
        statistics = self.statistics(of: tensor)
      }
    }
    var observation = Observation(
      path: node.path, role: role, shape: tensor.shape, tensor: keepTensor ? tensor.copy() : nil,
      statistics: statistics)
    if role == .output, !keepTensor, options.contains(.preview), let statistics,
      let (copy, channels) = preview(
        shape: tensor.shape, means: statistics.channelMean, rows: rows ?? ActivationStatistics.rows(of: tensor))
    {
      observation.tensor = copy
      observation.channels = channels
    }
    observations.append(observation)
  }
}

/// A flag one thread sets and another polls.
final class CancellationFlag: @unchecked Sendable {
  private let lock = NSLock()
  private var value = false

  func set(_ newValue: Bool) {
    lock.lock()
    value = newValue
    lock.unlock()
  }

  var isSet: Bool {
    lock.lock()
    defer { lock.unlock() }
    return value
  }
}

extension Module {
  /// The state-dict entries of this tree as the weights checker wants them.
  package var parameterSpecs: [ParameterSpec] {
    stateDict().map { ParameterSpec(key: $0.key, shape: $0.spec.shape, isCounter: $0.spec.dtype == .int64) }
  }
}
