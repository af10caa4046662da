// TensorCore: NCHW float tensors and the ops of classic CNNs on OpenBLAS; no modules, no I/O.
import Foundation

/// The element buffer shared by a tensor and the views taken from it (64-byte aligned, never resized).
package final class TensorStorage: @unchecked Sendable {
  /// First element; `count` elements are allocated.
  package let base: UnsafeMutablePointer<Float>
  package let count: Int
  /// The mapping to unmap when the storage came from `init(mappingCount:)`; nil for the allocator's memory.
  private let mapping: (start: UnsafeMutableRawPointer, length: Int)?

  /// Allocates `count` elements; zero-filled when `zeroed`, else left uninitialised (outputs overwrite them).
  package init(count: Int, zeroed: Bool) {
    precondition(count >= 0, "negative storage size")
    let raw = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1) * MemoryLayout<Float>.stride, alignment: 64)
    base = raw.bindMemory(to: Float.self, capacity: max(count, 1))
    self.count = count
    mapping = nil
    if zeroed { base.initialize(repeating: 0, count: max(count, 1)) }
  }

  /// `count` zeroed elements in a mapping of their own that asks for transparent huge pages: for storage that is
  /// written once, in full, right away (a model's weights), where first touches then fault once per 2 MiB
  /// instead of once per 4 KiB. The mapping starts on a 2 MiB boundary and ends with the elements, so no huge
  /// page reaches past them (resident memory stays the elements' size). Nil when the system refuses the mapping.
  package init?(mappingCount count: Int) {
    precondition(count >= 0, "negative storage size")
    let page = 4096, huge = 2 << 20
    let length = (max(count, 1) * MemoryLayout<Float>.stride + page - 1) / page * page
    // Over-map by one huge page, then unmap the head before the first 2 MiB boundary and the tail after the data.
    let reserved = length + huge
    guard let raw = mmap(nil, reserved, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
      raw != UnsafeMutableRawPointer(bitPattern: -1)  // MAP_FAILED
    else { return nil }
    let address = UInt(bitPattern: raw)
    let aligned = (address + UInt(huge - 1)) & ~UInt(huge - 1)
    let head = Int(aligned - address)
    if head > 0 { munmap(raw, head) }
    let tail = reserved - head - length
    if tail > 0 { munmap(raw + head + length, tail) }
    let start = raw + head
    // Advice only: without it (THP off) the mapping still works with small pages.
    _ = madvise(start, length, MADV_HUGEPAGE)
    base = start.bindMemory(to: Float.self, capacity: max(count, 1))
    self.count = count
    mapping = (start, length)
  }

  deinit {
    if let mapping {
      munmap(mapping.start, mapping.length)
    } else {
      base.deallocate()
    }
  }
}
