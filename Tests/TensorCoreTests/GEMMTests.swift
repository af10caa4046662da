import Foundation
import TensorCore
import XCTest

/// Runs `body` with `GEMM.backend` set to `backend`, restoring the previous setting afterwards.
func onBackend<T>(_ backend: GEMM.Backend, _ body: () throws -> T) rethrows -> T {
  let saved = GEMM.backend
  GEMM.backend = backend
  defer { GEMM.backend = saved }
  return try body()
}

/// GEMM.sgemm against a plain-loop reference in Double, on both backends: shapes around the own
/// kernel's block edges (4-row slivers, 12-row kernels, 32-column panels, 256-deep and 512-wide
/// packed blocks), transposed A, row pitches wider than the rows, alpha and beta, 1 and 2 threads.
final class GEMMTests: XCTestCase {
  struct Case: CustomStringConvertible {
    var m: Int, n: Int, k: Int
    var transA = false
    var alpha: Float = 1, beta: Float = 0
    var pad = 0  // extra floats at the end of every stored row of A, B and C
    var description: String { "m\(m) n\(n) k\(k) transA \(transA) alpha \(alpha) beta \(beta) pad \(pad)" }
  }

  /// Checks one product; the padding floats of C (past N in each row) must come back untouched, and with
  /// beta 0 C's old contents (NaN here) must not leak into the result.
  func check(_ t: Case, seed: UInt64, file: StaticString = #filePath, line: UInt = #line) {
    var rng = SeededGenerator(seed: seed)
    let (aRows, aCols) = t.transA ? (t.k, t.m) : (t.m, t.k)
    let lda = aCols + t.pad, ldb = t.n + t.pad, ldc = t.n + t.pad
    let a = (0..<(aRows * lda)).map { _ in rng.nextNormal() }
    let b = (0..<(t.k * ldb)).map { _ in rng.nextNormal() }
    let sentinel: Float = -12345
    var c = (0..<(t.m * ldc)).map { i in i % ldc >= t.n ? sentinel : (t.beta == 0 ? Float.nan : rng.nextNormal()) }
    var expected = [Double](repeating: 0, count: t.m * t.n)
    var scale = 1.0
    for i in 0..<t.m {
      for j in 0..<t.n {
        var sum = 0.0
        for p in 0..<t.k {
          let av = t.transA ? a[p * lda + i] : a[i * lda + p]
          sum += Double(av) * Double(b[p * ldb + j])
        }
        let old = t.beta == 0 ? 0 : Double(t.beta) * Double(c[i * ldc + j])
        expected[i * t.n + j] = Double(t.alpha) * sum + old
        scale = max(scale, abs(expected[i * t.n + j]), abs(Double(t.alpha)) * sum.magnitude)
      }
    }
    a.withUnsafeBufferPointer { ap in
      b.withUnsafeBufferPointer { bp in
        c.withUnsafeMutableBufferPointer { cp in
          GEMM.sgemm(
            transA: t.transA, m: t.m, n: t.n, k: t.k, alpha: t.alpha, a: ap.baseAddress!, lda: lda,
            b: bp.baseAddress!, ldb: ldb, beta: t.beta, c: cp.baseAddress!, ldc: ldc)
        }
      }
    }
    let bound = Double(accumulationTolerance) * Double(max(t.k, 1)).squareRoot() * scale
    var worst = 0.0
    for i in 0..<t.m {
      for j in 0..<t.n {
        let err = abs(Double(c[i * ldc + j]) - expected[i * t.n + j])
        if !(err <= worst) { worst = err }
      }
      for j in t.n..<ldc where c[i * ldc + j] != sentinel {
        XCTFail("\(t): row \(i) padding column \(j) overwritten", file: file, line: line)
        return
      }
    }
    XCTAssertLessThanOrEqual(worst, bound, "\(t) on \(GEMM.backend)", file: file, line: line)
  }

  func sweep(seed: UInt64) {
    var rng = SeededGenerator(seed: seed)
    func pick(_ values: [Int]) -> Int { values[Int(rng.next() % UInt64(values.count))] }
    for i in 0..<60 {
      var t = Case(
        m: pick([1, 3, 4, 5, 8, 9, 11, 12, 13, 24, 29, 64]),
        n: pick([1, 7, 15, 16, 17, 31, 32, 33, 49, 100, 513, 600]),
        k: pick([1, 2, 9, 64, 255, 256, 257, 530]))
      t.transA = pick([0, 1]) == 1
      t.alpha = [1, 0.5, -2][pick([0, 1, 2])]
      t.beta = [0, 1, 0.25][pick([0, 1, 2])]
      t.pad = pick([0, 0, 3])
      check(t, seed: seed * 1000 + UInt64(i))
    }
  }

  func testSweepOneThread() {
    let saved = Threads.count
    defer { Threads.set(saved) }
    Threads.set(1)
    for backend in GEMM.supportedBackends { onBackend(backend) { sweep(seed: 1) } }
  }

  func testSweepTwoThreads() {
    let saved = Threads.count
    defer { Threads.set(saved) }
    Threads.set(2)
    for backend in GEMM.supportedBackends { onBackend(backend) { sweep(seed: 2) } }
  }

  /// Products large enough to be split over threads, both ways: by 32-column panels (wide N) and by rows
  /// (N of a few panels that would share out unevenly), with three threads for uneven parts.
  func testThreadSplits() {
    let saved = Threads.count
    defer { Threads.set(saved) }
    let cases = [
      Case(m: 64, n: 1100, k: 40),  // by columns
      Case(m: 130, n: 196, k: 33, beta: 1),  // 7 panels: by rows
      Case(m: 70, n: 49, k: 300, transA: true, alpha: 0.5, pad: 2),  // 2 panels: by rows
      Case(m: 6, n: 700, k: 100, beta: 0.25),
    ]
    for threads in [2, 3] {
      Threads.set(threads)
      for (i, t) in cases.enumerated() { check(t, seed: 900 + UInt64(i)) }
    }
  }

  /// Bᵀ products (fully connected layers) stay on OpenBLAS; beside the own kernel OpenBLAS is single-threaded
  /// and the columns are split over TensorCore's threads: compare with a plain loop at 1–3 threads.
  func testTransposedBSplitsOverThreads() {
    let saved = Threads.count
    defer { Threads.set(saved) }
    var rng = SeededGenerator(seed: 5)
    let (m, n, k) = (3, 1000, 300)  // batch 3, 1000 classes, 300 features: above parallelMinMACs
    let a = (0..<(m * k)).map { _ in rng.nextNormal() }, b = (0..<(n * k)).map { _ in rng.nextNormal() }
    for backend in GEMM.supportedBackends {
      for threads in [1, 2, 3] {
        onBackend(backend) {
          Threads.set(threads)
          var c = [Float](repeating: .nan, count: m * n)
          a.withUnsafeBufferPointer { ap in
            b.withUnsafeBufferPointer { bp in
              c.withUnsafeMutableBufferPointer { cp in
                GEMM.sgemm(
                  transB: true, m: m, n: n, k: k, a: ap.baseAddress!, lda: k, b: bp.baseAddress!, ldb: k,
                  c: cp.baseAddress!, ldc: n)
              }
            }
          }
          var worst = 0.0
          for i in 0..<m {
            for j in 0..<n {
              let want = (0..<k).reduce(0.0) { $0 + Double(a[i * k + $1]) * Double(b[j * k + $1]) }
              let err = abs(Double(c[i * n + j]) - want)
              if !(err <= worst) { worst = err }
            }
          }
          XCTAssertLessThan(worst, 1e-3, "\(backend), \(threads) threads")
        }
      }
    }
  }

  /// Threads that ran a product and exit free the kernel's per-thread scratch (a pthread key destructor):
  /// products small enough to stay on the calling thread, on 40 short-lived threads in turn, all come out
  /// right, and no thread crashes on exit.
  func testShortLivedThreads() {
    final class Result: @unchecked Sendable { var c: [Float] = [] }
    let (m, n, k) = (13, 40, 300)  // below parallelMinMACs: one thread
    var rng = SeededGenerator(seed: 77)
    let a = (0..<(m * k)).map { _ in rng.nextNormal() }, b = (0..<(k * n)).map { _ in rng.nextNormal() }
    var want = [Double](repeating: 0, count: m * n)
    for i in 0..<m {
      for j in 0..<n { want[i * n + j] = (0..<k).reduce(0.0) { $0 + Double(a[i * k + $1]) * Double(b[$1 * n + j]) } }
    }
    for _ in 0..<40 {
      let result = Result()
      let done = DispatchSemaphore(value: 0)
      let worker = Thread {
        var c = [Float](repeating: 0, count: m * n)
        a.withUnsafeBufferPointer { ap in
          b.withUnsafeBufferPointer { bp in
            c.withUnsafeMutableBufferPointer { cp in
              GEMM.sgemm(
                m: m, n: n, k: k, a: ap.baseAddress!, lda: k, b: bp.baseAddress!, ldb: n, c: cp.baseAddress!, ldc: n)
            }
          }
        }
        result.c = c
        done.signal()
      }
      worker.start()
      XCTAssertEqual(done.wait(timeout: .now() + 10), .success)
      let worst = zip(result.c, want).map { abs(Double($0) - $1) }.max() ?? .infinity
      XCTAssertLessThan(worst, 1e-3)
    }
  }

  /// K = 0: C = beta · C (the products are empty sums).
  func testEmptyInnerDimension() {
    for backend in GEMM.supportedBackends {
      onBackend(backend) {
        check(Case(m: 5, n: 40, k: 0, beta: 0.5), seed: 1)
        check(Case(m: 5, n: 40, k: 0, beta: 0), seed: 2)
      }
    }
  }

  func testBackendSetting() {
    onBackend(.openBLAS) { XCTAssertFalse(GEMM.usesOwnKernel) }
    onBackend(.automatic) { XCTAssertEqual(GEMM.usesOwnKernel, !GEMM.cpuKernels.isEmpty) }
    onBackend(.avx2) { XCTAssertEqual(GEMM.ownKernel, GEMM.cpuKernels.contains(.avx2) ? .avx2 : nil) }
    onBackend(.avx512) { XCTAssertEqual(GEMM.ownKernel, GEMM.cpuKernels.contains(.avx512) ? .avx512 : nil) }
    XCTAssertEqual(GEMM.Backend(rawValue: "openblas"), .openBLAS)
    XCTAssertEqual(GEMM.supportedBackends.first, .automatic)
    XCTAssertTrue(GEMM.supportedBackends.contains(.openBLAS))
  }

  /// `CONVSCOPE_GEMM`: the four names in any case, unset or empty as automatic, anything else refused with the
  /// list, and a kernel the CPU lacks refused with what it has.
  func testEnvironmentSetting() throws {
    XCTAssertNil(try GEMM.requested(nil))
    XCTAssertNil(try GEMM.requested(""))
    XCTAssertEqual(try GEMM.requested("OpenBLAS"), .openBLAS)
    XCTAssertEqual(try GEMM.requested("automatic"), .automatic)
    XCTAssertThrowsError(try GEMM.requested("avx")) { error in
      XCTAssertEqual(
        "\(error)", "CONVSCOPE_GEMM must be one of automatic, avx512, avx2, openblas, got 'avx'")
    }
    for backend in [GEMM.Backend.avx512, .avx2] {
      if backend.isSupported {
        XCTAssertEqual(try GEMM.requested(backend.rawValue), backend)
      } else {
        XCTAssertThrowsError(try GEMM.requested(backend.rawValue)) { error in
          XCTAssertTrue("\(error)".contains("this CPU has no"), "\(error)")
        }
      }
    }
  }
}
