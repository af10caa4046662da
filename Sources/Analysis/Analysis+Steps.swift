import Graph

extension Analysis {
  /// MACs of one step of the forward pass: the sum over the modules its ops apply (the block for a
  /// block step; conv1, bn1, … for `stem` and `head`). The steps of a network add up to its total.
  package func macs(of step: Network.Step) -> Int { macs(of: step.ops) }

  private func macs(of ops: [Op]) -> Int {
    ops.reduce(0) { sum, op in
      switch op {
      case .module(let path), .dense(let path): return sum + (node(path)?.macs ?? 0)
      case .scale(let inner): return sum + macs(of: inner)
      case .relu, .flatten, .globalAvgPool, .sigmoid: return sum
      }
    }
  }
}
