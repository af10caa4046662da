import Foundation

/// timm's `RadixSoftmax` (ResNeSt's split attention) as an op; its gradient is `radixSoftmaxBackward`.
extension Ops {
  /// x N×(K·R·C/K)[×1×1] viewed N×K×R×(C/K), softmax over R, returned radix-major as N×(R·C) (R > 1; with
  /// R = 1 timm takes a sigmoid instead).
  package static func radixSoftmax(_ input: Tensor, radix r: Int, cardinality k: Int) throws -> Tensor {
    let out = try Tensor(uninitialized: [input.shape[0], input.sampleCount])
    try radixSoftmax(input, radix: r, cardinality: k, into: out)
    return out
  }

  /// ``radixSoftmax(_:radix:cardinality:)`` into `out`, N×(R·C) (the executor's pooled buffer).
  package static func radixSoftmax(_ input: Tensor, radix r: Int, cardinality k: Int, into out: Tensor) throws {
    let n = input.shape[0], total = input.sampleCount
    guard r >= 1, k >= 1, total % (r * k) == 0 else {
      throw TensorError(op: "RadixSoftmax", "\(total) channels do not split into radix \(r) × cardinality \(k)")
    }
    guard out.shape == [n, total] else {
      throw TensorError(op: "RadixSoftmax", "output must be \(n)×\(total), got \(formatShape(out.shape))")
    }
    let inner = total / (r * k)
    let x = input.contiguous
    for s in 0..<n {
      let (src, dst) = (x.sample(s), out.sample(s))
      for g in 0..<k {
        for j in 0..<inner {
          var peak = -Float.infinity
          for i in 0..<r { peak = max(peak, src[(g * r + i) * inner + j]) }
          var sum: Float = 0
          for i in 0..<r {
            let e = Foundation.exp(src[(g * r + i) * inner + j] - peak)
            dst[(i * k + g) * inner + j] = e
            sum += e
          }
          for i in 0..<r { dst[(i * k + g) * inner + j] /= sum }
        }
      }
    }
  }
}
