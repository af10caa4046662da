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
