/// One terminal cell: the scalar drawn there and the role that styles it.
///
/// A wide scalar (2 columns) occupies its cell and the next, which holds ``Cell/continuation``.
package struct Cell: Equatable, Sendable {
  package var scalar: Unicode.Scalar
  package var role: StyleRole

  package init(_ scalar: Unicode.Scalar, _ role: StyleRole = .normal) {
    self.scalar = scalar
    self.role = role
  }

  /// An empty cell.
  package static let blank = Cell(" ")
  /// The marker for the right half of a wide character (the presenter skips it).
  package static let continuationScalar: Unicode.Scalar = "\u{0}"

  /// Whether this cell is the right half of a wide character.
  package var isContinuation: Bool { scalar == Cell.continuationScalar }
}
