/// One step of a forward written as data. Paths are dotted and relative to the module that owns the op.
package indirect enum Op: Sendable, Equatable {
  /// x ← module(x).
  case module(String)
  /// x ← cat_C(x, module(x)) (a DenseNet layer inside its block).
  case dense(String)
  /// Functional `F.relu`.
  case relu
  /// `torch.flatten(x, 1)`.
  case flatten
  /// x ← mean_HW(x) kept as N×C×1×1 (functional `adaptive_avg_pool2d(x, 1)`).
  case globalAvgPool
  /// Inline squeeze-excitation: x ← x ⊙ ops(mean_HW(x)) (the seed's PreActBlock with `fc1`/`fc2` on the block).
  case scale([Op])
  /// Functional `torch.sigmoid`.
  case sigmoid
}

extension Op {
  /// A compact one-line rendering of an op list (`conv1 → bn1 → relu → conv2 → bn2`).
  package static func describe(_ ops: [Op]) -> String {
    ops.map(\.description).joined(separator: " → ")
  }

  package var description: String {
    switch self {
    case .module(let path): return path
    case .dense(let path): return "cat(x, \(path)(x))"
    case .relu: return "relu"
    case .sigmoid: return "sigmoid"
    case .flatten: return "flatten"
    case .globalAvgPool: return "mean_HW"
    case .scale(let ops): return "x·(\(Op.describe(ops)))(mean_HW x)"
    }
  }
}
