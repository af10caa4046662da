import Analysis
import Graph
import Runtime

/// `summary`'s measured memory: what the executor's buffer pool holds at its peak and what the backward's tape
/// keeps, or why they were not measured.
package struct MemoryFigures: Sendable, Equatable {
  package var measured: MeasuredMemory?
  /// Why ``measured`` is nil (`--no-measure`, an input too large to run).
  package var reason: String

  package init(measured: MeasuredMemory?, reason: String = "") {
    self.measured = measured
    self.reason = reason
  }

  /// The totals' memory lines, each labelled with what it counts.
  package func lines(inputBytes: Int) -> [HyperParameter] {
    var out = [HyperParameter("Input size", NumberFormat.megabytes(inputBytes) + " (\(inputBytes) bytes)")]
    guard let measured else {
      out.append(HyperParameter("Measured memory", "not measured: " + reason))
      return out
    }
    let peak = measured.activationPeakBytes, tape = measured.backwardBytes
    out.append(
      HyperParameter(
        "Activation memory (executor peak, buffer reuse counted)",
        NumberFormat.megabytes(peak) + " (\(peak) bytes)"))
    out.append(
      HyperParameter(
        "Backward memory (tensors the tape keeps for the gradients, weights aside)",
        NumberFormat.megabytes(tape) + " (\(tape) bytes)"))
    return out
  }
}
