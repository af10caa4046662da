// NN: module tree, layers, static analysis, weights I/O and the executor (built on TensorCore).

/// The element type of a parameter or buffer as PyTorch stores it.
package enum DType: String, Sendable, Equatable {
  case float32
  /// BatchNorm's `num_batches_tracked` counter.
  case int64
}

/// A parameter or buffer tensor of a module: its local name (the last `state_dict` key segment) and shape.
package struct TensorSpec: Sendable, Equatable {
  package let name: String
  package let shape: [Int]
  package let dtype: DType

  package init(_ name: String, _ shape: [Int], dtype: DType = .float32) {
    self.name = name
    self.shape = shape
    self.dtype = dtype
  }

  /// Number of elements (1 for a scalar, whose shape is `[]`).
  package var count: Int { shape.reduce(1, *) }
}
