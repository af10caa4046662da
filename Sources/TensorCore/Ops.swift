/// The ops, in PyTorch's functional style (`torch.nn.functional`) and with its argument names.
///
/// Each op has a value-returning form and an `into:` form that writes a preallocated output (a
/// contiguous tensor or a channel view), so a forward pass can run without allocating per op.
/// Element-wise `into:` forms accept the input itself as the output (in place).
package enum Ops {
  /// A new output of `shape` filled by an op's `into:` form: how every value-returning form is written.
  static func returning(_ shape: [Int], _ fill: (Tensor) throws -> Void) throws -> Tensor {
    let out = try Tensor(uninitialized: shape)
    try fill(out)
    return out
  }

  /// Throws unless `t` has rank 4 (N×C×H×W).
  static func require4D(_ t: Tensor, _ op: String, _ what: String = "input") throws {
    guard t.rank == 4 else {
      throw TensorError(op: op, "\(what) must be N×C×H×W, got \(formatShape(t.shape))")
    }
  }

  /// Throws unless `out` has `expected` as shape.
  static func requireShape(_ out: Tensor, _ expected: [Int], _ op: String, _ what: String = "output") throws {
    guard out.shape == expected else {
      throw TensorError.shapes(op, "\(what) shape", expected: expected, got: out.shape)
    }
  }

  /// Throws when an op that reads neighbours is asked to write over its own input.
  static func requireNoOverlap(_ out: Tensor, _ input: Tensor, _ op: String) throws {
    guard !out.mayOverlap(input) else {
      throw TensorError(
        op: op, "output \(formatShape(out.shape)) overlaps input \(formatShape(input.shape)); use a separate buffer")
    }
  }
}
