// The only file that calls BLAS.
import CBLAS

/// Row-major single-precision matrix products on OpenBLAS.
package enum GEMM {
  /// C = alpha · op(A) · op(B) + beta · C, row-major, where op(A) is M×K, op(B) is K×N, C is M×N.
  ///
  /// `lda`, `ldb`, `ldc` are the row pitches of A, B and C as stored (A is K×M when `transA`).
  package static func sgemm(
    transA: Bool = false, transB: Bool = false, m: Int, n: Int, k: Int,
    alpha: Float = 1, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
    beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int
  ) {
    _ = Threads.count  // makes sure OpenBLAS got the configured thread count
    cblas_sgemm(
      CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
      Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
  }

  /// OpenBLAS's thread count; called by `Threads` only.
  static func setThreads(_ n: Int) {
    openblas_set_num_threads(Int32(n))
  }

  /// OpenBLAS's name for the kernel it picked for this CPU (e.g. `SkylakeX`, `Zen`).
  package static var coreName: String {
    String(cString: openblas_get_corename())
  }
}
