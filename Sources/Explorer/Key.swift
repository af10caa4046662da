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
