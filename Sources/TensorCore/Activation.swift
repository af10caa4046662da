#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Activations: ReLU, sigmoid and softmax.
extension Ops {
  /// max(0, x), element-wise.
  package static func relu(_ input: Tensor) throws -> Tensor {
    try returning(input.shape) { out in
      try relu(input, into: out)
    }
  }

  /// ReLU into `out` (the input's shape; may be `input` itself).
  package static func relu(_ input: Tensor, into out: Tensor) throws {
    try elementwise("relu", input, into: out) { x, y, count in
      for i in 0..<count { y[i] = max(x[i], 0) }
    }
  }

  /// 1 / (1 + e^−x), element-wise.
  package static func sigmoid(_ input: Tensor) throws -> Tensor {
    try returning(input.shape) { out in
      try sigmoid(input, into: out)
    }
  }

  /// Sigmoid into `out` (the input's shape; may be `input` itself).
  package static func sigmoid(_ input: Tensor, into out: Tensor) throws {
    try elementwise("sigmoid", input, into: out) { x, y, count in
      for i in 0..<count { y[i] = 1 / (1 + expf(-x[i])) }
    }
  }

  /// Softmax along `axis` (negative counts from the end), max-subtracted for stability, as `F.softmax(x, dim:)`.
  package static func softmax(_ input: Tensor, axis: Int) throws -> Tensor {
    try returning(input.shape) { out in
      try softmax(input, axis: axis, into: out)
    }
  }

  /// Softmax into `out` (the input's shape; may be `input` itself).
  package static func softmax(_ input: Tensor, axis: Int, into out: Tensor) throws {
    let a = axis < 0 ? axis + input.rank : axis
    guard a >= 0, a < input.rank else {
      throw TensorError(op: "softmax", "axis \(axis) out of range for \(formatShape(input.shape))")
    }
    try requireShape(out, input.shape, "softmax")
    guard input.count > 0 else { return }
    // Per sample: outer × length × inner, softmax over the middle (axis 0 spans samples: copy first).
    let src = a == 0 && !input.isContiguous ? input.copy() : input
    let dst = a == 0 && !out.isContiguous ? try Tensor(uninitialized: out.shape) : out
    let length = src.shape[a], inner = src.shape[(a + 1)...].reduce(1, *)
    let outer = a == 0 ? 1 : src.shape[1..<a].reduce(1, *)
    let samples = a == 0 ? 1 : src.shape[0]
    for n in 0..<samples {
      let x = src.sample(n), y = dst.sample(n)
      for o in 0..<outer {
        for i in 0..<inner {
          let base = o * length * inner + i
          var m = -Float.infinity
          for j in 0..<length { m = max(m, x[base + j * inner]) }
          var sum: Float = 0
          for j in 0..<length {
            let e = expf(x[base + j * inner] - m)
            y[base + j * inner] = e
            sum += e
          }
          let inv = 1 / sum
          for j in 0..<length { y[base + j * inner] *= inv }
        }
      }
    }
    if dst.storage !== out.storage { try dst.copy(into: out) }
  }

  /// Applies `kernel(x, y, count)` to each sample's contiguous block, threads splitting large tensors.
  static func elementwise(
    _ op: String, _ input: Tensor, into out: Tensor,
    _ kernel: (UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int) -> Void
  ) throws {
    try requireShape(out, input.shape, op)
    let per = input.sampleCount
    let chunk = 16_384  // elements per work item: large enough to amortise a thread hand-off
    let chunksPerSample = max(1, (per + chunk - 1) / chunk)
    Threads.parallelFor(input.shape[0] * chunksPerSample, costPerItem: min(per, chunk)) { range in
      for item in range {
        let (n, part) = item.quotientAndRemainder(dividingBy: chunksPerSample)
        let lo = part * chunk, len = min(per - lo, chunk)
        if len > 0 { kernel(input.sample(n) + lo, out.sample(n) + lo, len) }
      }
    }
  }
}
