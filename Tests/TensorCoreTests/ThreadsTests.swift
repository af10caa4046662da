import TensorCore
import XCTest

/// The thread setting and the parallel loop helper.
final class ThreadsTests: XCTestCase {
  func testParallelForVisitsEveryIndexOnce() {
    let saved = Threads.count
    defer { Threads.set(saved) }
    for threads in [1, 2, 3] {
      Threads.set(threads)
      XCTAssertEqual(Threads.count, threads)
      let total = 1_000
      let hits = UnsafeMutablePointer<Int>.allocate(capacity: total)
      defer { hits.deallocate() }
      hits.initialize(repeating: 0, count: total)
      Threads.parallelFor(total, minWork: 1) { range in
        for i in range { hits[i] += 1 }
      }
      XCTAssertTrue((0..<total).allSatisfy { hits[$0] == 1 }, "threads \(threads)")
    }
    Threads.set(0)
    XCTAssertEqual(Threads.count, 1, "clamped to 1")
  }

  /// One and several threads compute the same conv (each output element is summed by one thread).
  func testConvIndependentOfThreadCount() throws {
    let saved = Threads.count
    defer { Threads.set(saved) }
    var rng = SeededGenerator(seed: 51)
    let x = try Tensor.normal([1, 32, 40, 40], generator: &rng)
    let w = try Tensor.normal([48, 32, 3, 3], generator: &rng)
    Threads.set(1)
    let single = try Ops.conv2d(x, weight: w, padding: 1)
    Threads.set(2)
    let multi = try Ops.conv2d(x, weight: w, padding: 1)
    assertClose(multi, Expected(of: single), terms: 288, "threads")
  }
}
