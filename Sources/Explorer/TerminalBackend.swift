/// What the explorer needs from a terminal: present a grid, report input, say how big it is.
///
/// ``NCursesTerminal`` is the real one; ``MemoryTerminal`` is the in-memory double for tests.
package protocol TerminalBackend: AnyObject {
  /// The current size in cells.
  var size: TerminalSize { get }
  /// The glyphs this terminal can draw (Unicode when the locale is UTF-8).
  var glyphs: GlyphSet { get }
  /// Shows `grid`, writing only the cells that changed since the last frame, in one write.
  func present(_ grid: ScreenGrid)
  /// The next input event, waiting at most `timeoutMilliseconds` (0: do not wait).
  func nextEvent(timeoutMilliseconds: Int) -> InputEvent?
  /// A terminating signal (SIGINT, SIGTERM, SIGHUP) received since the last call, if any.
  func takeSignal() -> Int32?
  /// How many colours the terminal shows (``ColourDepth/none`` with `NO_COLOR`).
  var colourDepth: ColourDepth { get }
  /// Styles every role from now on with `palette` (a theme change); the next frame is drawn whole.
  func setPalette(_ palette: Palette)
  /// Turns mouse reports on or off (`M`: off, the terminal's own text selection works).
  func setMouseCapture(_ on: Bool)
  /// Restores the terminal; safe to call more than once.
  func shutdown()
}
