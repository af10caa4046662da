// TensorCore: NCHW float tensors and the ops of classic CNNs on OpenBLAS; no modules, no I/O.

/// The element buffer shared by a tensor and the views taken from it (64-byte aligned, never resized).
package final class TensorStorage: @unchecked Sendable {
  /// First element; `count` elements are allocated.
  package let base: UnsafeMutablePointer<Float>
  package let count: Int

  /// Allocates `count` elements; zero-filled when `zeroed`, else left uninitialised (outputs overwrite them).
  package init(count: Int, zeroed: Bool) {
    precondition(count >= 0, "negative storage size")
    let raw = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1) * MemoryLayout<Float>.stride, alignment: 64)
    base = raw.bindMemory(to: Float.self, capacity: max(count, 1))
    self.count = count
    if zeroed { base.initialize(repeating: 0, count: max(count, 1)) }
  }

  deinit { base.deallocate() }
}
