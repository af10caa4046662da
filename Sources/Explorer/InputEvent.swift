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

/// What a terminal backend reports.
package enum InputEvent: Equatable, Sendable {
  case key(Key)
  case mouse(MouseEvent)
  case resize(TerminalSize)
}
