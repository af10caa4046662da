import Foundation
import TensorCore
import XCTest

/// Activations, add, channel-wise multiply and concat against the reference.
final class ElementwiseTests: XCTestCase {
  func testActivations() throws {
    var rng = SeededGenerator(seed: 21)
    for shape in [[1, 3, 5, 7], [3, 17, 33, 35], [4, 9]] {  // the middle one is split over threads
      let x = try Tensor.normal(shape, std: 4, generator: &rng)
      assertClose(try Ops.relu(x), Reference.map(x) { max($0, 0) }, terms: 1, "relu \(shape)")
      assertClose(try Ops.sigmoid(x), Reference.map(x) { 1 / (1 + exp(-$0)) }, terms: 1, "sigmoid \(shape)")
      let copy = x.copy()
      try Ops.relu(copy, into: copy)
      XCTAssertEqual(copy.array, try Ops.relu(x).array, "relu in place")
    }
  }

  func testSoftmax() throws {
    var rng = SeededGenerator(seed: 22)
    let x = try Tensor.normal([3, 5, 4, 2], std: 5, generator: &rng)
    for axis in [0, 1, 2, 3, -1, -3] {
      let y = try Ops.softmax(x, axis: axis)
      assertClose(y, Reference.softmax(x, axis: axis), terms: x.shape[(axis + 4) % 4], "softmax axis \(axis)")
    }
    // Large logits do not overflow (max subtraction).
    let big = try Tensor(shape: [1, 3], data: [1000, 1001, 1002])
    assertClose(try Ops.softmax(big, axis: 1), Reference.softmax(big, axis: 1), terms: 3, "softmax large")
    // Over the channels of a channel view of a batch (not contiguous).
    let view = try x.channels(1..<4)
    assertClose(try Ops.softmax(view, axis: 1), Reference.softmax(view.copy(), axis: 1), terms: 3, "softmax on view")
    assertClose(
      try Ops.softmax(view, axis: 0), Reference.softmax(view.copy(), axis: 0), terms: 3, "softmax axis 0 on view")
  }

  func testAddAndMultiply() throws {
    var rng = SeededGenerator(seed: 23)
    let a = try Tensor.normal([3, 4, 5, 6], generator: &rng)
    let b = try Tensor.normal([3, 4, 5, 6], generator: &rng)
    let av = a.array, bv = b.array
    let sum = Expected(shape: a.shape, values: zip(av, bv).map { Double($0) + Double($1) })
    assertClose(try Ops.add(a, b), sum, terms: 2, "add")
    assertClose(
      try Ops.add(a, b, fusedReLU: true), Expected(shape: a.shape, values: sum.values.map { max($0, 0) }),
      terms: 2, "add + ReLU")

    let scale = try Tensor.uniform([3, 4, 1, 1], generator: &rng)
    let sv = scale.array
    let product = Expected(shape: a.shape, values: av.indices.map { Double(av[$0]) * Double(sv[$0 / 30]) })
    assertClose(try Ops.multiply(a, channelScale: scale), product, terms: 1, "multiply")
    // Accumulating: out = b + a·s (attention-weighted sum of branches).
    let acc = b.copy()
    try Ops.multiply(a, channelScale: scale, accumulate: true, into: acc)
    assertClose(
      acc, Expected(shape: a.shape, values: av.indices.map { Double(bv[$0]) + Double(av[$0]) * Double(sv[$0 / 30]) }),
      terms: 2, "multiply accumulate")
    // With a residual and ReLU: out = max(a·s + b, 0) (an SE block's scaling and residual sum in one pass).
    let seSum = try Tensor(uninitialized: a.shape)
    try Ops.multiply(a, channelScale: scale, residual: b, fusedReLU: true, into: seSum)
    assertClose(
      seSum,
      Expected(
        shape: a.shape, values: av.indices.map { max(Double(av[$0]) * Double(sv[$0 / 30]) + Double(bv[$0]), 0) }),
      terms: 2, "multiply + residual + ReLU")
    XCTAssertThrowsError(try Ops.multiply(a, channelScale: scale, residual: b, into: b), "residual overlaps out")
    // In place add (the residual add writes over the block output).
    try Ops.add(a, b, into: a)
    assertClose(a, sum, terms: 2, "add in place")
  }

  func testConcat() throws {
    var rng = SeededGenerator(seed: 24)
    let a = try Tensor.normal([2, 3, 4, 5], generator: &rng)
    let b = try Tensor.normal([2, 1, 4, 5], generator: &rng)
    let c = try Tensor.normal([2, 2, 4, 5], generator: &rng)
    let y = try Ops.concat(channels: [a, b, c])
    XCTAssertEqual(y.shape, [2, 6, 4, 5])
    for n in 0..<2 {
      for ch in 0..<6 {
        for i in 0..<4 {
          for j in 0..<5 {
            let src = ch < 3 ? a[n, ch, i, j] : ch < 4 ? b[n, ch - 3, i, j] : c[n, ch - 4, i, j]
            XCTAssertEqual(y[n, ch, i, j], src)
          }
        }
      }
    }
    XCTAssertEqual(try y.channels(3..<6).copy().array, try Ops.concat(channels: [b, c]).array)
  }
}
