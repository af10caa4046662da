/// A key as the explorer understands it, independent of how a terminal encodes it.
package enum Key: Hashable, Sendable {
  /// A printable character (space included).
  case character(Character)
  /// Ctrl plus a letter, lower-case (`control("c")` is Ctrl-C).
  case control(Character)
  case up, down, left, right
  case pageUp, pageDown, home, end
  case enter, escape, tab, backTab, backspace, delete
}

/// A mouse report in screen cells (0-based).
package struct MouseEvent: Equatable, Sendable {
  /// What the mouse did.
  package enum Kind: Equatable, Sendable {
    case press
    case wheelUp
    case wheelDown
  }

  package var x: Int
  package var y: Int
  package var kind: Kind

  package init(x: Int, y: Int, kind: Kind) {
    self.x = x
    self.y = y
    self.kind = kind
  }
}

/// A terminal size in cells.
package struct TerminalSize: Equatable, Hashable, Sendable {
  package var width: Int
  package var height: Int

  package init(width: Int, height: Int) {
    self.width = width
    self.height = height
  }

  /// The smallest terminal the explorer draws into; below it, a "too small" notice.
  package static let minimum = TerminalSize(width: 60, height: 16)

  /// Whether this size is below ``minimum`` in either direction.
  package var isTooSmall: Bool { width < Self.minimum.width || height < Self.minimum.height }
}

/// What a terminal backend reports.
package enum InputEvent: Equatable, Sendable {
  case key(Key)
  case mouse(MouseEvent)
  case resize(TerminalSize)
}
