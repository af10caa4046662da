/// A line of text made of runs that each carry a ``StyleRole``.
package struct StyledLine: Equatable, Sendable {
  /// One run of text in one role.
  package struct Segment: Equatable, Sendable {
    package var text: String
    package var role: StyleRole
  }

  package var segments: [Segment]

  package init(_ segments: [Segment] = []) { self.segments = segments }

  package init(_ text: String, _ role: StyleRole = .normal) { segments = [Segment(text: text, role: role)] }

  /// Appends a run.
  package mutating func append(_ text: String, _ role: StyleRole = .normal) {
    segments.append(Segment(text: text, role: role))
  }

  /// The columns the line occupies.
  package var width: Int { segments.reduce(0) { $0 + DisplayWidth.of($1.text) } }

  /// The plain text of the line.
  package var plainText: String { segments.map(\.text).joined() }
}
