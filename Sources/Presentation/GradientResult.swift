import Formats
import Foundation
import Runtime
import TensorCore

/// What `convscope grad` prints: per step ‖∂L/∂output‖₂, per parameterised node ‖W‖₂, ‖∂L/∂W‖₂ and their ratio,
/// per residual block the gradient arriving through the shortcut and through the branch; as a table or JSON.
package struct GradientResult {
  package var model: String
  package var inputShape: [Int]
  package var weights: String
  /// `class C` (Σₙ logit[n, C]) or `cross-entropy, label Y`.
  package var objective: String
  package var report: GradientReport

  package init(model: String, inputShape: [Int], weights: String, objective: String, report: GradientReport) {
    self.model = model
    self.inputShape = inputShape
    self.weights = weights
    self.objective = objective
    self.report = report
  }

  /// One row per parameterised node: the node's `weight` (its ‖W‖ and ‖∂L/∂W‖).
  package var nodes: [(path: String, weight: Double, gradient: Double)] {
    report.parameters.filter { $0.name == "weight" }.map {
      ($0.path, Ops.l2Norm($0.value), Ops.l2Norm($0.gradient))
    }
  }

  private static func shape(_ s: [Int]) -> String { s.map(String.init).joined(separator: "×") }
  private static func sci(_ v: Double) -> String { String(format: "%.4e", v) }
  private static func ratio(_ g: Double, _ w: Double) -> Double { w > 0 ? g / w : 0 }

  package func table() -> String {
    var out = "\(model) · input \(Self.shape(inputShape)) · \(weights) · objective \(objective) · loss "
    out += String(format: "%.6g", report.loss) + "\n"
    out += String(
      format: "forward (taped) %.1f ms · backward %.1f ms · %d ops · kept for backward %.1f MiB\n\n",
      report.forwardSeconds * 1000, report.backwardSeconds * 1000, report.recordedOps,
      Double(report.savedBytes) / 1_048_576)
    out += "step".padding(toLength: 28, withPad: " ", startingAt: 0) + "‖∂L/∂output‖₂\n"
    for step in report.steps {
      out += step.name.padding(toLength: 28, withPad: " ", startingAt: 0) + Self.sci(step.norm) + "\n"
    }
    out +=
      "\n" + "node".padding(toLength: 40, withPad: " ", startingAt: 0)
      + "‖W‖₂".padding(toLength: 14, withPad: " ", startingAt: 0)
    out += "‖∂L/∂W‖₂".padding(toLength: 14, withPad: " ", startingAt: 0) + "ratio\n"
    for node in nodes {
      out += node.path.padding(toLength: 40, withPad: " ", startingAt: 0)
      out += Self.sci(node.weight).padding(toLength: 14, withPad: " ", startingAt: 0)
      out += Self.sci(node.gradient).padding(toLength: 14, withPad: " ", startingAt: 0)
      out += Self.sci(Self.ratio(node.gradient, node.weight)) + "\n"
    }
    if !report.residuals.isEmpty {
      out += "\n" + "residual block".padding(toLength: 28, withPad: " ", startingAt: 0)
      out += "‖∂L/∂·‖ shortcut".padding(toLength: 18, withPad: " ", startingAt: 0) + "‖∂L/∂·‖ branch\n"
      for r in report.residuals {
        out += r.path.padding(toLength: 28, withPad: " ", startingAt: 0)
        out += Self.sci(r.shortcut).padding(toLength: 18, withPad: " ", startingAt: 0) + Self.sci(r.branch) + "\n"
      }
    }
    out += "\n‖∂L/∂input‖₂ " + Self.sci(Ops.l2Norm(report.inputGradient)) + "\n"
    return out
  }

  package func json() -> String {
    let document = JSONValue.object([
      ("model", .string(model)),
      ("input_shape", .array(inputShape.map { .integer(Int64($0)) })),
      ("weights", .string(weights)),
      ("objective", .string(objective)),
      ("target", .integer(Int64(report.target))),
      ("loss", .number(report.loss)),
      ("forward_ms", .number(report.forwardSeconds * 1000)),
      ("backward_ms", .number(report.backwardSeconds * 1000)),
      ("saved_bytes", .integer(Int64(report.savedBytes))),
      ("input_grad_norm", .number(Ops.l2Norm(report.inputGradient))),
      ("steps", .array(report.steps.map { .object([("name", .string($0.name)), ("grad_norm", .number($0.norm))]) })),
      (
        "nodes",
        .array(
          nodes.map {
            .object([
              ("path", .string($0.path)), ("weight_norm", .number($0.weight)), ("grad_norm", .number($0.gradient)),
              ("ratio", .number(Self.ratio($0.gradient, $0.weight))),
            ])
          })
      ),
      (
        "residuals",
        .array(
          report.residuals.map {
            .object([("path", .string($0.path)), ("shortcut", .number($0.shortcut)), ("branch", .number($0.branch))])
          })
      ),
    ])
    return document.text(.rows) + "\n"
  }
}
