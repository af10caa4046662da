import TensorCore
import XCTest

/// Wrong shapes and arguments throw a `TensorError` whose one-line message names the op and the shapes.
final class ErrorTests: XCTestCase {
  func assertThrows(
    _ op: String, mentions fragments: [String], _ body: () throws -> Void,
    file: StaticString = #filePath, line: UInt = #line
  ) {
    do {
      try body()
      XCTFail("\(op): no error thrown", file: file, line: line)
    } catch let error as TensorError {
      XCTAssertEqual(error.op, op, file: file, line: line)
      let text = error.description
      XCTAssertTrue(text.hasPrefix("\(op): "), text, file: file, line: line)
      XCTAssertFalse(text.contains("\n"), "one line: \(text)", file: file, line: line)
      for f in fragments { XCTAssertTrue(text.contains(f), "'\(text)' should mention \(f)", file: file, line: line) }
    } catch {
      XCTFail("\(op): unexpected error \(error)", file: file, line: line)
    }
  }

  func testConvErrors() throws {
    let x = try Tensor(zeros: [1, 3, 8, 8])
    assertThrows("conv2d", mentions: ["1×3×8×8", "16×4×3×3"]) {
      _ = try Ops.conv2d(x, weight: try Tensor(zeros: [16, 4, 3, 3]))
    }
    assertThrows("conv2d", mentions: ["groups 2", "1×3×8×8"]) {
      _ = try Ops.conv2d(x, weight: try Tensor(zeros: [4, 1, 3, 3]), groups: 2)
    }
    assertThrows("conv2d", mentions: ["1×3×8×8", "2×3×9×9"]) {
      _ = try Ops.conv2d(x, weight: try Tensor(zeros: [2, 3, 9, 9]))
    }
    assertThrows("conv2d", mentions: ["stride 0"]) {
      _ = try Ops.conv2d(x, weight: try Tensor(zeros: [2, 3, 3, 3]), stride: 0)
    }
    assertThrows("conv2d", mentions: ["bias", "5"]) {
      _ = try Ops.conv2d(x, weight: try Tensor(zeros: [2, 3, 3, 3]), bias: try Tensor(zeros: [5]))
    }
    assertThrows("conv2d", mentions: ["1×2×6×6", "1×2×5×5"]) {
      try Ops.conv2d(x, weight: try Tensor(zeros: [2, 3, 3, 3]), into: try Tensor(zeros: [1, 2, 5, 5]))
    }
    assertThrows("conv2d", mentions: ["overlaps"]) {
      let buffer = try Tensor(zeros: [1, 6, 8, 8])
      try Ops.conv2d(
        try buffer.channels(0..<3), weight: try Tensor(zeros: [3, 3, 3, 3]), padding: 1,
        into: try buffer.channels(2..<5))
    }
    assertThrows("conv2d", mentions: ["3×8×8"]) { _ = try Ops.conv2d(try Tensor(zeros: [3, 8, 8]), weight: x) }
  }

  func testOtherOpErrors() throws {
    let a = try Tensor(zeros: [2, 3, 4, 4])
    assertThrows("add", mentions: ["2×3×4×4", "2×3×4×5"]) { _ = try Ops.add(a, try Tensor(zeros: [2, 3, 4, 5])) }
    assertThrows("multiply", mentions: ["2×3×1×1", "2×4×1×1"]) {
      _ = try Ops.multiply(a, channelScale: try Tensor(zeros: [2, 4, 1, 1]))
    }
    assertThrows("concat", mentions: ["2×3×4×4", "2×3×5×4"]) {
      _ = try Ops.concat(channels: [a, try Tensor(zeros: [2, 3, 5, 4])])
    }
    assertThrows("batchNorm2d", mentions: ["runningMean", "3", "4"]) {
      _ = try Ops.batchNorm2d(a, runningMean: try Tensor(zeros: [4]), runningVar: try Tensor(zeros: [3]))
    }
    assertThrows("maxPool2d", mentions: ["padding 2", "kernel 3"]) {
      _ = try Ops.maxPool2d(a, kernelSize: 3, padding: 2)
    }
    assertThrows("avgPool2d", mentions: ["kernel 5", "2×3×4×4"]) { _ = try Ops.avgPool2d(a, kernelSize: 5) }
    assertThrows("linear", mentions: ["2×48", "10×47"]) {
      _ = try Ops.linear(try a.flattened(), weight: try Tensor(zeros: [10, 47]))
    }
    assertThrows("softmax", mentions: ["axis 4", "2×3×4×4"]) { _ = try Ops.softmax(a, axis: 4) }
    assertThrows("relu", mentions: ["2×3×4×4", "2×3×4×3"]) { try Ops.relu(a, into: try Tensor(zeros: [2, 3, 4, 3])) }
    assertThrows("reshape", mentions: ["2×3×4×4", "5×7"]) { _ = try a.reshaped([5, 7]) }
    assertThrows("channels", mentions: ["2..<5", "2×3×4×4"]) { _ = try a.channels(2..<5) }
    assertThrows("Tensor(shape:data:)", mentions: ["2×2", "3"]) { _ = try Tensor(shape: [2, 2], data: [1, 2, 3]) }
    assertThrows("foldBatchNorm", mentions: ["runningVar", "8", "7"]) {
      _ = try Ops.foldBatchNorm(
        convWeight: try Tensor(zeros: [8, 3, 3, 3]), runningMean: try Tensor(zeros: [8]),
        runningVar: try Tensor(zeros: [7]))
    }
  }
}
