// Reverse-mode differentiation of one forward pass: a tape of ops recorded during an unfused forward, each
// with what its gradient needs (and only that), replayed backwards.
import TensorCore

/// A tensor of the recorded forward with its identity on the tape (`id < 0`: a constant, no gradient).
struct TapeValue {
  let tensor: Tensor
  let id: Int

  var isConstant: Bool { id < 0 }
  var shape: [Int] { tensor.shape }
}

/// The ops of one forward pass, in order, and the gradients flowing back through them.
final class GradientTape {
  /// One recorded op: its inputs, its output, the tensors it keeps for the backward, and the backward itself
  /// (∂L/∂output → ∂L/∂input per input; parameter gradients are accumulated by the closure).
  private struct Entry {
    let inputs: [Int]
    let output: Int
    let saved: [Tensor]
    let backward: (Tensor, [Tensor]) throws -> [Tensor?]
  }

  private var entries: [Entry] = []
  private var nextID = 0
  /// False while a computation whose result is replaced runs (a dense layer switched off): nothing is kept.
  var recording = true
  /// Called with ∂L/∂value when the backward reaches the op that made a watched value (complete by then).
  private var watchers: [Int: (Tensor) -> Void] = [:]

  /// A new leaf (the network input): its gradient is collected.
  func leaf(_ tensor: Tensor) -> TapeValue {
    defer { nextID += 1 }
    return TapeValue(tensor: tensor, id: nextID)
  }

  /// A value with no gradient (fixed attention weights, open SE gates, zeros of a switched-off path).
  func constant(_ tensor: Tensor) -> TapeValue { TapeValue(tensor: tensor, id: -1) }

  /// Records `output = op(inputs)`. Unless `parameters` (the op has trainable tensors), an op whose inputs
  /// are all constants gives a constant.
  func record(
    _ output: Tensor, inputs: [TapeValue], saving saved: [Tensor] = [], parameters: Bool = false,
    backward: @escaping (_ gradOutput: Tensor, _ saved: [Tensor]) throws -> [Tensor?]
  ) -> TapeValue {
    guard recording, parameters || inputs.contains(where: { !$0.isConstant }) else { return constant(output) }
    let id = nextID
    nextID += 1
    entries.append(Entry(inputs: inputs.map(\.id), output: id, saved: saved, backward: backward))
    return TapeValue(tensor: output, id: id)
  }

  /// An identity op whose output's gradient goes to `watcher` (the gradient arriving at this point only).
  func watch(_ x: TapeValue, _ watcher: @escaping (Tensor) -> Void) -> TapeValue {
    let y = record(x.tensor, inputs: [x]) { g, _ in [g] }
    if !y.isConstant { watchers[y.id] = watcher }
    return y
  }

  /// Bytes of the distinct buffers the tape keeps for its backward.
  var savedBytes: Int { savedBytes(excluding: []) }

  /// `savedBytes` without the buffers whose storage is in `excluded` (the weights, counted elsewhere).
  func savedBytes(excluding excluded: Set<ObjectIdentifier>) -> Int {
    var seen = excluded
    var bytes = 0
    for entry in entries {
      for t in entry.saved where seen.insert(ObjectIdentifier(t.storage)).inserted {
        bytes += t.storage.count * MemoryLayout<Float>.stride
      }
    }
    return bytes
  }

  /// Ops recorded.
  var count: Int { entries.count }

  /// Runs the backward from ∂L/∂`output` = `seed`, freeing each op's saved tensors once it has run; returns
  /// the gradients of the leaves. `checkpoint` is called before each op with the ops done so far, and stops the
  /// pass by throwing.
  func backward(from output: TapeValue, seed: Tensor, checkpoint: (_ done: Int) throws -> Void) throws -> [Int: Tensor]
  {
    var grads: [Int: Tensor] = [:]
    guard !output.isConstant else { return grads }
    grads[output.id] = seed
    let total = entries.count
    while let entry = entries.popLast() {
      try checkpoint(total - entries.count - 1)
      guard let g = grads.removeValue(forKey: entry.output) else { continue }
      watchers[entry.output]?(g)
      let inputGrads = try entry.backward(g, entry.saved)
      for (id, grad) in zip(entry.inputs, inputGrads) where id >= 0 {
        guard let grad else { continue }
        if let existing = grads[id] {
          // A new tensor: gradients may share storage (a sum passes one on twice).
          grads[id] = try Ops.add(existing, grad)
        } else {
          grads[id] = grad
        }
      }
    }
    watchers = [:]
    return grads
  }
}
