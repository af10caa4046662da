/// Scratch memory for im2col that `conv2d(into:)` reuses from call to call; grows, never shrinks.
///
/// Not for concurrent use: one workspace per thread of execution (e.g. one per executor).
package final class ConvWorkspace: @unchecked Sendable {
  private var storage = TensorStorage(count: 0, zeroed: false)

  package init() {}

  /// Floats currently reserved.
  package var capacity: Int { storage.count }

  /// At least `count` floats of scratch; previous contents are not kept.
  package func buffer(count: Int) -> UnsafeMutablePointer<Float> {
    if storage.count < count { storage = TensorStorage(count: count, zeroed: false) }
    return storage.base
  }
}
