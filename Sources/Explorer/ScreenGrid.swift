/// An in-memory screen: a width × height grid of ``Cell``s that rendering draws into.
///
/// Nothing here touches a terminal; a ``TerminalBackend`` presents the finished grid.
package struct ScreenGrid: Equatable, Sendable {
  package let width: Int
  package let height: Int
  package private(set) var cells: [Cell]

  package init(width: Int, height: Int, fill: Cell = .blank) {
    self.width = max(0, width)
    self.height = max(0, height)
    cells = Array(repeating: fill, count: self.width * self.height)
  }

  /// The grid's size as a terminal size.
  package var size: TerminalSize { TerminalSize(width: width, height: height) }

  package subscript(x: Int, y: Int) -> Cell {
    get { cells[y * width + x] }
    set { cells[y * width + x] = newValue }
  }

  /// Writes `text` from column `x` of row `y`, clipped to `maxWidth` columns and the grid;
  /// returns the number of columns written. A wide scalar that does not fit becomes a space.
  @discardableResult
  package mutating func put(_ text: String, x: Int, y: Int, role: StyleRole = .normal, maxWidth: Int? = nil)
    -> Int
  {
    guard y >= 0, y < height, x < width else { return 0 }
    let limit = min(width, x + (maxWidth ?? width))
    var column = x
    for scalar in text.unicodeScalars {
      let w = DisplayWidth.of(scalar)
      if w == 0 { continue }
      if column + w > limit {
        if w == 2 && column < limit && column >= 0 { self[column, y] = Cell(" ", role); column += 1 }
        break
      }
      if column >= 0 {
        self[column, y] = Cell(scalar, role)
        if w == 2 { self[column + 1, y] = Cell(Cell.continuationScalar, role) }
      }
      column += w
    }
    return max(0, column - max(x, 0))
  }

  /// Writes a line of styled segments from column `x`, clipped to `maxWidth` columns.
  @discardableResult
  package mutating func put(_ line: StyledLine, x: Int, y: Int, maxWidth: Int) -> Int {
    var used = 0
    for segment in line.segments where used < maxWidth {
      used += put(segment.text, x: x + used, y: y, role: segment.role, maxWidth: maxWidth - used)
    }
    return used
  }

  /// Fills a rectangle with one scalar in one role.
  package mutating func fill(
    x: Int, y: Int, width w: Int, height h: Int, with scalar: Unicode.Scalar = " ", role: StyleRole = .normal
  ) {
    let x0 = max(0, x), y0 = max(0, y)
    let x1 = min(width, x + w), y1 = min(height, y + h)
    guard x0 < x1, y0 < y1 else { return }
    for row in y0..<y1 {
      for column in x0..<x1 { self[column, row] = Cell(scalar, role) }
    }
  }

  /// Gives every cell of a row span a new role, keeping its scalar.
  package mutating func restyle(y: Int, x: Int, width w: Int, role: StyleRole) {
    guard y >= 0, y < height else { return }
    for column in max(0, x)..<max(max(0, x), min(width, x + w)) { self[column, y].role = role }
  }

  /// Replaces every non-ASCII cell with `?` (a wide character's right half with a space): the
  /// last line of defence of the ASCII fallback, for text from the model that was not spelled out.
  package mutating func replaceNonASCII() {
    for i in cells.indices where !cells[i].scalar.isASCII || cells[i].isContinuation {
      cells[i].scalar = cells[i].isContinuation ? " " : "?"
    }
  }

  /// The text of row `y`, wide characters once, trailing spaces kept.
  package func text(row y: Int) -> String {
    var line = String.UnicodeScalarView()
    for column in 0..<width where !self[column, y].isContinuation { line.append(self[column, y].scalar) }
    return String(line)
  }

  /// The whole screen as text, one line per row, trailing spaces trimmed.
  package var text: String {
    (0..<height).map { row -> String in
      var line = text(row: row)
      while line.last == " " { line.removeLast() }
      return line
    }.joined(separator: "\n")
  }
}
