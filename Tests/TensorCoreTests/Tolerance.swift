import TensorCore
import XCTest

/// Allowed error per element, as a multiple of float32's machine epsilon (2⁻²³ ≈ 1.2e-7).
///
/// An op that sums K float32 products (conv: K = Cg·KH·KW, linear: IN, softmax: the axis length)
/// commits one rounding per addition; rounding errors behave like a random walk, so their sum
/// grows as √K·ε relative to the magnitude of the values involved, which we bound by
/// max(1, max |expected|) over the tensor. The factor 4 covers the blocked and reordered sums of
/// OpenBLAS and of PyTorch's own float32 results, and expf's 1-ulp error. A wrong stride, padding,
/// dilation, group split, pool rule or BN fold changes outputs by O(1), thousands of times more.
let accumulationTolerance: Float = 4 * Float.ulpOfOne

/// Asserts `actual` matches `expected` in shape and within `accumulationTolerance · √terms · scale`.
func assertClose(
  _ actual: Tensor, _ expected: Expected, terms: Int, _ context: String,
  file: StaticString = #filePath, line: UInt = #line
) {
  XCTAssertEqual(actual.shape, expected.shape, "\(context): shape", file: file, line: line)
  guard actual.shape == expected.shape else { return }
  let scale = max(1, expected.values.map { abs($0) }.max() ?? 0)
  let bound = Double(accumulationTolerance) * Double(max(terms, 1)).squareRoot() * scale
  let values = actual.array
  var worst = 0.0, worstIndex = 0
  for (i, e) in expected.values.enumerated() {
    let err = abs(Double(values[i]) - e)
    if !(err <= worst) { worst = err; worstIndex = i }
  }
  XCTAssertLessThanOrEqual(
    worst, bound,
    "\(context): element \(worstIndex) is \(values.isEmpty ? 0 : values[worstIndex]), expected \(expected.values.isEmpty ? 0 : expected.values[worstIndex])",
    file: file, line: line)
}

/// Expected values from a tensor (e.g. another op's result, or a fixture).
extension Expected {
  init(of t: Tensor) { self.init(shape: t.shape, values: t.array.map(Double.init)) }
}
