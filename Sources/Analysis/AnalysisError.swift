/// Why a network cannot be analysed (or run) for an input: one line naming the node and the shapes.
package enum AnalysisError: Error, Equatable, CustomStringConvertible {
  /// The input is not N×C×H×W with the model's channel count.
  case badInput(shape: [Int], expected: String)
  /// A node would produce an empty output (or its window does not fit) for this input size.
  case inputTooSmall(node: String, kind: String, inputShape: [Int], detail: String)
  /// The input is too large to count in 64 bits, or to run in this machine's memory.
  case inputTooLarge(shape: [Int], detail: String)
  /// A node receives a tensor whose shape does not fit its hyper-parameters (a malformed tree).
  case shapeMismatch(node: String, kind: String, expected: String, got: [Int])
  /// The tree and its ops disagree (a path that names no module, a module that cannot be called).
  case malformed(node: String, reason: String)

  package var description: String {
    switch self {
    case .badInput(let shape, let expected):
      return "input \(AnalysisError.format(shape)) does not fit: expected \(expected)"
    case .inputTooSmall(let node, let kind, let shape, let detail):
      return "input too small: \(AnalysisError.label(node)) (\(kind)) gets \(AnalysisError.format(shape)): \(detail)"
    case .inputTooLarge(let shape, let detail):
      return "input too large: \(AnalysisError.format(shape)): \(detail)"
    case .shapeMismatch(let node, let kind, let expected, let got):
      return
        "shape mismatch at \(AnalysisError.label(node)) (\(kind)): expected \(expected), got \(AnalysisError.format(got))"
    case .malformed(let node, let reason):
      return "malformed network at \(AnalysisError.label(node)): \(reason)"
    }
  }

  /// A shape as `1×64×56×56`.
  package static func format(_ shape: [Int]) -> String {
    shape.map(String.init).joined(separator: "×")
  }

  private static func label(_ path: String) -> String { path.isEmpty ? "the root" : path }
}
