import TensorCore
import XCTest

/// Inference batch norm and BN folding against the reference.
final class BatchNormTests: XCTestCase {
  struct Stats { let mean, variance, gamma, beta: Tensor }

  func stats(_ c: Int, _ rng: inout SeededGenerator) throws -> Stats {
    Stats(
      mean: try Tensor.normal([c], std: 0.5, generator: &rng),
      variance: try Tensor.uniform([c], low: 0.3, high: 2, generator: &rng),
      gamma: try Tensor.normal([c], generator: &rng), beta: try Tensor.normal([c], generator: &rng))
  }

  func testAgainstReference() throws {
    var rng = SeededGenerator(seed: 11)
    for (n, c, h, w) in [(1, 3, 5, 7), (3, 16, 9, 9), (2, 5, 1, 1)] {
      let x = try Tensor.normal([n, c, h, w], generator: &rng)
      let s = try stats(c, &rng)
      let y = try Ops.batchNorm2d(
        x, runningMean: s.mean, runningVar: s.variance, weight: s.gamma, bias: s.beta, eps: 1e-3)
      let expected = Reference.batchNorm(
        x, mean: s.mean.array, variance: s.variance.array, gamma: s.gamma.array,
        beta: s.beta.array, eps: 1e-3)
      assertClose(y, expected, terms: 4, "batchNorm2d \([n, c, h, w])")
      // Without affine parameters γ = 1, β = 0.
      let plain = try Ops.batchNorm2d(x, runningMean: s.mean, runningVar: s.variance)
      let ones = [Float](repeating: 1, count: c), zeros = [Float](repeating: 0, count: c)
      assertClose(
        plain,
        Reference.batchNorm(x, mean: s.mean.array, variance: s.variance.array, gamma: ones, beta: zeros, eps: 1e-5),
        terms: 4, "batchNorm2d affine=false")
      // In place, with the fused ReLU.
      try Ops.batchNorm2d(
        x, runningMean: s.mean, runningVar: s.variance, weight: s.gamma, bias: s.beta, eps: 1e-3,
        fusedReLU: true, into: x)
      assertClose(
        x, Expected(shape: expected.shape, values: expected.values.map { max($0, 0) }), terms: 4, "in place + ReLU")
    }
  }

  /// conv with the folded weight and bias equals BN applied after the conv (with and without conv bias, groups).
  func testFoldIntoConv() throws {
    var rng = SeededGenerator(seed: 12)
    for (groups, hasBias) in [(1, false), (1, true), (2, true), (4, false)] {
      let x = try Tensor.normal([2, 4, 7, 7], generator: &rng)
      let weight = try Tensor.normal([8, 4 / groups, 3, 3], generator: &rng)
      let convBias = hasBias ? try Tensor.normal([8], generator: &rng) : nil
      let s = try stats(8, &rng)
      let original = weight.array
      let conv = try Ops.conv2d(x, weight: weight, bias: convBias, stride: 2, padding: 1, groups: groups)
      let separate = try Ops.batchNorm2d(
        conv, runningMean: s.mean, runningVar: s.variance, weight: s.gamma, bias: s.beta)
      let folded = try Ops.foldBatchNorm(
        convWeight: weight, convBias: convBias, runningMean: s.mean, runningVar: s.variance,
        weight: s.gamma, bias: s.beta)
      XCTAssertEqual(folded.weight.shape, weight.shape)
      let fused = try Ops.conv2d(x, weight: folded.weight, bias: folded.bias, stride: 2, padding: 1, groups: groups)
      assertClose(fused, Expected(of: separate), terms: weight.sampleCount, "fold groups \(groups) bias \(hasBias)")
      XCTAssertEqual(weight.array, original, "folding must not modify the original weight")
    }
  }

  /// A batch norm as the conv's output map (`batchNormOutputMap` → `conv2d`'s `outputScale` and bias) equals BN
  /// applied after the conv, on every conv path (1×1, im2col, implicit, grouped, depthwise, swapped, shifted)
  /// and every GEMM path the CPU has, with and without the residual sum and the ReLU.
  func testOutputMapOnEveryPath() throws {
    var rng = SeededGenerator(seed: 13)
    // (input, weight, stride, padding, groups)
    let shapes: [([Int], [Int], Int, Int, Int)] = [
      ([2, 16, 9, 9], [24, 16, 1, 1], 1, 0, 1),  // pointwise
      ([1, 8, 20, 20], [20, 8, 3, 3], 1, 1, 1),  // implicit / shifted
      ([1, 8, 15, 15], [16, 8, 3, 3], 2, 1, 1),  // strided
      ([1, 16, 12, 12], [32, 4, 3, 3], 1, 1, 4),  // grouped kernel
      ([1, 8, 10, 10], [8, 1, 3, 3], 1, 1, 8),  // depthwise
      ([1, 32, 5, 5], [64, 32, 3, 3], 1, 1, 1),  // swapped on OpenBLAS
      ([1, 12, 16, 16], [12, 12, 1, 1], 2, 0, 1),  // strided 1×1 (im2col)
    ]
    for backend in GEMM.supportedBackends {
      try onBackend(backend) {
        for (i, (input, weightShape, stride, padding, groups)) in shapes.enumerated() {
          let x = try Tensor.normal(input, generator: &rng)
          let weight = try Tensor.normal(weightShape, generator: &rng)
          let oc = weightShape[0]
          let convBias = i % 2 == 0 ? try Tensor.normal([oc], generator: &rng) : nil
          let s = try stats(oc, &rng)
          let conv = try Ops.conv2d(x, weight: weight, bias: convBias, stride: stride, padding: padding, groups: groups)
          let separate = try Ops.batchNorm2d(
            conv, runningMean: s.mean, runningVar: s.variance, weight: s.gamma, bias: s.beta)
          let residual = try Tensor.normal(separate.shape, generator: &rng)
          let map = try Ops.batchNormOutputMap(
            channels: oc, convBias: convBias, runningMean: s.mean, runningVar: s.variance, weight: s.gamma,
            bias: s.beta)
          for (relu, withResidual) in [(false, false), (true, false), (true, true)] {
            let out = try Tensor(zeros: separate.shape)
            try Ops.conv2d(
              x, weight: weight, bias: map.bias, stride: stride, padding: padding, groups: groups, fusedReLU: relu,
              outputScale: map.scale, residual: withResidual ? residual : nil, into: out)
            let expected = zip(separate.array, residual.array).map { v, r in
              let sum = withResidual ? v + r : v
              return relu ? max(sum, 0) : sum
            }
            assertClose(
              out, Expected(shape: separate.shape, values: expected.map(Double.init)),
              terms: weight.sampleCount + 4, "\(backend) \(input) \(weightShape) relu \(relu) residual \(withResidual)")
          }
        }
      }
    }
  }
}
