// Activation buffers handed out per step and taken back at its end, so runs allocate nothing in the steady state.
import TensorCore

/// A pool of float buffers keyed by element count.
///
/// Every buffer handed out during a step is taken back when the step ends, except the tensors the step
/// keeps (its output). A forward pass asks for the same sizes in the same order every time, so from the
/// second run on every request is served from the pool; same-sized buffers are shared across blocks.
final class BufferPool {
  /// Free buffers by element count (each a rank-1 tensor owning its storage).
  private var free: [Int: [Tensor]] = [:]
  /// Buffers handed out since the last `reclaim`.
  private var lent: [Tensor] = []
  /// Buffers allocated over the pool's life (to check that the steady state allocates nothing).
  private(set) var allocations = 0
  /// Bytes of every buffer the pool holds, lent or free: it never gives one back, so this is also its peak.
  private(set) var bytes = 0

  /// A buffer of `shape` (contents unspecified), lent until the next `reclaim`.
  func acquire(_ shape: [Int]) throws -> Tensor {
    let count = shape.reduce(1, *)
    let base: Tensor
    if var list = free[count], let last = list.popLast() {
      free[count] = list
      base = last
    } else {
      base = try Tensor(uninitialized: [max(count, 1)])
      allocations += 1
      bytes += max(count, 1) * MemoryLayout<Float>.stride
    }
    lent.append(base)
    return count == 0 ? try Tensor(zeros: shape) : try base.reshaped(shape)
  }

  /// Whether `tensor` lives in a buffer lent since the last `reclaim` (so the step may overwrite it).
  func isLent(_ tensor: Tensor) -> Bool {
    lent.contains { $0.storage === tensor.storage }
  }

  /// Takes back every lent buffer except those whose storage backs one of `kept`.
  func reclaim(keeping kept: [Tensor]) {
    var remaining: [Tensor] = []
    for buffer in lent {
      if kept.contains(where: { $0.storage === buffer.storage }) {
        remaining.append(buffer)
      } else {
        free[buffer.count, default: []].append(buffer)
      }
    }
    lent = remaining
  }

  /// Takes back everything.
  func reclaimAll() { reclaim(keeping: []) }
}
