/// Views with another shape or a subset of channels; they share storage with `self`.
extension Tensor {
  /// The same elements with another shape (one entry may be -1, inferred), as `torch.reshape`.
  /// A view when `self` is contiguous, otherwise a reshaped copy.
  package func reshaped(_ newShape: [Int]) throws -> Tensor {
    let inferred = newShape.filter { $0 == -1 }.count
    guard inferred <= 1, newShape.allSatisfy({ $0 >= -1 }), !newShape.isEmpty else {
      throw TensorError(op: "reshape", "invalid target shape \(newShape) for \(formatShape(shape))")
    }
    var resolved = newShape
    if let i = newShape.firstIndex(of: -1) {
      let known = newShape.filter { $0 != -1 }.reduce(1, *)
      guard known > 0, count % known == 0 else {
        throw TensorError(op: "reshape", "cannot reshape \(formatShape(shape)) to \(newShape)")
      }
      resolved[i] = count / known
    }
    guard resolved.reduce(1, *) == count else {
      throw TensorError(
        op: "reshape", "cannot reshape \(formatShape(shape)) (\(count) elements) to \(formatShape(resolved))")
    }
    let base = isContiguous ? self : copy()
    return Tensor(
      storage: base.storage, offset: base.offset, shape: resolved,
      batchStride: resolved.dropFirst().reduce(1, *))
  }

  /// Dimensions from `startDim` on merged into one, as `torch.flatten(x, startDim)`; N×C×H×W → N×CHW by default.
  package func flattened(startDim: Int = 1) throws -> Tensor {
    guard startDim >= 0, startDim < rank else {
      throw TensorError(op: "flatten", "startDim \(startDim) out of range for \(formatShape(shape))")
    }
    return try reshaped(Array(shape[..<startDim]) + [shape[startDim...].reduce(1, *)])
  }

  /// Channels `range` (dimension 1) without copying: a view that reads and writes the parent's storage.
  /// Contiguous when N is 1 or the range covers every channel; ops accept either.
  package func channels(_ range: Range<Int>) throws -> Tensor {
    guard rank >= 2 else { throw TensorError(op: "channels", "needs rank ≥ 2, got \(formatShape(shape))") }
    guard range.lowerBound >= 0, range.upperBound <= shape[1] else {
      throw TensorError(
        op: "channels",
        "range \(range.lowerBound)..<\(range.upperBound) outside the \(shape[1]) channels of \(formatShape(shape))")
    }
    let plane = shape.dropFirst(2).reduce(1, *)
    var newShape = shape
    newShape[1] = range.count
    return Tensor(
      storage: storage, offset: offset + range.lowerBound * plane, shape: newShape, batchStride: batchStride)
  }
}
