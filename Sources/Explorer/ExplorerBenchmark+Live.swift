import Foundation

/// Responsiveness while the forward pass runs: the UI loop's work per frame (merging results, drawing)
/// measured while the worker computes.
extension ExplorerBenchmark {
  /// Frame timings during one live run.
  package struct LiveResult: Sendable {
    package var frames: Int
    /// Per frame: the controller's tick (merging results) plus rendering the whole screen.
    package var meanMilliseconds: Double
    package var maxMilliseconds: Double
    /// The longest time between the starts of two frames (the loop waits 40 ms for input between them).
    package var maxGapMilliseconds: Double
    package var runSeconds: Double
  }

  /// Presses `r` and then, as ``ExplorerApp`` does, every 40 ms: ticks the controller, moves the
  /// selection one row (so each frame differs and details of finished blocks are drawn) and renders,
  /// until the pass is complete.
  package static func live(_ initial: ExplorerState, controller: RunController, size: TerminalSize) -> LiveResult {
    var state = initial
    state.apply(.resize(size))
    state.expandAll()
    state.apply(.key(.character("r")))
    let terminal = MemoryTerminal(size: size)
    var worst = 0.0, total = 0.0, gap = 0.0, frames = 0
    let begin = DispatchTime.now().uptimeNanoseconds
    var previous = begin
    while state.live.isRunning || !state.live.requests.isEmpty {
      let start = DispatchTime.now().uptimeNanoseconds
      _ = controller.tick(&state)
      state.apply(.key(.down))
      terminal.present(ExplorerRenderer.render(state, size: size))
      let end = DispatchTime.now().uptimeNanoseconds
      let elapsed = Double(end - start) / 1e6
      worst = max(worst, elapsed)
      total += elapsed
      gap = max(gap, Double(start - previous) / 1e6)
      previous = start
      frames += 1
      usleep(UInt32(ExplorerApp.pollMilliseconds * 1000))
    }
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - begin) / 1e9
    return LiveResult(
      frames: frames, meanMilliseconds: total / Double(max(frames, 1)), maxMilliseconds: worst,
      maxGapMilliseconds: gap, runSeconds: seconds)
  }
}
