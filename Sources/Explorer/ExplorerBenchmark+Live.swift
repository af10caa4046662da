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
    /// The longest time between the starts of two frames (the loop waits up to 40 ms for input in between).
    package var maxGapMilliseconds: Double
    package var runSeconds: Double
    /// Of `runSeconds`, the worker's preparation before the first pass (weights seeded or loaded, input made).
    package var preparedSeconds: Double
    /// Per pass, the steps' own times summed (the executor's work with every observer, without preparation,
    /// digests or waiting for the next frame), averaged over the runs.
    package var stepSeconds: Double
  }

  /// Presses `r` and then, as ``ExplorerApp`` does, polls `terminal` for 40 ms, ticks the effects,
  /// moves the selection one row (so each frame differs and details of finished blocks are drawn),
  /// renders and presents, until the pass is complete; `runs` times, with `x` in between.
  package static func live(
    _ initial: ExplorerState, effects: EffectRunner, terminal: TerminalBackend, runs: Int = 1
  ) -> LiveResult {
    var state = initial
    effects.send(.resize(terminal.size), to: &state)
    state.expandAll()
    var worst = 0.0, total = 0.0, gap = 0.0, frames = 0, steps = 0.0
    let begin = DispatchTime.now().uptimeNanoseconds
    for _ in 0..<max(1, runs) {
      effects.send(.key(.character("x")), to: &state)
      _ = effects.tick(&state)
      effects.send(.key(.character("r")), to: &state)
      var previous = DispatchTime.now().uptimeNanoseconds
      while state.live.isRunning {
        let poll = DispatchTime.now().uptimeNanoseconds
        _ = terminal.nextEvent(timeoutMilliseconds: ExplorerApp.pollMilliseconds)
        // An in-memory terminal does not wait: sleep out the rest of the poll.
        let waited = (DispatchTime.now().uptimeNanoseconds - poll) / 1000
        let pollMicroseconds = UInt64(ExplorerApp.pollMilliseconds * 1000)
        if waited < pollMicroseconds { usleep(UInt32(pollMicroseconds - waited)) }
        let start = DispatchTime.now().uptimeNanoseconds
        _ = effects.tick(&state)
        effects.send(.key(.down), to: &state)
        terminal.present(ExplorerRenderer.render(state, size: terminal.size))
        let end = DispatchTime.now().uptimeNanoseconds
        let elapsed = Double(end - start) / 1e6
        worst = max(worst, elapsed)
        total += elapsed
        gap = max(gap, Double(start - previous) / 1e6)
        previous = start
        frames += 1
      }
      steps += state.live.completed.reduce(0) { $0 + $1.seconds }
    }
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - begin) / 1e9
    return LiveResult(
      frames: frames, meanMilliseconds: total / Double(max(frames, 1)), maxMilliseconds: worst,
      maxGapMilliseconds: gap, runSeconds: seconds, preparedSeconds: state.live.preparation?.seconds ?? 0,
      stepSeconds: steps / Double(max(1, runs)))
  }
}
