import TensorCore
import XCTest

/// The fully connected layer against the reference, fed as a classifier head is.
final class LinearTests: XCTestCase {
  func testAgainstReference() throws {
    var rng = SeededGenerator(seed: 41)
    for (n, inF, outF, hasBias) in [(1, 7, 3, true), (3, 64, 10, false), (2, 1, 5, true), (5, 33, 17, true)] {
      let x = try Tensor.normal([n, inF], generator: &rng)
      let w = try Tensor.normal([outF, inF], generator: &rng)
      let b = hasBias ? try Tensor.normal([outF], generator: &rng) : nil
      assertClose(
        try Ops.linear(x, weight: w, bias: b), Reference.linear(x, w, b), terms: inF, "linear \(n)×\(inF)→\(outF)")
    }
  }

  /// Global pool → flatten → linear, the head of every zoo model.
  func testHead() throws {
    var rng = SeededGenerator(seed: 42)
    let features = try Tensor.normal([3, 16, 4, 4], generator: &rng)
    let w = try Tensor.normal([10, 16], generator: &rng)
    let pooled = try Ops.globalAvgPool(features).flattened()
    XCTAssertEqual(pooled.shape, [3, 16])
    let out = try Tensor(uninitialized: [3, 10])
    try Ops.linear(pooled, weight: w, into: out)
    assertClose(out, Reference.linear(pooled, w, nil), terms: 16, "head")
  }
}
