import Formats
import Foundation
import Runtime
import Session

/// Runs the lesion view's study (``LesionStudy``) on a worker of its own and reports back as actions:
/// which family, progress after each candidate, the result. ``cancel()`` stops it between candidates (the
/// view closed, another model opened); a study's reports carry its ``LesionID``.
package final class LesionWorker: @unchecked Sendable {
  private let queue = DispatchQueue(label: "convscope.lesion", qos: .userInitiated)
  private let lock = NSLock()
  /// Posted actions, and the study that may still post (guarded by `lock`).
  private var mailbox: [ExplorerAction] = []
  private var current: LesionID?

  package init() {}

  /// Starts study `id` on `session` (after any study queued before it stops).
  package func start(_ session: Session, id: LesionID, base: [Intervention], plain: Bool) {
    lock.withLock { current = id }
    queue.async { [self] in run(session, id: id, base: base, plain: plain) }
  }

  /// Stops the study in progress at its next candidate; its later reports are dropped.
  package func cancel() { lock.withLock { current = nil } }

  /// What the worker posted since the last call.
  package func takeActions() -> [ExplorerAction] {
    lock.withLock {
      defer { mailbox = [] }
      return mailbox
    }
  }

  /// Waits until no study is queued or running (tests).
  package func waitUntilIdle() { queue.sync {} }

  private func run(_ session: Session, id: LesionID, base: [Intervention], plain: Bool) {
    let isCurrent = { self.lock.withLock { self.current == id } }
    let post = { (event: LesionEvent) in
      self.lock.withLock { if self.current == id { self.mailbox.append(.lesion(event, id: id)) } }
    }
    guard isCurrent() else { return }
    do {
      // Residual blocks (branch off); DenseNets have none: their dense layers (off).
      let compiled = try Executor(network: session.network)
      var family = "blocks, branch off"
      var candidates = compiled.candidates(.blocks)
      if candidates.isEmpty {
        family = "dense layers, off"
        candidates = compiled.candidates(.dense)
      }
      guard !candidates.isEmpty else {
        post(.failed("\(session.spec.displayName) has no residual blocks or dense layers to remove"))
        return
      }
      post(.started(family: family, total: candidates.count))
      let study = try LesionStudy.run(
        session, candidates: candidates, base: base, plain: plain, isCancelled: { !isCurrent() },
        progress: { done, total in post(.progress(done: done, total: total)) })
      let rows = study.outcomes.map { outcome in
        LesionRow(
          path: outcome.intervention.path, spec: outcome.intervention.description, kl: outcome.kl,
          sameTop1: outcome.sameTop1,
          top1: ClassNames.name(of: outcome.top1, classCount: study.classes) + " (\(outcome.top1))",
          cleanTop1Probability: outcome.cleanTop1Probability)
      }
      post(.finished(LesionResult(rows: rows, fullPassEquivalents: study.fullPassEquivalents)))
    } catch ExecutorError.cancelled {
      return
    } catch {
      post(.failed("lesion study failed: \(error)"))
    }
  }
}
