/// Max and average pooling with PyTorch's output-size rule, `ceilMode` and `countIncludePad`.
extension Ops {
  /// Output length of a pooling window along one axis, as `torch.nn.MaxPool2d`/`AvgPool2d`:
  /// floor((in + 2p − k + (ceil ? s − 1 : 0)) / s) + 1, minus one in ceil mode when the last window
  /// would start at or beyond `in + p` (it must start inside the input or the left padding).
  package static func pooledSize(_ size: Int, kernel: Int, stride: Int, padding: Int, ceilMode: Bool) -> Int {
    let span = size + 2 * padding - kernel + (ceilMode ? stride - 1 : 0)
    var out = span >= 0 ? span / stride + 1 : 0
    if ceilMode && out > 0 && (out - 1) * stride >= size + padding { out -= 1 }
    return out
  }

  /// Output shape N×C×OH×OW of a pooling, after PyTorch's argument checks.
  package static func poolOutputShape(
    _ op: String, input: [Int], kernelSize: Int, stride: Int, padding: Int, ceilMode: Bool
  ) throws -> [Int] {
    guard input.count == 4 else { throw TensorError(op: op, "input must be N×C×H×W, got \(formatShape(input))") }
    guard kernelSize >= 1, stride >= 1, padding >= 0 else {
      throw TensorError(
        op: op,
        "needs kernel ≥ 1, stride ≥ 1, padding ≥ 0; got kernel \(kernelSize), stride \(stride), padding \(padding)")
    }
    guard 2 * padding <= kernelSize else {
      throw TensorError(op: op, "padding \(padding) must be at most half of kernel \(kernelSize)")
    }
    let oh = pooledSize(input[2], kernel: kernelSize, stride: stride, padding: padding, ceilMode: ceilMode)
    let ow = pooledSize(input[3], kernel: kernelSize, stride: stride, padding: padding, ceilMode: ceilMode)
    guard oh >= 1, ow >= 1 else {
      throw TensorError(op: op, "kernel \(kernelSize) (padding \(padding)) larger than input \(formatShape(input))")
    }
    return [input[0], input[1], oh, ow]
  }

  /// Max pooling (padding counts as −∞); `stride` nil means the kernel size, as in PyTorch.
  package static func maxPool2d(
    _ input: Tensor, kernelSize: Int, stride: Int? = nil, padding: Int = 0, ceilMode: Bool = false
  ) throws -> Tensor {
    let shape = try poolOutputShape(
      "maxPool2d", input: input.shape, kernelSize: kernelSize, stride: stride ?? kernelSize,
      padding: padding, ceilMode: ceilMode)
    return try returning(shape) { out in
      try maxPool2d(input, kernelSize: kernelSize, stride: stride, padding: padding, ceilMode: ceilMode, into: out)
    }
  }

  /// Max pooling into `out` (N×C×OH×OW, not overlapping the input).
  package static func maxPool2d(
    _ input: Tensor, kernelSize: Int, stride: Int? = nil, padding: Int = 0, ceilMode: Bool = false, into out: Tensor
  ) throws {
    try pool(
      "maxPool2d", input, kernelSize: kernelSize, stride: stride ?? kernelSize, padding: padding, ceilMode: ceilMode,
      kind: .max, into: out)
  }

  /// Average pooling; `countIncludePad` divides by the window size clipped to the padded input
  /// (PyTorch's default), otherwise by the number of input elements in the window.
  package static func avgPool2d(
    _ input: Tensor, kernelSize: Int, stride: Int? = nil, padding: Int = 0, ceilMode: Bool = false,
    countIncludePad: Bool = true
  ) throws -> Tensor {
    let shape = try poolOutputShape(
      "avgPool2d", input: input.shape, kernelSize: kernelSize, stride: stride ?? kernelSize,
      padding: padding, ceilMode: ceilMode)
    return try returning(shape) { out in
      try avgPool2d(
        input, kernelSize: kernelSize, stride: stride, padding: padding, ceilMode: ceilMode,
        countIncludePad: countIncludePad, into: out)
    }
  }

  /// Average pooling into `out` (N×C×OH×OW, not overlapping the input).
  package static func avgPool2d(
    _ input: Tensor, kernelSize: Int, stride: Int? = nil, padding: Int = 0, ceilMode: Bool = false,
    countIncludePad: Bool = true, into out: Tensor
  ) throws {
    try pool(
      "avgPool2d", input, kernelSize: kernelSize, stride: stride ?? kernelSize, padding: padding, ceilMode: ceilMode,
      kind: .average(countIncludePad: countIncludePad), into: out)
  }

  /// What a pooling window computes.
  private enum PoolKind {
    case max
    /// The mean; `countIncludePad` divides by the window's area clipped only to the padded input.
    case average(countIncludePad: Bool)
  }

  /// Pools every window of every plane. A window spans rows [i·s − p, i·s − p + k) clipped to the
  /// padded input [−p, H + p) (its area is the count-include-pad divisor), then to the input; the
  /// same for columns. Separably: the rows of a window are first reduced into one row of W
  /// (contiguous, so it vectorises), then each window's columns of that row.
  private static func pool(
    _ op: String, _ input: Tensor, kernelSize k: Int, stride s: Int, padding p: Int, ceilMode: Bool, kind: PoolKind,
    into out: Tensor
  ) throws {
    let shape = try poolOutputShape(op, input: input.shape, kernelSize: k, stride: s, padding: p, ceilMode: ceilMode)
    try requireShape(out, shape, op)
    try requireNoOverlap(out, input, op)
    let (c, h, w, oh, ow) = (input.shape[1], input.shape[2], input.shape[3], shape[2], shape[3])
    let (isMax, includePad) =
      switch kind {
      case .max: (true, false)
      case .average(let countIncludePad): (false, countIncludePad)
      }
    Threads.parallelFor(input.shape[0] * c, costPerItem: oh * w * k + oh * ow * k) { range in
      let rowBuffer = UnsafeMutablePointer<Float>.allocate(capacity: w)  // one window's rows reduced: W
      defer { rowBuffer.deallocate() }
      for nc in range {
        let (n, ch) = nc.quotientAndRemainder(dividingBy: c)
        let src = UnsafePointer(input.sample(n) + ch * h * w), dst = out.sample(n) + ch * oh * ow
        for i in 0..<oh {
          let rStart = i * s - p, rEnd = min(rStart + k, h + p)
          let r0 = max(rStart, 0), r1 = min(rEnd, h)
          rowBuffer.update(from: src + r0 * w, count: w)
          for r in (r0 + 1)..<max(r1, r0 + 1) {
            let row = src + r * w
            if isMax {
              for x in 0..<w { rowBuffer[x] = max(rowBuffer[x], row[x]) }
            } else {
              for x in 0..<w { rowBuffer[x] += row[x] }
            }
          }
          let line = dst + i * ow
          for j in 0..<ow {
            let cStart = j * s - p, cEnd = min(cStart + k, w + p)
            let c0 = max(cStart, 0), c1 = min(cEnd, w)
            var acc = rowBuffer[c0]
            for x in (c0 + 1)..<max(c1, c0 + 1) { acc = isMax ? max(acc, rowBuffer[x]) : acc + rowBuffer[x] }
            if isMax {
              line[j] = acc
            } else {
              let divisor = includePad ? (rEnd - rStart) * (cEnd - cStart) : (r1 - r0) * (c1 - c0)
              line[j] = acc / Float(divisor)
            }
          }
        }
      }
    }
  }
}
