/// Element-wise sums, channel-wise scaling and channel concatenation.
extension Ops {
  /// a + b for tensors of one shape (the residual add).
  package static func add(_ a: Tensor, _ b: Tensor, fusedReLU: Bool = false) throws -> Tensor {
    return try returning(a.shape) { out in
      try add(a, b, fusedReLU: fusedReLU, into: out)
    }
  }

  /// a + b into `out` (same shape; may be `a` or `b` itself), optionally followed by ReLU.
  package static func add(_ a: Tensor, _ b: Tensor, fusedReLU: Bool = false, into out: Tensor) throws {
    guard a.shape == b.shape else {
      throw TensorError.shapes("add", "second operand shape", expected: a.shape, got: b.shape)
    }
    try requireShape(out, a.shape, "add")
    let per = a.sampleCount
    let chunk = 16_384  // elements per work item, as in `elementwise`: threads split a single sample too
    let chunksPerSample = max(1, (per + chunk - 1) / chunk)
    Threads.parallelFor(a.shape[0] * chunksPerSample, costPerItem: min(per, chunk)) { range in
      for item in range {
        let (n, part) = item.quotientAndRemainder(dividingBy: chunksPerSample)
        let lo = part * chunk, hi = min(per, lo + chunk)
        let x = a.sample(n), y = b.sample(n), z = out.sample(n)
        if fusedReLU {
          for i in lo..<hi { z[i] = max(x[i] + y[i], 0) }
        } else {
          for i in lo..<hi { z[i] = x[i] + y[i] }
        }
      }
    }
  }

  /// x · s, where x is N×C×H×W and s is N×C×1×1 (SE/SK attention weights), broadcast over H×W.
  package static func multiply(_ input: Tensor, channelScale scale: Tensor) throws -> Tensor {
    return try returning(input.shape) { out in
      try multiply(input, channelScale: scale, into: out)
    }
  }

  /// x · s into `out` (the input's shape; may be `input`). With `accumulate`, `out += x · s`
  /// instead, which sums attention-weighted branches (SK, split attention) without temporaries. With
  /// `residual` (the input's shape, not overlapping `out`), `out = act(x · s + residual)`, act = ReLU when
  /// `fusedReLU`: an SE block's scaling, its residual sum and the ReLU after it in one pass.
  package static func multiply(
    _ input: Tensor, channelScale scale: Tensor, accumulate: Bool = false, residual: Tensor? = nil,
    fusedReLU: Bool = false, into out: Tensor
  ) throws {
    try require4D(input, "multiply")
    let (n, c) = (input.shape[0], input.shape[1])
    guard scale.shape == [n, c, 1, 1] else {
      throw TensorError.shapes(
        "multiply", "channel scale shape for input \(formatShape(input.shape))", expected: [n, c, 1, 1],
        got: scale.shape)
    }
    try requireShape(out, input.shape, "multiply")
    if let residual {
      try requireShape(residual, input.shape, "multiply residual")
      try requireNoOverlap(out, residual, "multiply")
    }
    let plane = input.shape[2] * input.shape[3]
    Threads.parallelFor(n * c, costPerItem: plane) { range in
      for nc in range {
        let (i, ch) = nc.quotientAndRemainder(dividingBy: c)
        let x = input.sample(i) + ch * plane, y = out.sample(i) + ch * plane
        let s = scale.sample(i)[ch]
        if let residual {
          let r = residual.sample(i) + ch * plane
          if fusedReLU {
            for j in 0..<plane { y[j] = max(x[j] * s + r[j], 0) }
          } else {
            for j in 0..<plane { y[j] = x[j] * s + r[j] }
          }
        } else if accumulate {
          for j in 0..<plane { y[j] += x[j] * s }
        } else {
          for j in 0..<plane { y[j] = x[j] * s }
        }
      }
    }
  }

  /// Concatenation along channels (dimension 1) of tensors that agree in every other dimension.
  package static func concat(channels inputs: [Tensor]) throws -> Tensor {
    let shape = try concatShape(inputs)
    return try returning(shape) { out in
      try concat(channels: inputs, into: out)
    }
  }

  /// Concatenation into `out` (N×ΣC×H×W). A DenseNet executor can avoid this copy entirely by
  /// writing each layer's output into `out.channels(_:)` directly.
  package static func concat(channels inputs: [Tensor], into out: Tensor) throws {
    try requireShape(out, try concatShape(inputs), "concat")
    var start = 0
    for t in inputs {
      let part = try out.channels(start..<(start + t.shape[1]))
      if !(part.storage === t.storage && part.offset == t.offset) { try t.copy(into: part) }
      start += t.shape[1]
    }
  }

  /// The shape of a channel concatenation, or an error naming the first two disagreeing shapes.
  package static func concatShape(_ inputs: [Tensor]) throws -> [Int] {
    guard let first = inputs.first else { throw TensorError(op: "concat", "needs at least one tensor") }
    guard first.rank >= 2 else {
      throw TensorError(op: "concat", "inputs need rank ≥ 2, got \(formatShape(first.shape))")
    }
    var channels = 0
    for t in inputs {
      var a = t.shape, b = first.shape
      if a.count == b.count { a[1] = 0; b[1] = 0 }
      guard a == b else {
        throw TensorError(
          op: "concat",
          "shapes \(formatShape(first.shape)) and \(formatShape(t.shape)) differ outside the channel dimension")
      }
      channels += t.shape[1]
    }
    var shape = first.shape
    shape[1] = channels
    return shape
  }
}
