// What a pass really keeps in memory: the forward's buffer pool and the backward's tape, measured, not estimated.
import TensorCore

/// Memory of one forward pass and of the backward pass's tape, in bytes (float32).
package struct MeasuredMemory: Sendable, Equatable {
  /// Bytes the forward's buffer pool holds after a whole pass: its peak, buffer reuse counted.
  package let activationPeakBytes: Int
  /// Bytes of the forward's tensors the backward pass's tape keeps for the gradients (the weights it holds on to
  /// are the model's own, counted by the parameter bytes, and left out).
  package let backwardBytes: Int

  package init(activationPeakBytes: Int, backwardBytes: Int) {
    self.activationPeakBytes = activationPeakBytes
    self.backwardBytes = backwardBytes
  }
}

extension Executor {
  /// Bytes the buffer pool holds now (it only grows, so after a pass this is the pass's peak).
  package var poolBytes: Int { pool.bytes }

  /// Runs a whole forward pass and records the backward's tape on the executor's input and weights, and reports
  /// what each kept. Measure on a fresh executor: the pool keeps buffers of earlier passes at other shapes.
  package func measureMemory() throws -> MeasuredMemory {
    reset()
    try runToEnd()
    let peak = pool.bytes
    reset()
    return MeasuredMemory(activationPeakBytes: peak, backwardBytes: try tapeBytes())
  }

  /// Bytes the tape of one taped forward keeps for the backward (the forward only: what the gradients need).
  func tapeBytes() throws -> Int {
    guard let input else { throw ExecutorError.noInput }
    cancellation.set(false)
    let recorder = TapeRecorder(executor: self, cam: nil)
    var value = recorder.tape.leaf(input)
    for step in network.steps {
      value = try recorder.sequence(try root.resolve(step.ops), value)
    }
    // The weights the tape holds on to are the model's own: `params_bytes` counts them.
    var weights = Set<ObjectIdentifier>()
    root.walk { node in
      for tensor in node.tensors.values { weights.insert(ObjectIdentifier(tensor.storage)) }
    }
    return recorder.tape.savedBytes(excluding: weights)
  }
}
