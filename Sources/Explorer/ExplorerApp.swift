import Foundation

/// The explorer's run loop: render, present, read input, reduce — until quit or a signal.
package enum ExplorerApp {
  /// How the loop ended.
  package enum Exit: Equatable, Sendable {
    /// `q`.
    case quit
    /// A terminating signal (SIGINT, SIGTERM, SIGHUP) arrived, or the Ctrl-C key was pressed (SIGINT).
    case signal(Int32)

    /// The process exit status: 0 for a quit, 128 + the signal number otherwise.
    package var status: Int32 {
      switch self {
      case .quit: 0
      case .signal(let number): 128 + number
      }
    }
  }

  /// How long one wait for input lasts: short, so signals and (later) background results are seen.
  static let pollMilliseconds = 40

  /// Runs the explorer on `terminal` from `initial` until the user quits or a signal arrives;
  /// the terminal is shut down on every path out. `onFirstFrame` runs after the first present.
  /// Every action goes through `effects`, which carries out the work reduce asks for; its results
  /// (and the forward pass's reports) are picked up after every poll (about every 40 ms), as are
  /// `onTick`'s changes (work merged from elsewhere; it returns whether it changed anything).
  @discardableResult
  package static func run(
    _ initial: ExplorerState, on terminal: TerminalBackend, effects: EffectRunner = EffectRunner(),
    onFirstFrame: () -> Void = {}, onTick: (inout ExplorerState) -> Bool = { _ in false }
  ) -> (exit: Exit, state: ExplorerState) {
    defer { terminal.shutdown() }
    var state = initial
    state.glyphs = terminal.glyphs
    effects.send(.resize(terminal.size), to: &state)
    var interrupted = false
    var dirty = true
    var presented = false
    var appliedTheme = state.themeName
    var appliedMouse = state.mouseCaptured
    while !state.shouldQuit {
      if dirty {
        terminal.present(ExplorerRenderer.render(state, size: terminal.size))
        dirty = false
        if !presented {
          presented = true
          onFirstFrame()
        }
      }
      if let signal = terminal.takeSignal() { return (.signal(signal), state) }
      if effects.holdsInput {
        // Keys typed after `m` or `c` are for the view being filled: they wait in the terminal.
        effects.waitForResults(milliseconds: pollMilliseconds)
      } else {
        // Wait for one event, then take everything already queued before drawing again.
        var timeout = pollMilliseconds
        while !state.shouldQuit, !effects.holdsInput, let event = terminal.nextEvent(timeoutMilliseconds: timeout) {
          effects.send(action(for: event), to: &state)
          // The Ctrl-C key (ncurses reads it as a key in raw mode) ends the explorer as SIGINT would: 130.
          if state.shouldQuit, case .key(.control("c")) = event { interrupted = true }
          dirty = true
          timeout = 0
        }
      }
      if effects.tick(&state) { dirty = true }
      if onTick(&state) { dirty = true }
      if state.themeName != appliedTheme {
        terminal.setPalette(state.theme.palette)
        appliedTheme = state.themeName
      }
      if state.mouseCaptured != appliedMouse {
        terminal.setMouseCapture(state.mouseCaptured)
        appliedMouse = state.mouseCaptured
      }
    }
    return (interrupted ? .signal(SIGINT) : .quit, state)
  }

  private static func action(for event: InputEvent) -> ExplorerAction {
    switch event {
    case .key(let key): .key(key)
    case .mouse(let mouse): .mouse(mouse)
    case .resize(let size): .resize(size)
    }
  }
}
