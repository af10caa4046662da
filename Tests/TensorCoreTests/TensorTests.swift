import TensorCore
import XCTest

/// Construction, element access, reshaping and channel views.
final class TensorTests: XCTestCase {
  func testInitialisers() throws {
    let z = try Tensor(zeros: [2, 3, 4, 5])
    XCTAssertEqual(z.count, 120)
    XCTAssertEqual(z.sampleCount, 60)
    XCTAssertTrue(z.array.allSatisfy { $0 == 0 })
    XCTAssertTrue(try Tensor(filled: 2.5, shape: [3, 1]).array.allSatisfy { $0 == 2.5 })
    let t = try Tensor(shape: [1, 2, 2, 3], data: (0..<12).map(Float.init))
    XCTAssertEqual(t[0, 1, 0, 2], 8)
    t[0, 1, 0, 2] = -1
    XCTAssertEqual(t.array[8], -1)
    XCTAssertEqual(try Tensor(zeros: [0, 3]).count, 0)
  }

  /// The weights' one mapping: every tensor zeroed, 64-byte aligned, with its own shape, apart from the others
  /// (a write to one leaves the rest as they were), and usable by ops like any tensor.
  func testZerosInOneMapping() throws {
    let shapes = [[64, 3, 7, 7], [64], [1], [1000, 2048], [5, 3], [0]]
    let tensors = try Tensor.zerosInOneMapping(shapes)
    XCTAssertEqual(tensors.map(\.shape), shapes)
    for t in tensors {
      XCTAssertTrue(t.isContiguous)
      XCTAssertEqual(UInt(bitPattern: t.sample(0)) % 64, 0, "alignment of \(t.shape)")
      XCTAssertTrue(t.array.allSatisfy { $0 == 0 }, "zeros in \(t.shape)")
    }
    for (i, t) in tensors.enumerated() {
      t.fill(Float(i + 1))
      for u in tensors[..<i] where u.count > 0 { XCTAssertFalse(t.mayOverlap(u), "\(t.shape) overlaps \(u.shape)") }
    }
    for (i, t) in tensors.enumerated() { XCTAssertTrue(t.array.allSatisfy { $0 == Float(i + 1) }, "\(t.shape)") }
    XCTAssertThrowsError(try Tensor.zerosInOneMapping([[2], [-1]]))
  }

  func testReshapeAndFlatten() throws {
    let t = try Tensor(shape: [2, 3, 2, 2], data: (0..<24).map(Float.init))
    let r = try t.reshaped([4, -1])
    XCTAssertEqual(r.shape, [4, 6])
    XCTAssertEqual(r.array, t.array)
    XCTAssertTrue(r.storage === t.storage, "reshape of a contiguous tensor is a view")
    XCTAssertEqual(try t.flattened().shape, [2, 12])
    XCTAssertEqual(try t.flattened(startDim: 2).shape, [2, 3, 4])
    XCTAssertEqual(try t.flattened(startDim: 0).shape, [24])
  }

  func testChannelViews() throws {
    let t = try Tensor(shape: [1, 4, 2, 2], data: (0..<16).map(Float.init))
    let v = try t.channels(1..<3)
    XCTAssertEqual(v.shape, [1, 2, 2, 2])
    XCTAssertTrue(v.isContiguous)
    XCTAssertTrue(v.storage === t.storage, "no copy")
    XCTAssertEqual(v.array, (4..<12).map(Float.init))
    v[0, 0, 0, 0] = 100
    XCTAssertEqual(t[0, 1, 0, 0], 100, "a view writes through")

    // With a batch of 3 the view strides over samples; reshape copies it.
    let b = try Tensor(shape: [3, 4, 1, 2], data: (0..<24).map(Float.init))
    let bv = try b.channels(2..<4)
    XCTAssertFalse(bv.isContiguous)
    XCTAssertEqual(bv.array, [4, 5, 6, 7, 12, 13, 14, 15, 20, 21, 22, 23])
    let flat = try bv.flattened()
    XCTAssertEqual(flat.array, bv.array)
    XCTAssertFalse(flat.storage === b.storage)
    XCTAssertEqual(try b.channels(0..<4).isContiguous, true)
    try b.channels(1..<2).fill(-7)
    XCTAssertEqual(b.array.filter { $0 == -7 }.count, 6, "fill touches only the view's channel in each sample")
    XCTAssertEqual(b[1, 1, 0, 1], -7)
    XCTAssertEqual(b[1, 2, 0, 0], 12)
  }

  func testOverlapDetection() throws {
    let t = try Tensor(zeros: [3, 6, 2, 2])
    XCTAssertTrue(try t.channels(0..<3).mayOverlap(t.channels(2..<5)))
    XCTAssertFalse(try t.channels(0..<3).mayOverlap(t.channels(3..<6)))
    XCTAssertFalse(t.mayOverlap(try Tensor(zeros: [3, 6, 2, 2])))
  }
}
