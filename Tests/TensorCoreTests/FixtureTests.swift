import Foundation
import TensorCore
import TestSupport
import XCTest

/// Every op against outputs computed by PyTorch (scripts/make_fixtures.py → Tests/Fixtures/ops/ops.json).
final class FixtureTests: XCTestCase {
  struct FixtureTensor: Decodable {
    let shape: [Int]
    let data: [Float]
    var tensor: Tensor { get throws { try Tensor(shape: shape, data: data) } }
  }

  struct Case: Decodable {
    let name: String
    let op: String
    let params: [String: Double]
    let inputs: [String: FixtureTensor]
    let output: FixtureTensor
  }

  struct File: Decodable {
    let torch: String
    let cases: [Case]
  }

  static func load() throws -> [Case] {
    try JSONDecoder().decode(File.self, from: Fixtures.data("ops/ops.json")).cases
  }

  func testEveryOpAgainstPyTorch() throws {
    let cases = try Self.load()
    var opsSeen = Set<String>()
    for c in cases {
      opsSeen.insert(c.op)
      let (actual, terms) = try run(c)
      assertClose(actual, Expected(of: try c.output.tensor), terms: terms, "fixture \(c.name)")
    }
    XCTAssertEqual(
      opsSeen,
      [
        "conv2d", "batchNorm2d", "foldBatchNorm", "relu", "sigmoid", "softmax", "add", "multiply",
        "concat", "maxPool2d", "avgPool2d", "adaptiveAvgPool2d", "globalAvgPool", "linear",
      ])
  }

  /// Runs one case; returns the result and the number of terms summed per output element.
  func run(_ c: Case) throws -> (Tensor, Int) {
    func input(_ name: String) throws -> Tensor {
      guard let t = c.inputs[name] else { throw TensorError(op: "fixtures", "\(c.name) lacks input \(name)") }
      return try t.tensor
    }
    func optional(_ name: String) throws -> Tensor? { try c.inputs[name].map { try $0.tensor } }
    func int(_ key: String, _ fallback: Int = 0) -> Int { c.params[key].map { Int($0) } ?? fallback }
    func flag(_ key: String) -> Bool { int(key) != 0 }
    let eps = Float(c.params["eps"] ?? 1e-5)
    switch c.op {
    case "conv2d":
      let w = try input("weight")
      return (
        try Ops.conv2d(
          try input("input"), weight: w, bias: try optional("bias"), stride: int("stride", 1),
          padding: int("padding"), dilation: int("dilation", 1), groups: int("groups", 1)), w.sampleCount
      )
    case "batchNorm2d":
      return (
        try Ops.batchNorm2d(
          try input("input"), runningMean: try input("runningMean"), runningVar: try input("runningVar"),
          weight: try optional("weight"), bias: try optional("bias"), eps: eps), 4
      )
    case "foldBatchNorm":
      let w = try input("convWeight")
      let folded = try Ops.foldBatchNorm(
        convWeight: w, convBias: try optional("convBias"), runningMean: try input("runningMean"),
        runningVar: try input("runningVar"), weight: try optional("weight"),
        bias: try optional("bias"), eps: eps)
      return (
        try Ops.conv2d(try input("input"), weight: folded.weight, bias: folded.bias, padding: int("padding")),
        w.sampleCount
      )
    case "relu": return (try Ops.relu(try input("input")), 1)
    case "sigmoid": return (try Ops.sigmoid(try input("input")), 1)
    case "softmax":
      let x = try input("input"), axis = int("axis")
      return (try Ops.softmax(x, axis: axis), x.shape[(axis + x.rank) % x.rank])
    case "add": return (try Ops.add(try input("a"), try input("b"), fusedReLU: flag("fusedReLU")), 2)
    case "multiply": return (try Ops.multiply(try input("input"), channelScale: try input("scale")), 1)
    case "concat": return (try Ops.concat(channels: [try input("a"), try input("b")]), 1)
    case "maxPool2d":
      return (
        try Ops.maxPool2d(
          try input("input"), kernelSize: int("kernelSize"), stride: int("stride"),
          padding: int("padding"), ceilMode: flag("ceilMode")), 1
      )
    case "avgPool2d":
      let k = int("kernelSize")
      return (
        try Ops.avgPool2d(
          try input("input"), kernelSize: k, stride: int("stride"), padding: int("padding"),
          ceilMode: flag("ceilMode"), countIncludePad: flag("countIncludePad")), k * k
      )
    case "adaptiveAvgPool2d":
      let x = try input("input")
      return (try Ops.adaptiveAvgPool2d(x, outputSize: (int("outputH"), int("outputW"))), x.shape[2] * x.shape[3])
    case "globalAvgPool":
      let x = try input("input")
      return (try Ops.globalAvgPool(x), x.shape[2] * x.shape[3])
    case "linear":
      let x = try input("input")
      return (try Ops.linear(x, weight: try input("weight"), bias: try optional("bias")), x.shape[1])
    default:
      throw TensorError(op: "fixtures", "unknown op \(c.op) in \(c.name)")
    }
  }
}
