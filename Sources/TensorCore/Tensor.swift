/// A float32 tensor in NCHW order (any rank ≥ 1; the ops take 4-D N×C×H×W or 2-D N×F).
///
/// Elements live in a shared `TensorStorage`, so copies of a `Tensor` value and the views made by
/// `channels(_:)`, `reshaped(_:)` and `flattened()` all see the same data, as in PyTorch. The
/// `into:` op variants write through a preallocated tensor, which lets an executor reuse buffers.
///
/// Layout: within one sample (index of dimension 0) the elements are contiguous in row-major order;
/// consecutive samples are `batchStride` elements apart. A channel view of a batch of more than one
/// sample therefore has `batchStride > sampleCount` and is not contiguous.
package struct Tensor: Sendable {
  /// Dimensions, outermost first (N, C, H, W for images).
  package let shape: [Int]
  package let storage: TensorStorage
  /// Index in `storage` of the first element.
  package let offset: Int
  /// Elements between the starts of consecutive samples (dimension 0).
  package let batchStride: Int

  /// Number of elements.
  package var count: Int { shape.reduce(1, *) }
  /// Elements in one sample: the product of every dimension but the first.
  package var sampleCount: Int { shape.dropFirst().reduce(1, *) }
  /// Whether all elements are one dense block in row-major order.
  package var isContiguous: Bool { shape[0] <= 1 || batchStride == sampleCount }
  package var rank: Int { shape.count }

  /// A view over existing storage; internal to the library, validated by its callers.
  init(storage: TensorStorage, offset: Int, shape: [Int], batchStride: Int) {
    precondition(!shape.isEmpty && shape.allSatisfy { $0 >= 0 }, "invalid shape \(shape)")
    self.storage = storage
    self.offset = offset
    self.shape = shape
    self.batchStride = batchStride
  }

  /// Throws unless `shape` has at least one dimension and none negative.
  private static func check(_ shape: [Int], op: String) throws {
    guard !shape.isEmpty, shape.allSatisfy({ $0 >= 0 }) else {
      throw TensorError(op: op, "invalid shape \(shape.map(String.init).joined(separator: "×"))")
    }
  }

  /// A tensor of zeros.
  package init(zeros shape: [Int]) throws {
    try self.init(allocating: shape, zeroed: true, op: "Tensor(zeros:)")
  }

  /// A new contiguous tensor of `shape`, after checking it.
  private init(allocating shape: [Int], zeroed: Bool, op: String) throws {
    try Self.check(shape, op: op)
    self.init(
      storage: TensorStorage(count: shape.reduce(1, *), zeroed: zeroed), offset: 0, shape: shape,
      batchStride: shape.dropFirst().reduce(1, *))
  }

  /// A tensor with every element equal to `value`.
  package init(filled value: Float, shape: [Int]) throws {
    try self.init(zeros: shape)
    storage.base.update(repeating: value, count: count)
  }

  /// A tensor holding `data` in row-major order; `data.count` must equal the product of `shape`.
  package init(shape: [Int], data: [Float]) throws {
    try self.init(allocating: shape, zeroed: false, op: "Tensor(shape:data:)")
    let count = self.count
    guard data.count == count else {
      throw TensorError(
        op: "Tensor(shape:data:)", "shape \(formatShape(shape)) holds \(count) elements, got \(data.count)")
    }
    data.withUnsafeBufferPointer { src in
      if let p = src.baseAddress { storage.base.update(from: p, count: count) }
    }
  }

  /// A contiguous tensor whose elements are not initialised: for outputs that an op overwrites fully.
  package init(uninitialized shape: [Int]) throws {
    try self.init(allocating: shape, zeroed: false, op: "Tensor(uninitialized:)")
  }

  /// Zero-filled contiguous tensors of `shapes`, laid out one after another (each 64-byte aligned) in one storage
  /// mapped with transparent huge pages: for a model's weights, written in full right after, so the first touches
  /// fault once per 2 MiB. Where the system refuses the mapping, each tensor gets its own allocation.
  package static func zerosInOneMapping(_ shapes: [[Int]]) throws -> [Tensor] {
    for shape in shapes { try check(shape, op: "Tensor.zerosInOneMapping") }
    let alignment = 64 / MemoryLayout<Float>.stride
    var offsets: [Int] = []
    var total = 0
    for shape in shapes {
      offsets.append(total)
      total += (shape.reduce(1, *) + alignment - 1) / alignment * alignment
    }
    guard let storage = TensorStorage(mappingCount: total) else { return try shapes.map { try Tensor(zeros: $0) } }
    return zip(shapes, offsets).map { shape, offset in
      Tensor(storage: storage, offset: offset, shape: shape, batchStride: shape.dropFirst().reduce(1, *))
    }
  }

  /// First element of sample `n` (dimension 0); `sampleCount` contiguous elements follow.
  package func sample(_ n: Int) -> UnsafeMutablePointer<Float> {
    storage.base + offset + n * batchStride
  }

  /// The elements in row-major order (a copy).
  package var array: [Float] {
    var result = [Float]()
    result.reserveCapacity(count)
    let per = sampleCount
    for n in 0..<shape[0] {
      result.append(contentsOf: UnsafeBufferPointer(start: sample(n), count: per))
    }
    return result
  }

  /// The element at a full index (one entry per dimension); for tests and inspection, not hot loops.
  package subscript(_ index: Int...) -> Float {
    get { storage.base[flatOffset(index)] }
    nonmutating set { storage.base[flatOffset(index)] = newValue }
  }

  private func flatOffset(_ index: [Int]) -> Int {
    precondition(index.count == shape.count, "index rank \(index.count) for shape \(formatShape(shape))")
    var inner = 0
    for d in 1..<max(shape.count, 1) {
      precondition(index[d] >= 0 && index[d] < shape[d], "index \(index) out of \(formatShape(shape))")
      inner = inner * shape[d] + index[d]
    }
    precondition(index[0] >= 0 && index[0] < shape[0], "index \(index) out of \(formatShape(shape))")
    return offset + index[0] * batchStride + inner
  }

  /// Sets every element to `value` (e.g. zeroing an accumulator before `multiply(accumulate:)`).
  package func fill(_ value: Float) {
    let per = sampleCount
    for n in 0..<shape[0] { sample(n).update(repeating: value, count: per) }
  }

  /// A contiguous deep copy.
  package func copy() -> Tensor {
    let out = Tensor(
      storage: TensorStorage(count: count, zeroed: false), offset: 0, shape: shape,
      batchStride: sampleCount)
    let per = sampleCount
    for n in 0..<shape[0] { out.sample(n).update(from: sample(n), count: per) }
    return out
  }

  /// Copies the elements into `out`, which must have the same shape (it may be a channel view).
  package func copy(into out: Tensor) throws {
    guard out.shape == shape else { throw TensorError.shapes("copy", "output shape", expected: shape, got: out.shape) }
    let per = sampleCount
    for n in 0..<shape[0] { out.sample(n).update(from: sample(n), count: per) }
  }

  /// Whether the elements of `self` and `other` may share memory (conservative for strided views).
  package func mayOverlap(_ other: Tensor) -> Bool {
    guard storage === other.storage, count > 0, other.count > 0 else { return false }
    if batchStride == other.batchStride && shape[0] == other.shape[0] {
      // Same sample pitch: compare the element ranges within one sample.
      let a = offset, b = other.offset
      return a < b + other.sampleCount && b < a + sampleCount
    }
    let endA = offset + (shape[0] - 1) * batchStride + sampleCount
    let endB = other.offset + (other.shape[0] - 1) * other.batchStride + other.sampleCount
    return offset < endB && other.offset < endA
  }
}
