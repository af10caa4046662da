import Explorer
import Session

/// Drives the state as the run loop does, with effects carried out at once: the real analysis and
/// catalogue, and the forward pass of `controller` when one is given.
extension ExplorerState {
  /// Applies `action`, carries out the work it asks for and applies the results.
  mutating func send(_ action: ExplorerAction, _ controller: RunController? = nil) {
    let services = ExplorerServices.live(controller?.sessions ?? SessionFactory())
    EffectRunner(services: services, controller: controller, synchronous: true).send(action, to: &self)
  }

  /// The state after `action` and the results of its effects.
  func then(_ action: ExplorerAction) -> ExplorerState {
    var next = self
    next.send(action)
    return next
  }
}
