/// The explorer's run loop: render, present, read input, reduce — until quit or a signal.
package enum ExplorerApp {
  /// How the loop ended.
  package enum Exit: Equatable, Sendable {
    /// `q` or Ctrl-C.
    case quit
    /// A terminating signal (SIGINT, SIGTERM, SIGHUP) arrived.
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
  /// the terminal is shut down on every path out. `onFirstFrame` runs after the first present;
  /// `onTick` runs after every poll (about every 40 ms) to merge work finished elsewhere (a forward
  /// pass on another thread) into the state, returning whether it changed anything.
  @discardableResult
  package static func run(
    _ initial: ExplorerState, on terminal: TerminalBackend, onFirstFrame: () -> Void = {},
    onTick: (inout ExplorerState) -> Bool = { _ in false }
  ) -> (exit: Exit, state: ExplorerState) {
    defer { terminal.shutdown() }
    var state = initial
    state.glyphs = terminal.glyphs
    state.apply(.resize(terminal.size))
    var dirty = true
    var presented = false
    var appliedTheme = state.themeName
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
      // Wait for one event, then take everything already queued before drawing again.
      var timeout = pollMilliseconds
      while !state.shouldQuit, let event = terminal.nextEvent(timeoutMilliseconds: timeout) {
        let (shown, shape) = (state.model.name, state.model.inputShape)
        state.apply(action(for: event))
        // Another model or input goes to onTick at once, so keys queued after it (`m` … Enter `r`)
        // act on the new one instead of being dropped with the old run's state.
        if state.model.name != shown || state.model.inputShape != shape { _ = onTick(&state) }
        dirty = true
        timeout = 0
      }
      if onTick(&state) { dirty = true }
      if state.themeName != appliedTheme {
        terminal.setPalette(state.theme.palette)
        appliedTheme = state.themeName
      }
    }
    return (.quit, state)
  }

  private static func action(for event: InputEvent) -> ExplorerAction {
    switch event {
    case .key(let key): .key(key)
    case .mouse(let mouse): .mouse(mouse)
    case .resize(let size): .resize(size)
    }
  }
}
