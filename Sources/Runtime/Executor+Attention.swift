// Attention blocks: squeeze-excitation, selective kernel (timm and the seed's SKConv), split attention.
import Foundation
import Graph
import TensorCore

extension Executor {
  /// SE (timm `SEModule`): gate = children-in-order(mean_HW(x)), N×C×1×1; y = x ⊙ gate.
  func squeezeExcite(_ node: ExecutionNode, _ x: Tensor) throws -> Tensor {
    let gate = node.intervention.gatesOff ? try openGates(x) : try runSequence(node.childOps, try globalAvgPool(x))
    record(node, .attention(.squeezeExcite), try gate.reshaped([gate.shape[0], gate.shape[1]]))
    let out = try pool.acquire(x.shape)
    try Ops.multiply(x, channelScale: gate, into: out)
    return out
  }

  /// timm `SelectiveKernel`: U_m = paths.m(x or its m-th channel split); a = softmax_M(attn(Σ U_m)); y = Σ a_m ⊙ U_m.
  func selectiveKernel(_ node: ExecutionNode, _ config: SelectiveKernelConfig, _ x: Tensor) throws -> Tensor {
    let paths = try node.child("paths")
    let m = config.branches
    let split = x.shape[1] / m
    var branches: [Tensor] = []
    for i in 0..<m {
      let input = config.splitInput ? try x.channels(i * split..<(i + 1) * split) : x
      branches.append(try run(try paths.child(String(i)), input))
    }
    let attn = try node.child("attn")
    let squeezed = try globalAvgPool(try sum(branches))
    let logits = try runSequence(attn.childOps, squeezed)  // N×(M·C)×1×1
    let n = x.shape[0]
    let c = logits.shape[1] / m
    let weights = try pool.acquire([n, m, c])
    try Ops.softmax(try logits.reshaped([n, m, c]), axis: 1, into: weights)
    fix(weights, node.intervention.mixing, gate: false)
    if !attn.observe.isEmpty { record(attn, .output, try weights.reshaped([n, m, c, 1, 1])) }
    record(node, .attention(.selectiveKernel), weights)
    return try weightedSum(branches, weights)
  }

  /// The seed's `SKConv`: U_m = convs.m(x); z = fc(flatten(gap(Σ U_m))); a = softmax(stack_m fcs.m(z)); y = Σ a_m ⊙ U_m.
  func skConv(_ node: ExecutionNode, _ config: SKConvConfig, _ x: Tensor) throws -> Tensor {
    let convs = try node.child("convs")
    let fcs = try node.child("fcs")
    let m = config.branches
    var branches: [Tensor] = []
    for i in 0..<m { branches.append(try run(try convs.child(String(i)), x)) }
    let squeezed = try run(try node.child("gap"), try sum(branches)).flattened()  // N×C
    let z = try run(try node.child("fc"), squeezed)  // N×d
    let n = x.shape[0]
    let c = squeezed.shape[1]
    let stacked = try pool.acquire([n, m, c])
    for i in 0..<m {
      let v = try run(try fcs.child(String(i)), z)  // N×C
      for s in 0..<n { (stacked.sample(s) + i * c).update(from: v.sample(s), count: c) }
    }
    let weights = try run(try node.child("softmax"), stacked)
    fix(weights, node.intervention.mixing, gate: false)
    record(node, .attention(.selectiveKernel), weights)
    return try weightedSum(branches, weights)
  }

  /// timm `SplitAttn`: U = act0(bn0(conv(x))) (R chunks, radix-major); a = rsoftmax(fc2(act1(bn1(fc1(mean_HW(Σ_r U_r))))));
  /// y = Σ_r a_r ⊙ U_r.
  func splitAttention(_ node: ExecutionNode, _ config: SplitAttentionConfig, _ x: Tensor) throws -> Tensor {
    let u = try runSequence(node.head, x)
    let r = config.radix
    let c = u.shape[1] / r
    let chunks = try (0..<r).map { try u.channels($0 * c..<($0 + 1) * c) }
    let squeezed = try globalAvgPool(r == 1 ? u : try sum(chunks))
    let a = try runSequence(node.tail, squeezed)  // N×(R·C) radix-major, or N×C×1×1 when R = 1
    let n = x.shape[0]
    let weights = try a.reshaped([n, r, c])
    fix(weights, node.intervention.mixing, gate: r == 1)
    record(node, .attention(.splitAttention), weights)
    return try weightedSum(chunks, weights)
  }

  /// timm `RadixSoftmax`: N×(K·R·C/K)[×1×1] viewed N×K×R×(C/K), softmax over R, out radix-major N×(R·C);
  /// with R = 1 a sigmoid that keeps the input's shape.
  func radixSoftmax(_ x: Tensor, radix r: Int, cardinality k: Int) throws -> Tensor {
    if r == 1 { return try elementwise(x) { try Ops.sigmoid($0, into: $1) } }
    let out = try pool.acquire([x.shape[0], x.sampleCount])
    try Ops.radixSoftmax(x, radix: r, cardinality: k, into: out)
    return out
  }

  /// SE gates of 1 for every channel of x (an SE switched off): N×C×1×1.
  func openGates(_ x: Tensor) throws -> Tensor {
    let gates = try pool.acquire([x.shape[0], x.shape[1], 1, 1])
    gates.fill(1)
    return gates
  }

  /// Replaces branch weights N×M×C by a fixed mixing: 1/M each, or 1 for branch K and 0 for the others; a
  /// single split's sigmoid `gate` (radix 1) becomes 1.
  private func fix(_ weights: Tensor, _ mixing: NodeIntervention.Mixing?, gate: Bool) {
    guard let mixing else { return }
    let (n, m, c) = (weights.shape[0], weights.shape[1], weights.shape[2])
    for s in 0..<n {
      let sample = weights.sample(s)
      for branch in 0..<m {
        let value: Float
        switch mixing {
        case .uniform: value = gate ? 1 : 1 / Float(m)
        case .only(let k): value = branch == k ? 1 : 0
        }
        (sample + branch * c).update(repeating: value, count: c)
      }
    }
  }

  /// Σ of same-shaped tensors into a pooled buffer (the first two added in one pass, no copy).
  private func sum(_ tensors: [Tensor]) throws -> Tensor {
    let out = try pool.acquire(tensors[0].shape)
    guard tensors.count > 1 else {
      try tensors[0].copy(into: out)
      return out
    }
    try Ops.add(tensors[0], tensors[1], into: out)
    for t in tensors.dropFirst(2) { try Ops.add(out, t, into: out) }
    return out
  }

  /// Σ_m weights[:, m, :] ⊙ branches[m] for weights N×M×C and branches N×C×H×W.
  private func weightedSum(_ branches: [Tensor], _ weights: Tensor) throws -> Tensor {
    let (n, m, c) = (weights.shape[0], weights.shape[1], weights.shape[2])
    let flat = try weights.reshaped([n, m * c, 1, 1])
    let out = try pool.acquire(branches[0].shape)
    for i in 0..<m {
      try Ops.multiply(branches[i], channelScale: try flat.channels(i * c..<(i + 1) * c), accumulate: i > 0, into: out)
    }
    return out
  }
}
