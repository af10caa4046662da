import Explorer
import Foundation
import Models
import Session

/// A zoo model opened for live runs the way the explorer command sets it up: state plus its run
/// controller, one session for both.
func openForLiveRun(_ name: String, size: Int? = nil, source: SessionSource = SessionSource()) throws -> (
  ExplorerState, RunController
) {
  let spec = try ModelSpec(named: name)
  let sessions = SessionFactory(given: spec, source: source)
  let input = InputChoice(size: size)
  let session = sessions.session(for: spec, input: input)
  let controller = RunController(session: session, sessions: sessions)
  var state = ExplorerState(model: try ExplorerModel(session: session))
  state.live = LiveRun(session: session)
  return (state, controller)
}

/// Holds the run's worker at the start of one step: `held` is signalled when it gets there, and it
/// waits there until `release` is signalled, so a test can act while a step is in progress.
struct HeldStep {
  let held = DispatchSemaphore(value: 0)
  let release = DispatchSemaphore(value: 0)

  init(_ controller: RunController, atStep step: Int) {
    let (held, release) = (self.held, self.release)
    controller.beforeStep = { current in
      if current == step {
        held.signal()
        release.wait()
      }
    }
  }
}
