/// Batch normalisation in inference mode (running statistics), and folding it into a conv.
extension Ops {
  /// `y = (x − mean) / sqrt(var + eps) · weight + bias` per channel, as `F.batch_norm(training=False)`.
  /// - Parameters:
  ///   - input: N×C×H×W.
  ///   - runningMean, runningVar: C.
  ///   - weight, bias: C (γ, β), or nil for 1 and 0 (`affine=False`).
  package static func batchNorm2d(
    _ input: Tensor, runningMean: Tensor, runningVar: Tensor, weight: Tensor? = nil, bias: Tensor? = nil,
    eps: Float = 1e-5, fusedReLU: Bool = false
  ) throws -> Tensor {
    try returning(input.shape) { out in
      try batchNorm2d(
        input, runningMean: runningMean, runningVar: runningVar, weight: weight, bias: bias, eps: eps,
        fusedReLU: fusedReLU, into: out)
    }
  }

  /// Batch norm writing into `out` (the input's shape; `out` may be `input` itself, for in place).
  package static func batchNorm2d(
    _ input: Tensor, runningMean: Tensor, runningVar: Tensor, weight: Tensor? = nil, bias: Tensor? = nil,
    eps: Float = 1e-5, fusedReLU: Bool = false, into out: Tensor
  ) throws {
    try require4D(input, "batchNorm2d")
    try requireShape(out, input.shape, "batchNorm2d")
    let map = try ChannelAffine(
      channels: input.shape[1], runningMean: runningMean, runningVar: runningVar, weight: weight, bias: bias,
      eps: eps, relu: fusedReLU)
    map.apply(to: input, into: out)
  }

  /// Folds an inference batch norm into the conv before it: returns the weight and bias of the
  /// single conv computing `bn(conv(x))`. Weight OC×Cg×KH×KW, bias OC or nil; statistics OC.
  package static func foldBatchNorm(
    convWeight: Tensor, convBias: Tensor? = nil, runningMean: Tensor, runningVar: Tensor,
    weight: Tensor? = nil, bias: Tensor? = nil, eps: Float = 1e-5
  ) throws -> (weight: Tensor, bias: Tensor) {
    guard convWeight.rank == 4 else {
      throw TensorError(op: "foldBatchNorm", "conv weight must be OC×Cg×KH×KW, got \(formatShape(convWeight.shape))")
    }
    let oc = convWeight.shape[0]
    let (scale, shift) = try batchNormAffine(
      channels: oc, runningMean: runningMean, runningVar: runningVar,
      weight: weight, bias: bias, eps: eps, op: "foldBatchNorm")
    if let convBias, convBias.shape != [oc] {
      throw TensorError.shapes("foldBatchNorm", "conv bias shape", expected: [oc], got: convBias.shape)
    }
    let folded = convWeight.copy()
    let per = convWeight.sampleCount
    for o in 0..<oc {
      let row = folded.sample(o)
      for i in 0..<per { row[i] *= scale[o] }
    }
    let oldBias = convBias?.array ?? [Float](repeating: 0, count: oc)
    let newBias = try Tensor(shape: [oc], data: (0..<oc).map { oldBias[$0] * scale[$0] + shift[$0] })
    return (folded, newBias)
  }

  /// An inference batch norm after a conv of `oc` output channels as the conv's output map: `bn(conv(x))` =
  /// scale · (W·x) + bias per output channel (the weights left as they are: `conv2d`'s `outputScale`, so no
  /// folded copy of the weights is made). scale = γ/√(var+eps), bias = convBias·scale + β − mean·scale.
  package static func batchNormOutputMap(
    channels oc: Int, convBias: Tensor? = nil, runningMean: Tensor, runningVar: Tensor, weight: Tensor? = nil,
    bias: Tensor? = nil, eps: Float = 1e-5
  ) throws -> (scale: Tensor, bias: Tensor) {
    let (scale, shift) = try batchNormAffine(
      channels: oc, runningMean: runningMean, runningVar: runningVar, weight: weight, bias: bias, eps: eps,
      op: "batchNormOutputMap")
    if let convBias, convBias.shape != [oc] {
      throw TensorError.shapes("batchNormOutputMap", "conv bias shape", expected: [oc], got: convBias.shape)
    }
    let oldBias = convBias?.array ?? [Float](repeating: 0, count: oc)
    return (
      try Tensor(shape: [oc], data: scale),
      try Tensor(shape: [oc], data: (0..<oc).map { oldBias[$0] * scale[$0] + shift[$0] })
    )
  }

  /// Per-channel scale γ/sqrt(var+eps) and shift β − mean·scale, after checking every shape is C.
  fileprivate static func batchNormAffine(
    channels c: Int, runningMean: Tensor, runningVar: Tensor, weight: Tensor?, bias: Tensor?, eps: Float, op: String
  ) throws -> (scale: [Float], shift: [Float]) {
    for (name, t) in [("runningMean", runningMean), ("runningVar", runningVar), ("weight", weight), ("bias", bias)] {
      if let t, t.shape != [c] {
        throw TensorError(op: op, "\(name) must have shape \(c) for \(c) channels, got \(formatShape(t.shape))")
      }
    }
    let mean = runningMean.array, variance = runningVar.array
    let gamma = weight?.array ?? [Float](repeating: 1, count: c)
    let beta = bias?.array ?? [Float](repeating: 0, count: c)
    var scale = [Float](repeating: 0, count: c), shift = scale
    for i in 0..<c {
      scale[i] = gamma[i] / (variance[i] + eps).squareRoot()
      shift[i] = beta[i] - mean[i] * scale[i]
    }
    return (scale, shift)
  }
}

/// A per-channel map x·scale[c] + shift[c], then max(0, ·) when `relu`: an inference batch norm (and the
/// ReLU after it) that `conv2d` applies to its input on the way into the GEMM instead of in a pass of its own.
package struct ChannelAffine {
  /// scale and shift per channel, as C-element tensors (the GEMM reads them through pointers).
  package let scale: Tensor
  package let shift: Tensor
  package let relu: Bool

  /// The batch norm with these statistics (shapes checked as `batchNorm2d` checks them).
  package init(
    channels: Int, runningMean: Tensor, runningVar: Tensor, weight: Tensor? = nil, bias: Tensor? = nil,
    eps: Float = 1e-5, relu: Bool
  ) throws {
    let (scale, shift) = try Ops.batchNormAffine(
      channels: channels, runningMean: runningMean, runningVar: runningVar, weight: weight, bias: bias, eps: eps,
      op: "batchNorm2d")
    self.scale = try Tensor(shape: [channels], data: scale)
    self.shift = try Tensor(shape: [channels], data: shift)
    self.relu = relu
  }

  /// Channels of the map.
  package var channels: Int { scale.shape[0] }

  /// dst[j] = map(src[stride · j]) for j in `range`, values of `channel`.
  func map(
    _ src: UnsafePointer<Float>, stride: Int = 1, into dst: UnsafeMutablePointer<Float>, range: Range<Int>,
    channel: Int
  ) {
    let (a, b) = (scale.sample(0)[channel], shift.sample(0)[channel])
    if stride != 1 {
      for j in range { dst[j] = relu ? max(src[stride * j] * a + b, 0) : src[stride * j] * a + b }
    } else if relu {  // contiguous: loops the compiler vectorises
      for j in range { dst[j] = max(src[j] * a + b, 0) }
    } else {
      for j in range { dst[j] = src[j] * a + b }
    }
  }

  /// out = map(input) for an N×C×H×W tensor (`out` of the same shape, possibly `input` itself).
  func apply(to input: Tensor, into out: Tensor) {
    let (c, plane) = (input.shape[1], input.shape[2] * input.shape[3])
    Threads.parallelFor(input.shape[0] * c, costPerItem: plane) { range in
      for nc in range {
        let (n, ch) = nc.quotientAndRemainder(dividingBy: c)
        map(input.sample(n) + ch * plane, into: out.sample(n) + ch * plane, range: 0..<plane, channel: ch)
      }
    }
  }

  /// The mapped copy of an N×C×H×W tensor.
  func applied(to input: Tensor) throws -> Tensor {
    let out = try Tensor(uninitialized: input.shape)
    apply(to: input, into: out)
    return out
  }
}
