import Formats
import Foundation
import Presentation
import Runtime
import Session

/// Runs the explorer's backward pass (`b`) on a worker of its own and reports back as actions: a forward and
/// backward of the shown model with its interventions, then (when any are on) the clean network's for the same
/// class, and Grad-CAM when the input is an image. ``cancel()`` stops the pass at its next op.
package final class GradientWorker: @unchecked Sendable {
  private let queue = DispatchQueue(label: "convscope.backward", qos: .userInitiated)
  private let lock = NSLock()
  /// Posted actions, the pass that may still post, and its executor (guarded by `lock`).
  private var mailbox: [ExplorerAction] = []
  private var current: GradientID?
  private var running: Executor?

  package init() {}

  /// Starts pass `id` on `session` for `target` (nil: sample 0's top-1), with `interventions` and `plain`.
  package func start(_ session: Session, id: GradientID, target: Int?, interventions: [Intervention], plain: Bool) {
    lock.withLock {
      current = id
      running?.cancel()
    }
    queue.async { [self] in run(session, id: id, target: target, interventions: interventions, plain: plain) }
  }

  /// Stops the pass in progress at its next op; its reports are dropped.
  package func cancel() {
    lock.withLock {
      current = nil
      running?.cancel()
    }
  }

  /// What the worker posted since the last call.
  package func takeActions() -> [ExplorerAction] {
    lock.withLock {
      defer { mailbox = [] }
      return mailbox
    }
  }

  /// Waits until no pass is queued or running (tests).
  package func waitUntilIdle() { queue.sync {} }

  /// Cancels and waits up to `seconds` for the worker to stop (at exit). True when it stopped.
  @discardableResult
  package func stop(waitingAtMost seconds: Double) -> Bool {
    cancel()
    let idle = DispatchSemaphore(value: 0)
    queue.async { idle.signal() }
    return idle.wait(timeout: .now() + seconds) == .success
  }

  private func run(_ session: Session, id: GradientID, target: Int?, interventions: [Intervention], plain: Bool) {
    let isCurrent = { self.lock.withLock { self.current == id } }
    let post = { (event: GradientEvent) in
      self.lock.withLock { if self.current == id { self.mailbox.append(.gradient(event, id: id)) } }
    }
    guard isCurrent() else { return }
    do {
      let digest = try Self.digest(
        session, target: target, interventions: interventions, plain: plain,
        started: { executor in
          self.lock.withLock {
            self.running = executor
            if self.current != id { executor.cancel() }
          }
        })
      lock.withLock { running = nil }
      post(.finished(digest))
    } catch ExecutorError.cancelled {
      lock.withLock { running = nil }
    } catch {
      lock.withLock { running = nil }
      post(.failed("backward failed: \(error)"))
    }
  }

  /// One backward pass of `session` as the explorer shows it (the headless twin of the worker: tests call it).
  /// `started` gets the executor before it runs, so that it can be cancelled.
  package static func digest(
    _ session: Session, target: Int?, interventions: [Intervention], plain: Bool,
    started: (Executor) -> Void = { _ in }
  ) throws -> GradientDigest {
    let executor = try session.makeExecutor()
    started(executor)
    try executor.setInterventions(interventions, plain: plain)
    let image: Bool
    switch session.source.input {
    case .image, .images: image = true
    case .synthetic, .array: image = false
    }
    let report = try executor.backward(
      .classLogit(target), camLayer: image ? .poolInput : nil, nodeGradients: true)
    var clean: GradientReport?
    if !interventions.isEmpty || plain {
      try executor.setInterventions([], plain: false)
      clean = try executor.backward(.classLogit(report.target))
    }
    var picture: CAMPicture?
    if image, let cam = report.cam, cam.activation.rank == 4 {
      let preprocessing = try ImagePreprocessing.forModel(
        cifar: session.spec.isCIFAR, inputSize: session.inputShape[2])
      let result = CAMResult(
        model: session.spec.displayName, target: report.target, layer: "pool_input", gradient: cam)
      picture = CAMPicture.make(
        input: try session.inputTensor(), mean: preprocessing.mean, std: preprocessing.std, cam: result)
    }
    let names = interventions.map(\.description) + (plain ? ["plain"] : [])
    return GradientDigest(report: report, clean: clean, interventions: names, cam: picture)
  }
}
