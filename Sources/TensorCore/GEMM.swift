// The only file that calls BLAS or TensorCore's own AVX-512 GEMM (the CGEMM target).
import CBLAS
import CGEMM
import Dispatch
import Foundation

/// Row-major single-precision matrix products: OpenBLAS, or on AVX-512 CPUs TensorCore's own kernel.
///
/// Products whose B is not transposed (every convolution's) run on `CGEMM` when the CPU has
/// AVX-512: OpenBLAS picks its kernels by CPU model, and environments pin it to AVX2 ones
/// (`OPENBLAS_CORETYPE=Haswell`) on CPUs it does not know, which halves its speed there
/// (benchmarks/RESULTS.md). The rest (fully connected layers, Bᵀ) stays on OpenBLAS.
package enum GEMM {
  /// Which implementation runs the products that `CGEMM` can take.
  package enum Backend: String, Sendable, CaseIterable {
    /// TensorCore's AVX-512 kernel where the CPU has one, OpenBLAS otherwise.
    case automatic
    /// OpenBLAS for every product.
    case openBLAS = "openblas"
  }

  private static let lock = NSLock()
  nonisolated(unsafe) private static var backendSetting: Backend = {
    let text = ProcessInfo.processInfo.environment["CONVSCOPE_GEMM"]?.lowercased()
    return text.flatMap(Backend.init(rawValue:)) ?? .automatic
  }()

  /// Whether the CPU and OS support AVX-512F, so that `CGEMM` can run.
  package static let ownKernelAvailable: Bool = cgemm_available() == 1

  /// The backend setting; starts at `CONVSCOPE_GEMM` (`automatic` or `openblas`), else `automatic`.
  package static var backend: Backend {
    get { lock.withLock { backendSetting } }
    set { lock.withLock { backendSetting = newValue } }
  }

  /// Whether products with an untransposed B run on TensorCore's own kernel.
  package static var usesOwnKernel: Bool { ownKernelAvailable && backend == .automatic }

  /// A description of what runs the products, for benchmark headers.
  package static var engineName: String {
    usesOwnKernel ? "TensorCore AVX-512 (OpenBLAS \(coreName) for Bᵀ)" : "OpenBLAS \(coreName)"
  }

  /// C = alpha · op(A) · op(B) + beta · C, row-major, where op(A) is M×K, op(B) is K×N, C is M×N.
  ///
  /// `lda`, `ldb`, `ldc` are the row pitches of A, B and C as stored (A is K×M when `transA`).
  package static func sgemm(
    transA: Bool = false, transB: Bool = false, m: Int, n: Int, k: Int,
    alpha: Float = 1, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
    beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int
  ) {
    let threads = Threads.count  // also makes sure OpenBLAS got the configured thread count
    guard m > 0, n > 0 else { return }
    if k == 0 {  // empty sums: C = beta · C (OpenBLAS would reject the zero pitch of an M×0 A)
      for i in 0..<m {
        let row = c + i * ldc
        for j in 0..<n { row[j] = beta == 0 ? 0 : beta * row[j] }
      }
      return
    }
    if !transB && usesOwnKernel {
      ownSgemm(
        transA: transA, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc,
        threads: threads)
      return
    }
    cblas_sgemm(
      CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
      Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
  }

  /// Multiply–accumulates below which a product runs on one thread: a hand-off costs a few µs.
  static let parallelMinMACs = 1 << 18

  /// `CGEMM` split into one block of C per thread: by columns in whole 32-column panels when they
  /// share out evenly, else by rows in multiples of 4 (the kernel's row granularity); the blocks are
  /// independent, so no thread waits on another.
  private static func ownSgemm(
    transA: Bool, m: Int, n: Int, k: Int, alpha: Float, a: UnsafePointer<Float>, lda: Int,
    b: UnsafePointer<Float>, ldb: Int, beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int, threads: Int
  ) {
    let rowStride = transA ? 1 : lda
    func block(rows: Range<Int>, columns: Range<Int>) {
      guard !rows.isEmpty, !columns.isEmpty else { return }
      cgemm_sgemm(
        transA ? 1 : 0, rows.count, columns.count, k, alpha, a + rows.lowerBound * rowStride, lda,
        b + columns.lowerBound, ldb, beta, c + rows.lowerBound * ldc + columns.lowerBound, ldc)
    }
    let parts = threads > 1 && m * n * max(k, 1) >= parallelMinMACs ? threads : 1
    if parts == 1 {
      block(rows: 0..<m, columns: 0..<n)
      return
    }
    let panels = (n + panelWidth - 1) / panelWidth
    let rowUnits = (m + 3) / 4
    // Work of the busiest part relative to an even share, for each way of splitting.
    let columnImbalance = Double((panels + parts - 1) / parts) * Double(parts) / Double(panels)
    let rowImbalance = Double((rowUnits + parts - 1) / parts) * Double(parts) / Double(rowUnits)
    let byColumns = panels >= parts && (columnImbalance <= 1.05 || columnImbalance <= rowImbalance)
    let pieces = UncheckedSendable(block)
    DispatchQueue.concurrentPerform(iterations: parts) { part in
      if byColumns {
        let lo = panels * part / parts * panelWidth, hi = min(n, panels * (part + 1) / parts * panelWidth)
        pieces.value(0..<m, lo..<hi)
      } else {
        let lo = min(m, rowUnits * part / parts * 4), hi = min(m, rowUnits * (part + 1) / parts * 4)
        pieces.value(lo..<hi, 0..<n)
      }
    }
  }

  /// Columns per micro-tile of `CGEMM` (two AVX-512 registers).
  static let panelWidth = 32

  /// OpenBLAS's thread count; called by `Threads` only.
  static func setThreads(_ n: Int) {
    openblas_set_num_threads(Int32(n))
  }

  /// OpenBLAS's name for the kernel it picked for this CPU (e.g. `SkylakeX`, `Zen`).
  package static var coreName: String {
    String(cString: openblas_get_corename())
  }
}
