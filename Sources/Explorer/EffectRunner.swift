import Foundation
import Models
import Runtime
import Session

/// Carries out the effects reduce returns and feeds their results back as actions.
///
/// Quick work (one analysis, a run request) is done at once on the calling (UI) thread; slow work
/// (the picker's catalogue, the compare view's models) on a background queue, its result picked up
/// by ``tick(_:)``. While slow work is out, ``holdsInput`` tells the run loop to leave keys queued:
/// the keys after `m` are meant for the picker that is still being filled.
package final class EffectRunner: @unchecked Sendable {
  package let services: ExplorerServices
  /// The forward pass of the shown model, when there is one (tests of the views run without).
  package let controller: RunController?
  /// Whether slow work is also done at once (tests, benchmarks: results are there when `send` returns).
  private let synchronous: Bool
  private let background = DispatchQueue(label: "convscope.effects", qos: .userInitiated)
  private let lock = NSLock()
  /// Results of slow work not yet applied, and how many are still being computed (guarded by `lock`).
  private var finished: [ExplorerAction] = []
  private var outstanding = 0
  private let arrived = DispatchSemaphore(value: 0)

  package init(services: ExplorerServices = .live(), controller: RunController? = nil, synchronous: Bool = false) {
    self.services = services
    self.controller = controller
    self.synchronous = synchronous
  }

  /// Whether slow work is still being computed (the run loop leaves input queued until it is done).
  package var holdsInput: Bool { lock.withLock { outstanding > 0 } }

  /// Applies `action`, carries out its effects and applies their quick results, then measures the panes.
  package func send(_ action: ExplorerAction, to state: inout ExplorerState) {
    var pending = [action]
    while !pending.isEmpty {
      pending += perform(state.apply(pending.removeFirst()))
    }
    state.apply(.measured(ContentHeights.measure(state)))
  }

  /// Applies the results that came back since the last call (slow work, the forward pass); true if any.
  package func tick(_ state: inout ExplorerState) -> Bool {
    let results = lock.withLock {
      defer { finished = [] }
      return finished
    }
    let events = controller?.takeActions() ?? []
    for action in results + events { send(action, to: &state) }
    return !results.isEmpty || !events.isEmpty
  }

  /// Waits up to `milliseconds` for slow work to come back (the run loop, while it holds input).
  package func waitForResults(milliseconds: Int) {
    _ = arrived.wait(timeout: .now() + .milliseconds(milliseconds))
  }

  /// Carries out `effects`: the results of quick ones are returned, slow ones are queued.
  package func perform(_ effects: [ExplorerEffect]) -> [ExplorerAction] {
    var results: [ExplorerAction] = []
    for effect in effects {
      guard effect.isSlow, !synchronous else {
        results += carryOut(effect)
        continue
      }
      lock.withLock { outstanding += 1 }
      background.async { [self] in
        let done = carryOut(effect)
        lock.withLock {
          finished += done
          outstanding -= 1
        }
        arrived.signal()
      }
    }
    return results
  }

  /// Does the work of one effect and returns the actions that report it.
  private func carryOut(_ effect: ExplorerEffect) -> [ExplorerAction] {
    switch effect {
    case .open(let spec, let input, let generation):
      return [open(spec, at: input, generation: generation)]
    case .changeInput(let input, let spec, let compared, let generation):
      return [changeInput(to: input, open: spec, compared: compared, generation: generation)]
    case .loadCatalogue(let input, let purpose):
      return [.catalogue(services.catalogue(input), input: input, purpose: purpose)]
    case .compare(let input):
      var summaries: [ModelSummary] = []
      var refused: [String] = []
      for name in CompareView.defaultModels {
        guard let spec = try? ModelSpec(named: name), let summary = try? services.summary(spec, input) else {
          refused.append(name)
          continue
        }
        summaries.append(summary)
      }
      return [.compared(summaries, refused: refused)]
    case .addToCompare(let spec, let input):
      do {
        return [.addedToCompare(try services.summary(spec, input))]
      } catch {
        return [.compareRefused(name: spec.displayName, reason: "\(error)")]
      }
    case .run(let request, let generation):
      controller?.submit(request, generation: generation)
      return []
    case .applyVariant(let base, let settings, let input, let generation):
      return [applyVariant(settings, on: base, at: input, generation: generation)]
    case .startLesion(let id, let base, let plain):
      guard let controller else { return [.lesion(.failed("no forward pass in this explorer"), id: id)] }
      controller.lesions.start(controller.currentSession, id: id, base: base, plain: plain)
      return []
    case .cancelLesion:
      controller?.lesions.cancel()
      return []
    case .startGradient(let id, let target, let interventions, let plain):
      guard let controller else { return [.gradient(.failed("no forward pass in this explorer"), id: id)] }
      controller.gradients.start(
        controller.currentSession, id: id, target: target, interventions: interventions, plain: plain)
      return []
    case .cancelGradient:
      controller?.gradients.cancel()
      return []
    case .reuse:
      guard let session = controller?.currentSession else { return [.reuseRefused("no session to read weights from")] }
      do {
        let reuse = try FeatureReuse.of(
          session.network, model: session.spec.displayName, values: session.parameterValues())
        return [.reuse(ReuseMaps(reuse))]
      } catch {
        return [.reuseRefused("\(error)")]
      }
    case .export(let job): return [.exported(write(job))]
    }
  }

  /// The variant `settings` make of `base`, opened at `input`; a refusal (of a key, a value, a rule of the
  /// reference, or the input) names why and leaves the open model.
  private func applyVariant(
    _ settings: [String], on base: ModelSpec, at input: InputChoice, generation: Int
  ) -> ExplorerAction {
    let spec: ModelSpec
    do {
      let overrides = try settings.map { setting throws(VariantError) in try ModelSpec.parse(setting, for: base.base) }
      spec = try ModelSpec(base: base.base, overrides: overrides)
    } catch {
      return .variantRefused(error.description)
    }
    let result = open(spec, at: input, generation: generation)
    if case .opened(let opened) = result { return .variantApplied(opened) }
    if case .openRefused(_, let reason) = result { return .variantRefused("\(spec.displayName): \(reason)") }
    return result
  }

  /// `spec` at `input`, or at its own size when it cannot take that; its session goes to the controller.
  private func open(_ spec: ModelSpec, at input: InputChoice, generation: Int) -> ExplorerAction {
    do {
      let (model, session) = try services.open(spec, input)
      controller?.show(session, generation: generation)
      return .opened(OpenedModel(model: model, input: input, live: Self.live(session, generation)))
    } catch {
      let fallback = InputChoice(batch: input.batch, size: nil)
      guard let (model, session) = try? services.open(spec, fallback) else {
        return .openRefused(name: spec.displayName, reason: "\(error)")
      }
      controller?.show(session, generation: generation)
      return .opened(
        OpenedModel(model: model, input: fallback, live: Self.live(session, generation), fallbackReason: "\(error)"))
    }
  }

  /// The open model and the compared ones at `input`, or the first that cannot take it.
  private func changeInput(
    to input: InputChoice, open spec: ModelSpec, compared: [ModelSpec], generation: Int
  ) -> ExplorerAction {
    let opened: (model: ExplorerModel, session: Session)
    do {
      opened = try services.open(spec, input)
    } catch {
      return .inputRefused(InputRefusal(model: spec.displayName, reason: "\(error)"))
    }
    var summaries: [ModelSummary] = []
    for other in compared {
      if other == spec {
        summaries.append(ModelSummary(opened.model))
        continue
      }
      do {
        summaries.append(try services.summary(other, input))
      } catch {
        return .inputRefused(InputRefusal(model: other.displayName, reason: "\(error)"))
      }
    }
    controller?.show(opened.session, generation: generation)
    return .inputChanged(
      InputChange(input: input, model: opened.model, compared: summaries, live: Self.live(opened.session, generation)))
  }

  /// The fresh live state of `session`, as run generation `generation` (the controller's).
  private static func live(_ session: Session, _ generation: Int) -> LiveRun {
    var live = LiveRun(session: session)
    live.generation = generation
    return live
  }
}
