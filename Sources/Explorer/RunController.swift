import Formats
import Foundation
import Models
import Runtime
import TensorCore

/// Runs the explorer's forward pass on a worker thread and merges its results into the state.
///
/// The UI thread calls ``tick(_:)`` about every 40 ms (``ExplorerApp``'s `onTick`): it hands over the
/// request a key left in the state, takes the results the worker posted since, and updates the
/// elapsed time. The worker owns the executor; only `cancel()` crosses from the UI thread to it.
/// Results carry the generation of the run that made them, so a reset drops late ones.
package final class RunController: @unchecked Sendable {
  /// What the worker posts back.
  enum Event {
    case started(step: Int)
    case finished(StepDigest)
    case top([ClassPrediction])
    /// The run ended (complete, cancelled or failed) with the executor at `nextStep`.
    case ended(nextStep: Int, failure: String?)
  }

  /// What the next run is built from; changed on the UI thread, handed to the worker by value.
  private struct Setup: Sendable {
    var model: ZooModel
    var source: RunSource
    var inputShape: [Int]
  }
  private var setup: Setup
  /// The model and source the explorer was started with: opening that model (or input shape) again
  /// brings back its weights file and input array, which another model or size set aside.
  private let given: (model: String, source: RunSource)
  private let queue = DispatchQueue(label: "convscope.forward", qos: .userInitiated)
  private let lock = NSLock()
  /// Posted events with their generation (guarded by `lock`).
  private var mailbox: [(generation: Int, event: Event)] = []
  /// Touched only on `queue`.
  private var executor: Executor?
  /// The executor in use, for `cancel()` from the UI thread (guarded by `lock`).
  private var running: Executor?
  private var startedAt: ContinuousClock.Instant?
  /// Whether a run (maybe extended by later requests) is going on, as the UI thread last saw it.
  private var runActive = false
  /// The generation of the latest reset: work of older generations stops (guarded by `lock`).
  private var latestGeneration = 0
  /// Steps the worker has started since the controller was made (guarded by `lock`).
  private var started = 0
  /// Called on the worker before each step (tests hold a step here to press keys during it).
  package var beforeStep: (@Sendable (Int) -> Void)?

  /// A controller for `model` whose input is `inputShape` (batch and size as the explorer analysed it).
  package init(model: ZooModel, source: RunSource, inputShape: [Int]) {
    setup = Setup(model: model, source: source, inputShape: source.input?.shape ?? inputShape)
    given = (model.name, source)
  }

  /// The live-run state to start the explorer with: step names, source line, attention nodes.
  package func initialLiveRun() -> LiveRun {
    let network = setup.model.build()
    var attention: [String] = []
    if let executor = try? Executor(network: network) { attention = executor.attentionNodes.map(\.path) }
    return LiveRun(
      stepNames: network.steps.map(\.name), source: setup.source.description, inputIsReal: setup.source.hasFileInput,
      attentionPaths: attention)
  }

  /// After the picker opened another model or `i` changed the input: cancels what runs, drops the
  /// executor and starts the live state afresh for the model now shown.
  private func follow(_ state: inout ExplorerState) {
    guard let zoo = try? Zoo.model(named: state.model.name) else { return }
    let generation = state.live.generation + 1
    lock.withLock {
      latestGeneration = generation
      running?.cancel()
    }
    queue.async { [self] in executor = nil }
    runActive = false
    // A weights file belongs to the model it was given for; another model gets seeded weights.
    setup.source.weightsPath = zoo.name == given.model ? given.source.weightsPath : nil
    setup.model = zoo
    setup.inputShape = state.model.inputShape
    // A file input keeps its own shape; another size means the synthetic input again.
    if let input = given.source.input {
      let fits = input.shape == state.model.inputShape
      setup.source.input = fits ? input : nil
      setup.source.inputName = fits ? given.source.inputName : nil
    }
    let colour = state.live.terminalHasColour
    state.live = initialLiveRun()
    state.live.generation = generation
    state.live.terminalHasColour = colour
  }

  /// Hands a pending request to the worker and merges posted results; true when the state changed.
  package func tick(_ state: inout ExplorerState) -> Bool {
    var changed = false
    if state.model.name != setup.model.name || state.model.inputShape != setup.inputShape {
      follow(&state)
      changed = true
    }
    if !state.live.requests.isEmpty {
      for request in state.live.requests { submit(request, generation: state.live.generation) }
      state.live.requests = []
      changed = true
    }
    let events: [(generation: Int, event: Event)] = lock.withLock {
      defer { mailbox = [] }
      return mailbox
    }
    for (generation, event) in events where generation == state.live.generation {
      merge(event, into: &state)
      changed = true
    }
    if state.live.progress != nil, let startedAt {
      let elapsed = startedAt.duration(to: .now)
      let tenths = (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18) * 10
      let shown = tenths.rounded(.down) / 10
      if shown != state.live.progress?.elapsed {
        state.live.progress?.elapsed = shown
        changed = true
      }
    }
    return changed
  }

  /// Builds the executor now (loading weights), so a bad weights file is reported before the screen opens.
  package func prepare() throws {
    let setup = setup
    try queue.sync { _ = try prepared(setup) }
  }

  /// Cancels what runs and waits (up to `seconds`) for the worker to finish its current op and drop
  /// queued work (at exit: the process must not tear down BLAS threads and buffers under a running
  /// step; the bound keeps `q` prompt when one op of a huge input takes long). True when it stopped.
  @discardableResult
  package func stop(waitingAtMost seconds: Double = 5) -> Bool {
    lock.withLock {
      latestGeneration = Int.max
      running?.cancel()
    }
    let idle = DispatchSemaphore(value: 0)
    queue.async { idle.signal() }
    return idle.wait(timeout: .now() + seconds) == .success
  }

  /// Waits until the worker has nothing queued (tests and the benchmark).
  package func waitUntilIdle() { queue.sync {} }

  /// Steps the worker has started so far (tests: proof that a cancelled run stopped early).
  package var stepsStarted: Int { lock.withLock { started } }

  /// The executor's next step once the worker is idle (0 after a reset).
  package var nextStep: Int { queue.sync { executor?.nextStep ?? 0 } }

  private func merge(_ event: Event, into state: inout ExplorerState) {
    switch event {
    case .started(let step):
      state.live.progress?.current = step
    case .finished(let digest):
      guard digest.index == state.live.completed.count else { return }
      state.live.completed.append(digest)
      state.live.nodes.merge(digest.nodes) { _, new in new }
      state.live.attention += digest.attention
    case .top(let top):
      state.live.top = top
    case .ended(let nextStep, let failure):
      // Another request extended the run: its work item follows, so the run goes on.
      if failure == nil, let progress = state.live.progress, progress.target >= nextStep,
        nextStep < state.live.stepNames.count
      {
        return
      }
      state.live.progress = nil
      runActive = false
      state.live.failure = failure
      if state.live.completed.count > nextStep {
        state.live.completed.removeLast(state.live.completed.count - nextStep)
      }
      if let failure { state.notice = Notice(text: failure, isWarning: true) }
    }
  }

  private func submit(_ request: RunRequest, generation: Int) {
    switch request {
    case .reset:
      runActive = false
      lock.withLock {
        latestGeneration = generation
        running?.cancel()
      }
      queue.async { [self] in executor?.reset() }
    case .through(let target):
      if !runActive {
        startedAt = .now
        runActive = true
      }
      let setup = setup
      queue.async { [self] in work(through: target, generation: generation, setup: setup) }
    }
  }

  /// On the worker: prepares the executor once, then runs and digests steps up to `target`.
  private func work(through target: Int, generation: Int, setup: Setup) {
    let post = { (event: Event) in self.lock.withLock { self.mailbox.append((generation, event)) } }
    do {
      // Work queued before a reset or a stop is dropped before building anything.
      guard lock.withLock({ latestGeneration }) == generation else { throw ExecutorError.cancelled(step: "") }
      let executor = try prepared(setup)
      lock.withLock { running = executor }
      defer { lock.withLock { running = nil } }
      while executor.nextStep <= target, !executor.isComplete {
        // A reset between two steps is seen here (the executor clears its own flag at each step).
        guard lock.withLock({ latestGeneration }) == generation else { throw ExecutorError.cancelled(step: "") }
        post(.started(step: executor.nextStep))
        lock.withLock { started += 1 }
        beforeStep?(executor.nextStep)
        guard let report = try executor.step() else { break }
        post(.finished(StepDigest(report: report)))
      }
      if let logits = executor.output { post(.top(Self.top(5, of: logits))) }
      post(.ended(nextStep: executor.nextStep, failure: nil))
    } catch ExecutorError.cancelled {
      post(.ended(nextStep: executor?.nextStep ?? 0, failure: nil))
    } catch {
      post(.ended(nextStep: executor?.nextStep ?? 0, failure: "forward pass failed: \(error)"))
    }
  }

  /// The executor with weights, input and observers set (built at the first run).
  private func prepared(_ setup: Setup) throws -> Executor {
    if let executor { return executor }
    let (model, source, inputShape) = (setup.model, setup.source, setup.inputShape)
    // Leave a core to the UI thread so frames keep coming while the worker computes (unless the user
    // chose a thread count).
    let cores = ProcessInfo.processInfo.activeProcessorCount
    if ProcessInfo.processInfo.environment["CONVSCOPE_THREADS"] == nil, cores > 1 { Threads.set(cores - 1) }
    let made = try Executor(network: model.build())
    if let path = source.weightsPath {
      try made.load(try SafetensorsFile.read(path: path), modelName: model.name)
    } else {
      try made.setSeededWeights(seed: source.seed)
    }
    let input: Tensor
    if let given = source.input {
      input = given
    } else if let image = source.imagePath {
      // As `run --image`: CIFAR's transform for the 32×32 nets, ImageNet's for the others.
      let preprocessing = try ImagePreprocessing.forModel(cifar: model.inputSize == 32, inputSize: inputShape[2])
      input = try preprocessing.tensor(contentsOfFile: image, batch: inputShape[0])
    } else {
      // The synthetic input is `run`'s: seed 0 whatever the weight seed, so both show the same numbers.
      input = try Tensor(shape: inputShape, data: WeightInit.input(seed: 0, shape: inputShape))
    }
    try made.setInput(input)
    made.stepStatistics = true
    made.observeAll(.all)
    executor = made
    return made
  }

  /// The `k` most likely classes of the first sample's logits, with names and softmax probabilities.
  package static func top(_ k: Int, of logits: Tensor) -> [ClassPrediction] {
    let classes = logits.sampleCount
    let row = Array(UnsafeBufferPointer(start: logits.sample(0), count: classes))
    return ClassScore.top(k, logits: row).map {
      ClassPrediction(
        index: $0.index, name: ClassNames.name(of: $0.index, classCount: classes), probability: Double($0.probability))
    }
  }
}
