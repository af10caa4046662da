/// An in-memory terminal for tests: events come from a queue and frames land in ``screen``.
package final class MemoryTerminal: TerminalBackend {
  package private(set) var size: TerminalSize
  package let glyphs: GlyphSet
  /// What the terminal shows now.
  package private(set) var screen: ScreenGrid
  /// Input still to be delivered, in order.
  package var events: [InputEvent] = []
  /// A signal to report once the queue is empty (to test SIGINT/SIGTERM handling).
  package var signalAfterEvents: Int32?
  /// How many frames were presented, and how many cells the last one changed.
  package private(set) var frames = 0
  package private(set) var lastChangedCells = 0
  package private(set) var isShutDown = false
  package let colourDepth: ColourDepth
  /// The palette set last, and how many times one was set.
  package private(set) var palette: Palette?
  package private(set) var paletteChanges = 0

  package init(size: TerminalSize, glyphs: GlyphSet = .unicode, colourDepth: ColourDepth = .indexed256) {
    self.size = size
    self.glyphs = glyphs
    self.colourDepth = colourDepth
    screen = ScreenGrid(width: size.width, height: size.height)
  }

  package func present(_ grid: ScreenGrid) {
    if grid.width == screen.width && grid.height == screen.height {
      lastChangedCells = zip(grid.cells, screen.cells).reduce(0) { $0 + ($1.0 == $1.1 ? 0 : 1) }
    } else {
      lastChangedCells = grid.cells.count
    }
    screen = grid
    frames += 1
  }

  /// When the queue is empty (and no signal is pending): deliver Ctrl-C, so a test can never hang.
  package var quitWhenDrained = true

  package func nextEvent(timeoutMilliseconds: Int) -> InputEvent? {
    guard !events.isEmpty else {
      return quitWhenDrained && signalAfterEvents == nil ? .key(.control("c")) : nil
    }
    let event = events.removeFirst()
    if case .resize(let newSize) = event { size = newSize }
    return event
  }

  package func takeSignal() -> Int32? {
    guard events.isEmpty, let signal = signalAfterEvents else { return nil }
    signalAfterEvents = nil
    return signal
  }

  package func setPalette(_ palette: Palette) {
    self.palette = palette
    paletteChanges += 1
  }

  package func shutdown() { isShutDown = true }

  /// Whether mouse reports are on (as `setMouseCapture` left them).
  package private(set) var mouseCaptured = true

  package func setMouseCapture(_ on: Bool) { mouseCaptured = on }
}
