// Every backward op against PyTorch autograd (scripts/make_backward_fixtures.py → Tests/Fixtures/ops/backward.json),
// at the configurations the zoo runs. The references are float64 gradients of the fixture's float32 values, so the
// bound is our own float32 error alone: `assertClose`'s 4ε · √terms · max(1, max |g|) (Tolerance.swift), with
// `terms` the number of products summed into one gradient element (the adjoint's reduction length).
import Foundation
import TensorCore
import TestSupport
import XCTest

final class BackwardFixtureTests: XCTestCase {
  struct Case: Decodable {
    let name: String
    let op: String
    let params: [String: Double]
    let inputs: [String: FixtureTests.FixtureTensor]
    let gradOutput: FixtureTests.FixtureTensor
    let grads: [String: FixtureTests.FixtureTensor]
  }

  struct File: Decodable {
    let torch: String
    let cases: [Case]
  }

  func testEveryBackwardOpAgainstPyTorchAutograd() throws {
    let cases = try JSONDecoder().decode(File.self, from: Fixtures.data("ops/backward.json")).cases
    var opsSeen = Set<String>()
    for c in cases {
      opsSeen.insert(c.op)
      let got = try run(c)
      XCTAssertEqual(Set(got.keys), Set(c.grads.keys), "\(c.name): gradients computed")
      for (key, (tensor, terms)) in got {
        guard let want = c.grads[key] else { continue }
        assertClose(tensor, Expected(of: try want.tensor), terms: terms, "\(c.name) ∂L/∂\(key)")
      }
    }
    XCTAssertEqual(
      opsSeen,
      [
        "conv2d", "batchNorm2d", "relu", "sigmoid", "softmax", "radixSoftmax", "maxPool2d", "avgPool2d",
        "globalAvgPool", "linear", "flatten", "concat", "add", "multiply", "weightedSum",
      ])
  }

  /// The gradients of one case by input name, each with the number of terms summed per element.
  private func run(_ c: Case) throws -> [String: (Tensor, Int)] {
    func input(_ name: String) throws -> Tensor {
      guard let t = c.inputs[name] else { throw TensorError(op: "fixtures", "\(c.name) lacks input \(name)") }
      return try t.tensor
    }
    func int(_ key: String, _ fallback: Int = 0) -> Int { c.params[key].map { Int($0) } ?? fallback }
    func flag(_ key: String) -> Bool { int(key) != 0 }
    let dy = try c.gradOutput.tensor
    switch c.op {
    case "conv2d":
      let (x, w) = (try input("input"), try input("weight"))
      let grads = try Ops.conv2dBackward(
        x, weight: w, gradOutput: dy, stride: int("stride", 1), padding: int("padding"),
        dilation: int("dilation", 1), groups: int("groups", 1))
      let (groups, spatial) = (int("groups", 1), dy.shape[0] * dy.shape[2] * dy.shape[3])
      var result = [
        "input": (try XCTUnwrap(grads.input), w.shape[0] / groups * w.shape[2] * w.shape[3]),
        "weight": (grads.weight, spatial),
      ]
      if c.inputs["bias"] != nil { result["bias"] = (grads.bias, spatial) }
      return result
    case "batchNorm2d":
      let x = try input("input")
      let grads = try Ops.batchNorm2dBackward(
        x, gradOutput: dy, runningMean: try input("runningMean"), runningVar: try input("runningVar"),
        weight: try input("weight"), eps: Float(c.params["eps"] ?? 1e-5))
      let spatial = x.shape[0] * x.shape[2] * x.shape[3]
      return ["input": (grads.input, 1), "weight": (grads.weight, spatial), "bias": (grads.bias, spatial)]
    case "relu": return ["input": (try Ops.reluBackward(dy, output: try Ops.relu(try input("input"))), 1)]
    case "sigmoid": return ["input": (try Ops.sigmoidBackward(dy, output: try Ops.sigmoid(try input("input"))), 1)]
    case "softmax":
      let (x, axis) = (try input("input"), int("axis"))
      let y = try Ops.softmax(x, axis: axis)
      return ["input": (try Ops.softmaxBackward(dy, output: y, axis: axis), x.shape[(axis + x.rank) % x.rank])]
    case "radixSoftmax":
      let (x, r, k) = (try input("input"), int("radix"), int("cardinality"))
      let y = try Ops.radixSoftmax(x, radix: r, cardinality: k)
      return ["input": (try Ops.radixSoftmaxBackward(dy, output: y, radix: r, cardinality: k).reshaped(x.shape), r)]
    case "maxPool2d":
      let k = int("kernelSize")
      let dx = try Ops.maxPool2dBackward(
        try input("input"), gradOutput: dy, kernelSize: k, stride: int("stride"), padding: int("padding"),
        ceilMode: flag("ceilMode"))
      return ["input": (dx, k * k)]
    case "avgPool2d":
      let k = int("kernelSize")
      let dx = try Ops.avgPool2dBackward(
        inputShape: try input("input").shape, gradOutput: dy, kernelSize: k, stride: int("stride"),
        padding: int("padding"), ceilMode: flag("ceilMode"), countIncludePad: flag("countIncludePad"))
      return ["input": (dx, k * k)]
    case "globalAvgPool":
      return ["input": (try Ops.globalAvgPoolBackward(inputShape: try input("input").shape, gradOutput: dy), 1)]
    case "linear":
      let (x, w) = (try input("input"), try input("weight"))
      let grads = try Ops.linearBackward(x, weight: w, gradOutput: dy)
      return [
        "input": (grads.input, w.shape[0]), "weight": (grads.weight, x.shape[0]), "bias": (grads.bias, x.shape[0]),
      ]
    case "flatten": return ["input": (try Ops.flattenBackward(dy, inputShape: try input("input").shape), 1)]
    case "concat":
      let parts = try Ops.concatBackward(dy, channels: [try input("a").shape[1], try input("b").shape[1]])
      return ["a": (parts[0], 1), "b": (parts[1], 1)]
    case "add":
      // y = a + b passes ∂L/∂y to both addends unchanged (the tape hands on the same tensor).
      return ["a": (dy, 1), "b": (dy, 1)]
    case "multiply":
      let x = try input("input")
      let grads = try Ops.multiplyBackward(x, channelScale: try input("scale"), gradOutput: dy)
      return ["input": (grads.input, 1), "scale": (grads.scale, x.shape[2] * x.shape[3])]
    case "weightedSum": return try weightedSum(c, dy)
    default:
      throw TensorError(op: "fixtures", "unknown op \(c.op) in \(c.name)")
    }
  }

  /// Σ_m w[:, m, :] ⊙ branch_m (SK and split attention) as the tape differentiates it: each term is a channel
  /// product with its slice of the weights (`multiplyBackward`), and the sum hands ∂L/∂y to every term.
  private func weightedSum(_ c: Case, _ dy: Tensor) throws -> [String: (Tensor, Int)] {
    let m = Int(c.params["branches"] ?? 0)
    let weights = try XCTUnwrap(c.inputs["weights"]).tensor
    let (n, channels) = (weights.shape[0], weights.shape[2])
    let flat = try weights.reshaped([n, m * channels, 1, 1])
    let dWeights = try Tensor(zeros: [n, m * channels, 1, 1])
    var result: [String: (Tensor, Int)] = [:]
    var spatial = 1
    for i in 0..<m {
      let branch = try XCTUnwrap(c.inputs["branch\(i)"]).tensor
      spatial = branch.shape[2] * branch.shape[3]
      let scale = try flat.channels(i * channels..<(i + 1) * channels).copy()
      let grads = try Ops.multiplyBackward(branch, channelScale: scale, gradOutput: dy)
      result["branch\(i)"] = (grads.input, 1)
      try grads.scale.copy(into: try dWeights.channels(i * channels..<(i + 1) * channels))
    }
    result["weights"] = (try dWeights.reshaped(weights.shape), spatial)
    return result
  }
}
