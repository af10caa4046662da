import CNCurses
import Glibc

/// Why the terminal could not be opened, as the one line a user sees.
package struct TerminalError: Error, CustomStringConvertible {
  package let description: String
}

/// The real terminal: ncursesw presents grids and reports keys, mouse and resizes.
///
/// The only file that calls ncurses. Frames are diffed against the previous one so only changed
/// cells are written, and each frame ends in a single `refresh` (one write to the terminal).
package final class NCursesTerminal: TerminalBackend {
  package private(set) var size: TerminalSize
  package let glyphs: GlyphSet
  private let screen: OpaquePointer
  private var previous: ScreenGrid?
  /// Per role: ncurses attributes and colour pair.
  private var looks: [(attrs: attr_t, pair: Int32)]
  private var isOpen = true
  package private(set) var colourDepth = ColourDepth.none

  /// Opens the terminal; `palette` styles the roles, `mouse` turns mouse reports on.
  /// Throws when stdin/stdout is not a terminal or `TERM` names no known terminal.
  package init(palette: Palette, mouse: Bool = true, forceASCII: Bool = false) throws {
    setlocale(LC_ALL, "")
    glyphs = !forceASCII && cs_locale_is_utf8() != 0 ? .unicode : .ascii
    guard isatty(0) != 0, isatty(1) != 0 else {
      throw TerminalError(description: "the explorer needs a terminal: stdin and stdout must be a tty")
    }
    // The size comes from the terminal (ioctl), never from exported LINES/COLUMNS, which would
    // freeze it, nor from terminfo's 80×24 (what use_env(false) alone would give).
    use_env(false)
    use_tioctl(true)
    guard let opened = cs_newterm() else {
      let term = getenv("TERM").map { String(cString: $0) } ?? "(unset)"
      throw TerminalError(description: "cannot open the terminal: unknown terminal type TERM=\(term)")
    }
    screen = opened
    set_term(screen)
    cs_install_signal_handlers()
    set_escdelay(25)
    raw()
    noecho()
    nonl()
    keypad(cs_stdscr(), true)
    // Home and End come as other sequences than terminfo names on many terminals (tmux, rxvt and the
    // Linux console send ESC[1~ ESC[4~; xterm ESC[H ESC[F or ESCOH ESCOF): unknown, the ESC closed an
    // overlay and the rest read as typed characters.
    let alternates: [(String, Int32)] = [
      ("\u{1B}[1~", KEY_HOME), ("\u{1B}[4~", KEY_END), ("\u{1B}[7~", KEY_HOME), ("\u{1B}[8~", KEY_END),
      ("\u{1B}[H", KEY_HOME), ("\u{1B}[F", KEY_END), ("\u{1B}OH", KEY_HOME), ("\u{1B}OF", KEY_END),
    ]
    for (sequence, code) in alternates where key_defined(sequence) == 0 { define_key(sequence, code) }
    curs_set(0)
    if mouse {
      mouseinterval(0)
      _ = mousemask(cs_all_mouse_events(), nil)
    }
    size = TerminalSize(width: Int(cs_cols()), height: Int(cs_lines()))
    looks = []
    let noColor = getenv("NO_COLOR").map { $0.pointee != 0 } ?? false
    if has_colors() && !noColor {
      start_color()
      use_default_colors()
    }
    let colorTerm = getenv("COLORTERM").map { String(cString: $0) }
    colourDepth = ColourDepth.detect(
      hasColors: has_colors(), colors: Int(cs_colors()), colorTerm: colorTerm, noColor: noColor)
    looks = Self.looks(for: colourDepth.resolve(palette), depth: colourDepth)
  }

  deinit { shutdown() }

  /// Turns each role's resolved style into attributes and an extended colour pair.
  private static func looks(for styles: [ResolvedStyle], depth: ColourDepth) -> [(attrs: attr_t, pair: Int32)] {
    styles.map { style in
      var attrs = cs_a_normal()
      if style.bold { attrs |= cs_a_bold() }
      if style.dim { attrs |= cs_a_dim() }
      if style.reverse { attrs |= cs_a_reverse() }
      if style.underline { attrs |= cs_a_underline() }
      guard depth != .none, style.foreground != -1 || style.background != -1 else { return (attrs, 0) }
      let pair = alloc_pair(style.foreground, style.background)
      return (attrs, pair > 0 ? pair : 0)
    }
  }

  package func setPalette(_ palette: Palette) {
    guard isOpen else { return }
    if colourDepth != .none { reset_color_pairs() }
    looks = Self.looks(for: colourDepth.resolve(palette), depth: colourDepth)
    previous = nil  // every cell's look may have changed
  }

  package func present(_ grid: ScreenGrid) {
    guard isOpen else { return }
    let full = previous.map { $0.width != grid.width || $0.height != grid.height } ?? true
    if full { wclear(cs_stdscr()) }
    var wide: [wchar_t] = [0, 0]
    for y in 0..<grid.height {
      for x in 0..<grid.width {
        let cell = grid[x, y]
        if cell.isContinuation { continue }
        if !full, let old = previous, old[x, y] == cell, x + 1 >= grid.width || old[x + 1, y] == grid[x + 1, y] {
          continue
        }
        let look = looks[Int(cell.role.rawValue)]
        wide[0] = wchar_t(bitPattern: cell.scalar.value)
        _ = cs_put_cell(Int32(y), Int32(x), &wide, look.attrs, look.pair)
      }
    }
    refresh()
    previous = grid
  }

  package func nextEvent(timeoutMilliseconds: Int) -> InputEvent? {
    guard isOpen else { return nil }
    // Resizes are read from the kernel on every poll as well as from KEY_RESIZE: SIGWINCH alone
    // was seen to go unnoticed under tmux.
    if let resized = checkSize() { return resized }
    wtimeout(cs_stdscr(), Int32(timeoutMilliseconds))
    var ch: wint_t = 0
    let status = wget_wch(cs_stdscr(), &ch)
    if status == ERR { return nil }
    if status == KEY_CODE_YES { return functionKey(Int32(ch)) }
    return characterKey(ch)
  }

  private func functionKey(_ code: Int32) -> InputEvent? {
    switch code {
    case KEY_UP: return .key(.up)
    case KEY_DOWN: return .key(.down)
    case KEY_LEFT: return .key(.left)
    case KEY_RIGHT: return .key(.right)
    case KEY_PPAGE: return .key(.pageUp)
    case KEY_NPAGE: return .key(.pageDown)
    case KEY_HOME: return .key(.home)
    case KEY_END: return .key(.end)
    case KEY_ENTER: return .key(.enter)
    case KEY_BACKSPACE: return .key(.backspace)
    case KEY_DC: return .key(.delete)
    case KEY_BTAB: return .key(.backTab)
    case KEY_RESIZE:
      if let resized = checkSize() { return resized }
      size = TerminalSize(width: Int(cs_cols()), height: Int(cs_lines()))
      previous = nil
      return .resize(size)
    case KEY_MOUSE: return mouseEvent()
    default: return nil  // a C key code the explorer does not use
    }
  }

  /// A resize event when the kernel's window size differs from ``size`` (curses resized to match).
  private func checkSize() -> InputEvent? {
    var lines: Int32 = 0, cols: Int32 = 0
    guard cs_window_size(&lines, &cols) == 0 else { return nil }
    let current = TerminalSize(width: Int(cols), height: Int(lines))
    guard current != size else { return nil }
    resizeterm(lines, cols)
    size = current
    previous = nil
    return .resize(size)
  }

  private func characterKey(_ ch: wint_t) -> InputEvent? {
    switch ch {
    case 9: return .key(.tab)
    case 10, 13: return .key(.enter)
    case 27: return .key(.escape)
    case 8, 127: return .key(.backspace)
    case 1...26: return .key(.control(Character(Unicode.Scalar(UInt8(ch) + 96))))
    default:  // a C wide character: printable ones are typed text
      guard let scalar = Unicode.Scalar(UInt32(ch)), ch >= 32 else { return nil }
      return .key(.character(Character(scalar)))
    }
  }

  private func mouseEvent() -> InputEvent? {
    var x: Int32 = 0, y: Int32 = 0
    var buttons: mmask_t = 0
    guard cs_get_mouse(&x, &y, &buttons) == OK else { return nil }
    let kind: MouseEvent.Kind
    if buttons & cs_wheel_up() != 0 {
      kind = .wheelUp
    } else if buttons & cs_wheel_down() != 0 {
      kind = .wheelDown
    } else if buttons & (cs_button1_pressed() | cs_button1_clicked() | cs_button1_double_clicked()) != 0 {
      kind = .press
    } else {
      return nil
    }
    return .mouse(MouseEvent(x: Int(x), y: Int(y), kind: kind))
  }

  package func takeSignal() -> Int32? {
    let signal = cs_take_signal()
    return signal == 0 ? nil : signal
  }

  package func setMouseCapture(_ on: Bool) {
    guard isOpen else { return }
    if on { mouseinterval(0) }
    _ = mousemask(on ? cs_all_mouse_events() : 0, nil)
  }

  package func shutdown() {
    guard isOpen else { return }
    isOpen = false
    _ = mousemask(0, nil)
    curs_set(1)
    endwin()
    delscreen(screen)
    cs_restore_signal_handlers()
  }
}
