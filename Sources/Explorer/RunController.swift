import Formats
import Foundation
import Runtime
import Session
import TensorCore

/// Runs the shown model's forward pass on a worker thread and reports back as actions.
///
/// ``EffectRunner`` hands it the run requests reduce returns (``submit(_:generation:)``) and the
/// session of every model shown (``show(_:generation:)``); ``takeActions()`` returns what the
/// worker posted since, plus the elapsed time. The worker owns the executor; only `cancel()` crosses
/// from the UI thread to it. Results carry the generation of the run that made them, so a reset
/// drops late ones.
package final class RunController: @unchecked Sendable {
  /// The shown model's session; changed on the UI thread, handed to the worker by value.
  private var session: Session
  private let queue = DispatchQueue(label: "convscope.forward", qos: .userInitiated)
  private let lock = NSLock()
  /// Posted events with their generation (guarded by `lock`).
  private var mailbox: [(generation: Int, event: RunEvent)] = []
  /// Touched only on `queue`.
  private var executor: Executor?
  /// The executor in use, for `cancel()` from the UI thread (guarded by `lock`).
  private var running: Executor?
  private var startedAt: ContinuousClock.Instant?
  /// The elapsed time last reported, in tenths of a second.
  private var shownElapsed: Double?
  /// The generation the UI thread last asked for, and the last step its run goes to.
  private var generation = 0
  private var target = -1
  /// The generation of the latest reset: work of older generations stops (guarded by `lock`).
  private var latestGeneration = 0
  /// Steps the worker has started since the controller was made (guarded by `lock`).
  private var started = 0
  /// Called on the worker before each step (tests hold a step here to press keys during it).
  package var beforeStep: (@Sendable (Int) -> Void)?
  /// Makes the session of each model the explorer shows (the weights and input it was started with).
  package let sessions: SessionFactory
  /// The lesion studies of the shown model (their own worker, so the live pass goes on beside them).
  package let lesions = LesionWorker()
  /// The backward passes of `b` (their own worker, so the live pass goes on beside them).
  package let gradients = GradientWorker()
  /// The interventions and plain mode the executor runs with (touched only on `queue`).
  private var interventions: [Intervention] = []
  private var plain = false
  /// The input of each step of the pass the executor is in (copies, touched only on `queue`): a change of
  /// interventions resumes from the first step it affects, as a lesion study does.
  private var stepInputs: [Tensor] = []
  /// The clean pass's logits and top-5, once known (touched only on `queue`).
  private var clean: (logits: [Float], top: [ClassPrediction])?

  /// A controller for `session`, whose later sessions `sessions` makes.
  package init(session: Session, sessions: SessionFactory) {
    self.session = session
    self.sessions = sessions
  }

  /// Another model or input is shown: cancels what runs, drops the executor and takes `newSession`.
  package func show(_ newSession: Session, generation newGeneration: Int) {
    lock.withLock {
      latestGeneration = newGeneration
      running?.cancel()
    }
    queue.async { [self] in
      executor = nil
      interventions = []
      plain = false
      stepInputs = []
      clean = nil
    }
    lesions.cancel()
    gradients.cancel()
    startedAt = nil
    generation = newGeneration
    session = newSession
  }

  /// Hands a request to the worker (on the UI thread, in the order reduce returned them).
  package func submit(_ request: RunRequest, generation newGeneration: Int) {
    generation = newGeneration
    switch request {
    case .reset:
      startedAt = nil
      lock.withLock {
        latestGeneration = newGeneration
        running?.cancel()
      }
      queue.async { [self] in
        executor?.reset()
        stepInputs = []
      }
    case .configure(let list, let newPlain, let keep):
      startedAt = nil
      lock.withLock {
        latestGeneration = newGeneration
        running?.cancel()
      }
      queue.async { [self] in configure(list, plain: newPlain, keep: keep) }
    case .through(let last):
      if startedAt == nil {
        startedAt = .now
        shownElapsed = nil
      }
      target = last
      let session = session
      queue.async { [self] in work(through: last, generation: newGeneration, session: session) }
    }
  }

  /// What the worker posted since the last call, as actions, and the elapsed time when it moved on.
  package func takeActions() -> [ExplorerAction] {
    let events = lock.withLock {
      defer { mailbox = [] }
      return mailbox
    }
    var actions: [ExplorerAction] = []
    for (eventGeneration, event) in events {
      actions.append(.run(event, generation: eventGeneration))
      // The step clock starts once the executor is ready: preparation has its own time.
      if case .prepared = event, eventGeneration == generation, startedAt != nil {
        startedAt = .now
        shownElapsed = nil
      }
      // The run is over unless a later request extended it (its work item follows).
      if case .ended(let nextStep, let failure) = event, eventGeneration == generation,
        failure != nil || target < nextStep || nextStep >= session.network.steps.count
      {
        startedAt = nil
      }
    }
    actions += lesions.takeActions()
    actions += gradients.takeActions()
    if let startedAt {
      let elapsed = startedAt.duration(to: .now)
      let tenths = (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18) * 10
      let shown = tenths.rounded(.down) / 10
      if shown != shownElapsed {
        shownElapsed = shown
        actions.append(.runElapsed(shown))
      }
    }
    return actions
  }

  /// Applies what the worker posted since the last call to `state` (tests and the benchmark, which
  /// drive the controller without the run loop); true when anything came.
  package func tick(_ state: inout ExplorerState) -> Bool {
    let actions = takeActions()
    for action in actions { state.apply(action) }
    return !actions.isEmpty
  }

  /// Builds the executor now (loading weights), so a bad weights file is reported before the screen opens.
  package func prepare() throws {
    let session = session
    let generation = generation
    try queue.sync { _ = try prepared(session, generation: generation) }
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
    let backwardStopped = gradients.stop(waitingAtMost: seconds)
    let idle = DispatchSemaphore(value: 0)
    queue.async { idle.signal() }
    return idle.wait(timeout: .now() + seconds) == .success && backwardStopped
  }

  /// Waits until the worker has nothing queued (tests and the benchmark).
  package func waitUntilIdle() { queue.sync {} }

  /// Steps the worker has started so far (tests: proof that a cancelled run stopped early).
  package var stepsStarted: Int { lock.withLock { started } }

  /// The executor's next step once the worker is idle (0 after a reset).
  package var nextStep: Int { queue.sync { executor?.nextStep ?? 0 } }

  /// On the worker: prepares the executor once, then runs and digests steps up to `target`.
  private func work(through target: Int, generation: Int, session: Session) {
    let post = { (event: RunEvent) in self.lock.withLock { self.mailbox.append((generation, event)) } }
    do {
      // Work queued before a reset or a stop is dropped before building anything.
      guard lock.withLock({ latestGeneration }) == generation else { throw ExecutorError.cancelled(step: "") }
      let executor = try prepared(session, generation: generation)
      lock.withLock { running = executor }
      defer { lock.withLock { running = nil } }
      while executor.nextStep <= target, !executor.isComplete {
        // A reset between two steps is seen here (the executor clears its own flag at each step).
        guard lock.withLock({ latestGeneration }) == generation else { throw ExecutorError.cancelled(step: "") }
        post(.started(step: executor.nextStep))
        lock.withLock { started += 1 }
        beforeStep?(executor.nextStep)
        if stepInputs.count == executor.nextStep, let input = executor.currentState { stepInputs.append(input.copy()) }
        executor.profiler?.clear()
        guard let report = try executor.step() else { break }
        var digest = StepDigest(report: report)
        digest.layerTimes = executor.profiler?.profile.entries ?? [:]
        digest.poolBytes = executor.poolBytes
        post(.finished(digest))
      }
      if let logits = executor.output {
        let top = Self.top(5, of: logits)
        post(.top(top))
        if interventions.isEmpty && !plain {
          clean = (logits.array, top)
        } else if let comparison = try compareWithClean(executor, top: top) {
          post(.compared(comparison))
        }
      }
      post(.ended(nextStep: executor.nextStep, failure: nil))
    } catch ExecutorError.cancelled {
      post(.ended(nextStep: executor?.nextStep ?? 0, failure: nil))
    } catch {
      post(.ended(nextStep: executor?.nextStep ?? 0, failure: "forward pass failed: \(error)"))
    }
  }

  /// The executor with weights, input and observers set (built at the first run), its preparation posted
  /// as a phase of its own.
  private func prepared(_ session: Session, generation: Int) throws -> Executor {
    if let executor { return executor }
    let clock = ContinuousClock.now
    // Leave a core to the UI thread so frames keep coming while the worker computes (unless the user
    // chose a thread count).
    let cores = ProcessInfo.processInfo.activeProcessorCount
    if ProcessInfo.processInfo.environment["CONVSCOPE_THREADS"] == nil, cores > 1 { Threads.set(cores - 1) }
    let made = try session.makeExecutor()
    made.stepStatistics = true
    made.previewChannels = NodeDigest.thumbnailCount
    made.observeAll(.live)
    made.profiler = LayerProfiler()
    try made.setInterventions(interventions, plain: plain)
    stepInputs = []
    executor = made
    let took = clock.duration(to: .now)
    let seconds = Double(took.components.seconds) + Double(took.components.attoseconds) * 1e-18
    lock.withLock { mailbox.append((generation, .prepared(seconds: seconds, what: session.source.description))) }
    return made
  }

  /// On the worker: new interventions, keeping the first `keep` steps (the reduce kept their results); the
  /// executor resumes at step `keep` from that step's kept input (or stays complete when nothing changed).
  private func configure(_ list: [Intervention], plain newPlain: Bool, keep: Int) {
    interventions = list
    plain = newPlain
    guard let executor else { return }  // applied when the executor is built
    let at = executor.nextStep
    let current = executor.currentState?.copy()
    do {
      try executor.setInterventions(list, plain: newPlain)
    } catch {
      lock.withLock { mailbox.append((generation, .ended(nextStep: 0, failure: "interventions refused: \(error)"))) }
    }
    if keep == at, keep > 0, let current {
      executor.resume(atStep: keep, from: current)
      stepInputs = Array(stepInputs.prefix(keep))
    } else if keep > 0, keep < stepInputs.count {
      executor.resume(atStep: keep, from: stepInputs[keep])
      stepInputs = Array(stepInputs.prefix(keep))
    } else {
      stepInputs = []
    }
  }

  /// After a full pass with interventions: KL and top-1 against the clean pass, which is run first (from the
  /// first step the interventions change, its prefix kept) when no clean pass has completed yet.
  private func compareWithClean(_ executor: Executor, top: [ClassPrediction]) throws -> RunComparison? {
    guard let output = executor.output?.copy() else { return nil }
    if clean == nil {
      let steps = executor.network.steps.count
      let first =
        (interventions.compactMap { try? executor.stepIndex(containing: $0.path) }
        + (plain ? [executor.firstPlainStep].compactMap { $0 } : [])).min() ?? 0
      do {
        try executor.setInterventions([], plain: false)
        if first > 0, first < stepInputs.count { executor.resume(atStep: first, from: stepInputs[first]) }
        try executor.runToEnd()
        if let logits = executor.output { clean = (logits.array, Self.top(5, of: logits)) }
        try executor.setInterventions(interventions, plain: plain)
        executor.resume(atStep: steps, from: output)
      } catch {
        // Back to the intervened pass's start: the UI drops what it had (ended at step 0).
        try? executor.setInterventions(interventions, plain: plain)
        stepInputs = []
        throw error
      }
    }
    guard let clean else { return nil }
    let outcome = LesionStudy.outcome(
      interventions.first ?? Intervention(path: "", kind: .branchOff), clean: clean.logits, intervened: output.array,
      samples: output.shape[0], classes: output.sampleCount)
    return RunComparison(cleanTop: clean.top, kl: outcome.kl, top1Changed: !outcome.sameTop1)
  }

  /// The shown model's session (on the UI thread: the reuse view and lesion studies start from it).
  package var currentSession: Session { session }

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
