import Explorer
import Foundation
import Models

/// A zoo model opened for live runs the way the explorer command sets it up: state plus its run controller.
func openForLiveRun(_ name: String, size: Int? = nil) throws -> (ExplorerState, RunController) {
  let zoo = try Zoo.model(named: name)
  let model = try ExplorerModel(zoo: zoo, size: size)
  let controller = RunController(model: zoo, source: RunSource(), inputShape: model.inputShape)
  var state = ExplorerState(model: model)
  state.live = controller.initialLiveRun()
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
