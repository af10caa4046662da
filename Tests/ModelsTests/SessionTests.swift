import Formats
import Models
import Runtime
import Session
import TensorCore
import TestSupport
import XCTest

/// What a session reports about its weights and input before a pass: non-finite values and negative variances.
final class SessionTests: XCTestCase {
  func testNonFiniteValuesAndNegativeVariancesAreNamedPerTensor() {
    let file = SafetensorsFile(tensors: [
      ("conv1.weight", StoredTensor(shape: [4], floats: [1, .nan, .infinity, 2])),
      ("bn1.running_var", StoredTensor(shape: [3], floats: [1, -1, -0.5])),
      ("bn1.running_mean", StoredTensor(shape: [3], floats: [-1, -2, -3])),
      ("fc.bias", StoredTensor(shape: [2], floats: [0, 1])),
    ])
    XCTAssertEqual(
      Session.problems(in: file, path: "w.safetensors"),
      [
        "--weights w.safetensors: conv1.weight has 2 of 4 values NaN or infinite",
        "--weights w.safetensors: bn1.running_var has 2 negative variances",
      ])
  }

  func testStrictRefusesANonFiniteInputAndOtherwiseWarns() throws {
    var values = [Float](repeating: 0, count: 3 * 8 * 8)
    values[5] = .nan
    let input = try Tensor(shape: [1, 3, 8, 8], data: values)
    let session = Session(
      spec: try ModelSpec(named: "resnet18"), source: SessionSource(input: .array(input, name: "x.npy")))
    XCTAssertThrowsError(try session.makeExecutor(strict: true)) { error in
      XCTAssertEqual("\(error)", "input: 1 of 192 values are NaN or infinite; --strict refuses it")
    }
    _ = try session.makeExecutor()
    XCTAssertEqual(session.warnings, ["input: 1 of 192 values are NaN or infinite"])
  }
}
