/// A caller's mistake in an op's arguments: its description is the one line a user sees.
package struct TensorError: Error, CustomStringConvertible, Equatable, Sendable {
  /// The op that refused its arguments (`conv2d`, `maxPool2d`, `reshape`, …).
  package let op: String
  /// What was wrong, naming the shapes or values involved.
  package let message: String

  package init(op: String, _ message: String) {
    self.op = op
    self.message = message
  }

  package var description: String { "\(op): \(message)" }

  /// "expected A, got B" for two shapes.
  package static func shapes(_ op: String, _ what: String, expected: [Int], got: [Int]) -> TensorError {
    TensorError(op: op, "\(what): expected \(formatShape(expected)), got \(formatShape(got))")
  }
}

/// `[1, 64, 56, 56]` → `1×64×56×56`, the way shapes are written in every message.
package func formatShape(_ shape: [Int]) -> String {
  shape.isEmpty ? "scalar" : shape.map(String.init).joined(separator: "×")
}
