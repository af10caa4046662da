import Foundation

/// The gradients of the forward ops other than `conv2d` (Conv2d+Backward.swift), as PyTorch's autograd
/// computes them in inference mode. Each takes ∂L/∂y (`gradOutput`, the forward output's shape) and what the
/// forward saw, and returns new contiguous tensors.
extension Ops {
  /// ∂L/∂x of `relu`, from its output y: dy where y > 0, else 0 (PyTorch's `threshold_backward` on the result).
  package static func reluBackward(_ gradOutput: Tensor, output: Tensor) throws -> Tensor {
    try zip("reluBackward", gradOutput, output) { dy, y in y > 0 ? dy : 0 }
  }

  /// ∂L/∂x of `sigmoid`, from its output y: dy · y · (1 − y).
  package static func sigmoidBackward(_ gradOutput: Tensor, output: Tensor) throws -> Tensor {
    try zip("sigmoidBackward", gradOutput, output) { dy, y in dy * y * (1 - y) }
  }

  /// ∂L/∂x of `softmax(axis:)`, from its output y: y · (dy − Σ_axis dy · y).
  package static func softmaxBackward(_ gradOutput: Tensor, output: Tensor, axis: Int) throws -> Tensor {
    let a = axis < 0 ? axis + output.rank : axis
    guard a >= 1, a < output.rank else {
      throw TensorError(op: "softmaxBackward", "axis \(axis) must be a non-batch axis of \(formatShape(output.shape))")
    }
    try requireShape(gradOutput, output.shape, "softmaxBackward", "output gradient")
    let dy = gradOutput.contiguous, y = output.contiguous
    let dx = try Tensor(uninitialized: output.shape)
    let length = y.shape[a], inner = y.shape[(a + 1)...].reduce(1, *), outer = y.shape[1..<a].reduce(1, *)
    for n in 0..<y.shape[0] {
      let (g, s, d) = (dy.sample(n), y.sample(n), dx.sample(n))
      for o in 0..<outer {
        for i in 0..<inner {
          let base = o * length * inner + i
          var dot: Float = 0
          for j in 0..<length { dot += g[base + j * inner] * s[base + j * inner] }
          for j in 0..<length { d[base + j * inner] = s[base + j * inner] * (g[base + j * inner] - dot) }
        }
      }
    }
    return dx
  }

  /// ∂L/∂x of timm's `RadixSoftmax` with R > 1, from its output y (N×R·C radix-major, of an input viewed
  /// N×K×R×(C/K)): the softmax gradient over R, mapped back to the input's cardinality-major layout.
  package static func radixSoftmaxBackward(
    _ gradOutput: Tensor, output: Tensor, radix r: Int, cardinality k: Int
  ) throws -> Tensor {
    try requireShape(gradOutput, output.shape, "radixSoftmaxBackward", "output gradient")
    let total = output.sampleCount
    guard r >= 1, k >= 1, total % (r * k) == 0 else {
      throw TensorError(op: "radixSoftmaxBackward", "\(total) channels do not split into radix \(r) × cardinality \(k)")
    }
    let inner = total / (r * k)
    let dy = gradOutput.contiguous, y = output.contiguous
    let dx = try Tensor(uninitialized: output.shape)
    for n in 0..<y.shape[0] {
      let (g, s, d) = (dy.sample(n), y.sample(n), dx.sample(n))
      for c in 0..<k {
        for j in 0..<inner {
          var dot: Float = 0
          for i in 0..<r { dot += g[(i * k + c) * inner + j] * s[(i * k + c) * inner + j] }
          for i in 0..<r {
            let o = (i * k + c) * inner + j
            d[(c * r + i) * inner + j] = s[o] * (g[o] - dot)
          }
        }
      }
    }
    return dx
  }

  /// What `batchNorm2dBackward` returns: ∂L/∂x, and ∂L/∂γ, ∂L/∂β (C each).
  package struct BatchNormGradients {
    package var input: Tensor
    package var weight: Tensor
    package var bias: Tensor
  }

  /// Gradients of inference batch norm y = (x − μ)/√(σ² + eps) · γ + β (running μ, σ², as `model.eval()`):
  /// ∂L/∂x = dy · γ/√(σ² + eps), ∂L/∂γ = Σ dy · (x − μ)/√(σ² + eps), ∂L/∂β = Σ dy.
  package static func batchNorm2dBackward(
    _ input: Tensor, gradOutput: Tensor, runningMean: Tensor, runningVar: Tensor, weight: Tensor?, eps: Float = 1e-5
  ) throws -> BatchNormGradients {
    try require4D(input, "batchNorm2dBackward")
    try requireShape(gradOutput, input.shape, "batchNorm2dBackward", "output gradient")
    let (n, c, plane) = (input.shape[0], input.shape[1], input.shape[2] * input.shape[3])
    for (name, t) in [("running mean", runningMean), ("running var", runningVar)]
      + (weight.map { [("weight", $0)] } ?? [])
    where t.shape != [c] {
      throw TensorError.shapes("batchNorm2dBackward", name + " shape", expected: [c], got: t.shape)
    }
    let x = input.contiguous, dy = gradOutput.contiguous
    let mean = runningMean.array, variance = runningVar.array, gamma = weight?.array ?? Array(repeating: 1, count: c)
    let dx = try Tensor(uninitialized: input.shape)
    let dgamma = try Tensor(zeros: [c]), dbeta = try Tensor(zeros: [c])
    Threads.parallelFor(c, costPerItem: n * plane) { channels in
      for ch in channels {
        let inv = 1 / (variance[ch] + eps).squareRoot()
        let scale = gamma[ch] * inv
        var sumDy: Float = 0, sumDyXhat: Float = 0
        for i in 0..<n {
          let (xs, g, d) = (x.sample(i) + ch * plane, dy.sample(i) + ch * plane, dx.sample(i) + ch * plane)
          for j in 0..<plane {
            sumDy += g[j]
            sumDyXhat += g[j] * (xs[j] - mean[ch]) * inv
            d[j] = g[j] * scale
          }
        }
        dgamma.sample(0)[ch] = sumDyXhat
        dbeta.sample(0)[ch] = sumDy
      }
    }
    return BatchNormGradients(input: dx, weight: dgamma, bias: dbeta)
  }

  /// What `linearBackward` returns: ∂L/∂x (N×IN), ∂L/∂W (OUT×IN), ∂L/∂b (OUT).
  package struct LinearGradients {
    package var input: Tensor
    package var weight: Tensor
    package var bias: Tensor
  }

  /// Gradients of y = x · Wᵀ + b: ∂L/∂x = dy · W, ∂L/∂W = dyᵀ · x, ∂L/∂b = Σ_N dy (GEMMs).
  package static func linearBackward(_ input: Tensor, weight: Tensor, gradOutput: Tensor) throws -> LinearGradients {
    guard input.rank == 2, weight.rank == 2, input.shape[1] == weight.shape[1] else {
      throw TensorError(
        op: "linearBackward",
        "input \(formatShape(input.shape)) does not match weight \(formatShape(weight.shape)) (input N×IN, weight OUT×IN)"
      )
    }
    let (n, inF, outF) = (input.shape[0], input.shape[1], weight.shape[0])
    try requireShape(gradOutput, [n, outF], "linearBackward", "output gradient")
    let x = input.contiguous, w = weight.contiguous, dy = gradOutput.contiguous
    let dx = try Tensor(zeros: [n, inF]), dw = try Tensor(zeros: [outF, inF]), db = try Tensor(zeros: [outF])
    defer { withExtendedLifetime((x, w, dy)) {} }
    if n > 0, inF > 0, outF > 0 {
      GEMM.sgemm(m: n, n: inF, k: outF, a: dy.sample(0), lda: outF, b: w.sample(0), ldb: inF, c: dx.sample(0), ldc: inF)
      GEMM.sgemm(
        transA: true, m: outF, n: inF, k: n, a: dy.sample(0), lda: outF, b: x.sample(0), ldb: inF, c: dw.sample(0),
        ldc: inF)
    }
    for i in 0..<n {
      for o in 0..<outF { db.sample(0)[o] += dy.sample(i)[o] }
    }
    return LinearGradients(input: dx, weight: dw, bias: db)
  }

  /// ∂L/∂x of `maxPool2d`: each output's gradient goes to the first maximum of its window in row-major
  /// order (PyTorch's CPU kernel), padding never winning.
  package static func maxPool2dBackward(
    _ input: Tensor, gradOutput: Tensor, kernelSize k: Int, stride s: Int, padding p: Int, ceilMode: Bool
  ) throws -> Tensor {
    let shape = try poolOutputShape(
      "maxPool2dBackward", input: input.shape, kernelSize: k, stride: s, padding: p, ceilMode: ceilMode)
    try requireShape(gradOutput, shape, "maxPool2dBackward", "output gradient")
    let x = input.contiguous, dy = gradOutput.contiguous
    let dx = try Tensor(zeros: input.shape)
    let (c, h, w, oh, ow) = (input.shape[1], input.shape[2], input.shape[3], shape[2], shape[3])
    Threads.parallelFor(input.shape[0] * c, costPerItem: oh * ow * k * k) { range in
      for nc in range {
        let (n, ch) = nc.quotientAndRemainder(dividingBy: c)
        let src = x.sample(n) + ch * h * w, g = dy.sample(n) + ch * oh * ow, d = dx.sample(n) + ch * h * w
        for i in 0..<oh {
          for j in 0..<ow {
            let r0 = max(i * s - p, 0), r1 = min(i * s - p + k, h)
            let c0 = max(j * s - p, 0), c1 = min(j * s - p + k, w)
            var best = -1
            var peak = -Float.infinity
            for r in r0..<max(r1, r0) {
              for q in c0..<max(c1, c0) where src[r * w + q] > peak || src[r * w + q].isNaN || best < 0 {
                peak = src[r * w + q]
                best = r * w + q
                if peak.isNaN { break }
              }
            }
            if best >= 0 { d[best] += g[i * ow + j] }
          }
        }
      }
    }
    return dx
  }

  /// ∂L/∂x of `avgPool2d`: each output's gradient spread evenly over its window's input elements, divided
  /// by the forward's divisor (`countIncludePad` as there).
  package static func avgPool2dBackward(
    inputShape: [Int], gradOutput: Tensor, kernelSize k: Int, stride s: Int, padding p: Int, ceilMode: Bool,
    countIncludePad: Bool
  ) throws -> Tensor {
    let shape = try poolOutputShape(
      "avgPool2dBackward", input: inputShape, kernelSize: k, stride: s, padding: p, ceilMode: ceilMode)
    try requireShape(gradOutput, shape, "avgPool2dBackward", "output gradient")
    let dy = gradOutput.contiguous
    let dx = try Tensor(zeros: inputShape)
    let (c, h, w, oh, ow) = (inputShape[1], inputShape[2], inputShape[3], shape[2], shape[3])
    Threads.parallelFor(inputShape[0] * c, costPerItem: oh * ow * k * k) { range in
      for nc in range {
        let (n, ch) = nc.quotientAndRemainder(dividingBy: c)
        let g = dy.sample(n) + ch * oh * ow, d = dx.sample(n) + ch * h * w
        for i in 0..<oh {
          let rStart = i * s - p, rEnd = min(rStart + k, h + p)
          let r0 = max(rStart, 0), r1 = min(rEnd, h)
          for j in 0..<ow {
            let cStart = j * s - p, cEnd = min(cStart + k, w + p)
            let c0 = max(cStart, 0), c1 = min(cEnd, w)
            let divisor = countIncludePad ? (rEnd - rStart) * (cEnd - cStart) : (r1 - r0) * (c1 - c0)
            guard divisor > 0 else { continue }
            let share = g[i * ow + j] / Float(divisor)
            for r in r0..<max(r1, r0) {
              for q in c0..<max(c1, c0) { d[r * w + q] += share }
            }
          }
        }
      }
    }
    return dx
  }

  /// ∂L/∂x of the global average pool (N×C×H×W → N×C×1×1): dy / (H·W) at every position.
  package static func globalAvgPoolBackward(inputShape: [Int], gradOutput: Tensor) throws -> Tensor {
    guard inputShape.count == 4 else {
      throw TensorError(op: "globalAvgPoolBackward", "input must be N×C×H×W, got \(formatShape(inputShape))")
    }
    let (n, c, plane) = (inputShape[0], inputShape[1], inputShape[2] * inputShape[3])
    guard gradOutput.count == n * c else {
      throw TensorError.shapes(
        "globalAvgPoolBackward", "output gradient shape", expected: [n, c, 1, 1], got: gradOutput.shape)
    }
    let dy = gradOutput.contiguous
    let dx = try Tensor(uninitialized: inputShape)
    for i in 0..<n {
      for ch in 0..<c {
        (dx.sample(i) + ch * plane).update(repeating: dy.sample(i)[ch] / Float(plane), count: plane)
      }
    }
    return dx
  }

  /// What `multiplyBackward` returns: ∂L/∂x (N×C×H×W) and ∂L/∂s (N×C×1×1).
  package struct ChannelScaleGradients {
    package var input: Tensor
    package var scale: Tensor
  }

  /// Gradients of y = x ⊙ s (s N×C×1×1 broadcast over H×W: SE gates, SK and split-attention weights):
  /// ∂L/∂x = dy ⊙ s, ∂L/∂s = Σ_HW dy ⊙ x.
  package static func multiplyBackward(
    _ input: Tensor, channelScale scale: Tensor, gradOutput: Tensor
  ) throws -> ChannelScaleGradients {
    try require4D(input, "multiplyBackward")
    let (n, c) = (input.shape[0], input.shape[1])
    guard scale.shape == [n, c, 1, 1] else {
      throw TensorError.shapes("multiplyBackward", "channel scale shape", expected: [n, c, 1, 1], got: scale.shape)
    }
    try requireShape(gradOutput, input.shape, "multiplyBackward", "output gradient")
    let x = input.contiguous, dy = gradOutput.contiguous, s = scale.contiguous
    let dx = try Tensor(uninitialized: input.shape), ds = try Tensor(uninitialized: [n, c, 1, 1])
    let plane = input.shape[2] * input.shape[3]
    Threads.parallelFor(n * c, costPerItem: plane) { range in
      for nc in range {
        let (i, ch) = nc.quotientAndRemainder(dividingBy: c)
        let (xs, g, d) = (x.sample(i) + ch * plane, dy.sample(i) + ch * plane, dx.sample(i) + ch * plane)
        let factor = s.sample(i)[ch]
        var dot: Float = 0
        for j in 0..<plane {
          d[j] = g[j] * factor
          dot += g[j] * xs[j]
        }
        ds.sample(i)[ch] = dot
      }
    }
    return ChannelScaleGradients(input: dx, scale: ds)
  }

  /// ∂L/∂x of `flatten` (N×C×H×W → N×C·H·W): the output gradient viewed in the input's shape.
  package static func flattenBackward(_ gradOutput: Tensor, inputShape: [Int]) throws -> Tensor {
    guard inputShape.first == gradOutput.shape.first, inputShape.reduce(1, *) == gradOutput.count else {
      throw TensorError(
        op: "flattenBackward",
        "input \(formatShape(inputShape)) does not flatten to the output gradient's \(formatShape(gradOutput.shape))")
    }
    return try gradOutput.contiguous.reshaped(inputShape)
  }

  /// ∂L/∂xᵢ of `concat(channels:)` over inputs of `channels[i]` channels each: views of the output gradient's
  /// channel slices (no copy, as PyTorch's `narrow`; contiguous at batch 1, and ops take views).
  package static func concatBackward(_ gradOutput: Tensor, channels: [Int]) throws -> [Tensor] {
    guard gradOutput.rank >= 2, channels.allSatisfy({ $0 >= 0 }), channels.reduce(0, +) == gradOutput.shape[1] else {
      throw TensorError(
        op: "concatBackward",
        "inputs of \(channels.map(String.init).joined(separator: "+")) channels do not make "
          + formatShape(gradOutput.shape))
    }
    var start = 0
    return try channels.map { count in
      defer { start += count }
      return try gradOutput.channels(start..<(start + count))
    }
  }

  /// `a += b` element by element (gradient accumulation); the shapes must agree.
  package static func accumulate(_ b: Tensor, into a: Tensor) throws {
    try requireShape(b, a.shape, "accumulate", "addend")
    let per = a.sampleCount
    for n in 0..<a.shape[0] {
      let (dst, src) = (a.sample(n), b.sample(n))
      for j in 0..<per { dst[j] += src[j] }
    }
  }

  /// The L2 norm √Σ x²: float partial sums of 1024 elements, eight lanes wide, accumulated in Double (a
  /// partial's relative error ≲ √128 · ε, far below what a norm is read for).
  package static func l2Norm(_ t: Tensor) -> Double {
    var sum = 0.0
    let per = t.sampleCount
    for n in 0..<t.shape[0] {
      let p = t.sample(n)
      var start = 0
      while start < per {
        let end = min(per, start + 1024)
        var lanes = SIMD8<Float>()
        var j = start
        while j + 8 <= end {
          let v = UnsafeRawPointer(p + j).loadUnaligned(as: SIMD8<Float>.self)
          lanes += v * v
          j += 8
        }
        var partial = Double(lanes.sum())
        while j < end {
          partial += Double(p[j]) * Double(p[j])
          j += 1
        }
        sum += partial
        start = end
      }
    }
    return sum.squareRoot()
  }

  /// f(a, b) element by element into a new tensor of their common shape.
  private static func zip(
    _ op: String, _ a: Tensor, _ b: Tensor, _ f: (Float, Float) -> Float
  ) throws -> Tensor {
    try requireShape(a, b.shape, op, "output gradient")
    let out = try Tensor(uninitialized: a.shape)
    let per = a.sampleCount
    for n in 0..<a.shape[0] {
      let (x, y, z) = (a.sample(n), b.sample(n), out.sample(n))
      for j in 0..<per { z[j] = f(x[j], y[j]) }
    }
    return out
  }
}

extension Tensor {
  /// `self` when contiguous, else a contiguous copy.
  package var contiguous: Tensor { isContiguous ? self : copy() }
}
