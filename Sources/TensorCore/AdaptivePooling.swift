/// Adaptive and global average pooling.
extension Ops {
  /// Averages into an OH×OW grid, bin i spanning [floor(i·In/Out), ceil((i+1)·In/Out)) as in
  /// `F.adaptive_avg_pool2d`; bins may overlap when the sizes do not divide.
  package static func adaptiveAvgPool2d(_ input: Tensor, outputSize: (Int, Int)) throws -> Tensor {
    try require4D(input, "adaptiveAvgPool2d")
    return try returning([input.shape[0], input.shape[1], outputSize.0, outputSize.1]) { out in
      try adaptiveAvgPool2d(input, into: out)
    }
  }

  /// Adaptive average pooling into `out` (N×C×OH×OW); the output size is read from `out`.
  package static func adaptiveAvgPool2d(_ input: Tensor, into out: Tensor) throws {
    try require4D(input, "adaptiveAvgPool2d")
    try require4D(out, "adaptiveAvgPool2d", "output")
    let (n, c, h, w) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
    let (oh, ow) = (out.shape[2], out.shape[3])
    guard out.shape[0] == n, out.shape[1] == c, oh >= 1, ow >= 1 else {
      throw TensorError(
        op: "adaptiveAvgPool2d", "output \(formatShape(out.shape)) does not fit input \(formatShape(input.shape))")
    }
    try requireNoOverlap(out, input, "adaptiveAvgPool2d")
    Threads.parallelFor(n * c, costPerItem: h * w) { range in
      for nc in range {
        let (i, ch) = nc.quotientAndRemainder(dividingBy: c)
        let src = input.sample(i) + ch * h * w, dst = out.sample(i) + ch * oh * ow
        for a in 0..<oh {
          let r0 = a * h / oh, r1 = ((a + 1) * h + oh - 1) / oh
          for b in 0..<ow {
            let c0 = b * w / ow, c1 = ((b + 1) * w + ow - 1) / ow
            var sum: Float = 0
            for r in r0..<r1 { sum += contiguousSum(src + r * w + c0, count: c1 - c0) }
            dst[a * ow + b] = sum / Float((r1 - r0) * (c1 - c0))
          }
        }
      }
    }
  }

  /// The sum of `count` floats at `p`, in two interleaved SIMD8 partial sums (16 lanes): a single running
  /// sum waits on each add's latency (global pools of SE blocks took ~4% of SE-ResNet-50's time that way).
  static func contiguousSum(_ p: UnsafePointer<Float>, count: Int) -> Float {
    var (a, b) = (SIMD8<Float>(), SIMD8<Float>())
    var i = 0
    while i + 16 <= count {
      a += UnsafeRawPointer(p + i).loadUnaligned(as: SIMD8<Float>.self)
      b += UnsafeRawPointer(p + i + 8).loadUnaligned(as: SIMD8<Float>.self)
      i += 16
    }
    var sum = (a + b).sum()
    while i < count {
      sum += p[i]
      i += 1
    }
    return sum
  }

  /// Mean over H×W: N×C×H×W → N×C×1×1.
  package static func globalAvgPool(_ input: Tensor) throws -> Tensor {
    try adaptiveAvgPool2d(input, outputSize: (1, 1))
  }

  /// Global average pooling into `out` (N×C×1×1).
  package static func globalAvgPool(_ input: Tensor, into out: Tensor) throws {
    try require4D(input, "globalAvgPool")
    try requireShape(out, [input.shape[0], input.shape[1], 1, 1], "globalAvgPool")
    try adaptiveAvgPool2d(input, into: out)
  }
}
