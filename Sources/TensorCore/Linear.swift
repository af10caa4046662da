/// The fully connected layer, `y = x · Wᵀ + b` as `F.linear`.
extension Ops {
  /// x N×IN, weight OUT×IN, bias OUT or nil → N×OUT.
  package static func linear(_ input: Tensor, weight: Tensor, bias: Tensor? = nil) throws -> Tensor {
    guard input.rank == 2, weight.rank == 2 else {
      throw TensorError(
        op: "linear",
        "input N×IN and weight OUT×IN expected, got input \(formatShape(input.shape)), weight \(formatShape(weight.shape))"
      )
    }
    return try returning([input.shape[0], weight.shape[0]]) { out in
      try linear(input, weight: weight, bias: bias, into: out)
    }
  }

  /// Linear into `out` (N×OUT).
  package static func linear(_ input: Tensor, weight: Tensor, bias: Tensor? = nil, into out: Tensor) throws {
    guard input.rank == 2, weight.rank == 2, input.shape[1] == weight.shape[1] else {
      throw TensorError(
        op: "linear",
        "input \(formatShape(input.shape)) does not match weight \(formatShape(weight.shape)) (input N×IN, weight OUT×IN)"
      )
    }
    let (n, inF, outF) = (input.shape[0], input.shape[1], weight.shape[0])
    if let bias, bias.shape != [outF] {
      throw TensorError(
        op: "linear",
        "bias must have shape \(outF) for weight \(formatShape(weight.shape)), got \(formatShape(bias.shape))")
    }
    try requireShape(out, [n, outF], "linear")
    try requireNoOverlap(out, input, "linear")
    let x = input.isContiguous ? input : input.copy()
    let w = weight.isContiguous ? weight : weight.copy()
    let y = out.isContiguous ? out : try Tensor(uninitialized: out.shape)
    defer { withExtendedLifetime((x, w, y)) {} }  // the GEMM borrows their raw pointers
    if let bias {
      let b = bias.array
      for i in 0..<n { y.sample(i).update(from: b, count: outF) }
    }
    if n > 0 && outF > 0 && inF == 0 && bias == nil {
      for i in 0..<n { y.sample(i).update(repeating: 0, count: outF) }
    }
    if n > 0 && outF > 0 && inF > 0 {
      GEMM.sgemm(
        transB: true, m: n, n: outF, k: inF, a: x.sample(0), lda: inF, b: w.sample(0), ldb: inF,
        beta: bias == nil ? 0 : 1, c: y.sample(0), ldc: outF)
    }
    if y.storage !== out.storage { try y.copy(into: out) }
  }
}
