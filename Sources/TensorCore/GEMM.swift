// The only file that calls BLAS or TensorCore's own GEMM kernels (the CGEMM target).
import CBLAS
import CGEMM
import Dispatch
import Foundation

/// Row-major single-precision matrix products: OpenBLAS, or TensorCore's own kernel (AVX-512 or AVX2 + FMA).
///
/// Products whose B is not transposed (every convolution's) run on `CGEMM` when the CPU has AVX-512 or
/// AVX2 + FMA: OpenBLAS picks its kernels by CPU model, and environments pin it to AVX2 ones
/// (`OPENBLAS_CORETYPE=Haswell`) on CPUs it does not know, which halves its speed there
/// (benchmarks/RESULTS.md); the own kernel also reads conv taps in place and fuses batch norms, bias, ReLU and
/// residual sums into its packing and stores. The rest (fully connected layers, Bᵀ) stays on OpenBLAS.
package enum GEMM {
  /// Which implementation runs the products that `CGEMM` can take (`CONVSCOPE_GEMM`).
  package enum Backend: String, Sendable, NamedSetting {
    package static let variable = "CONVSCOPE_GEMM"

    /// The widest own kernel the CPU has (AVX-512, else AVX2 + FMA), OpenBLAS on other CPUs.
    case automatic
    /// The own AVX-512 kernel.
    case avx512
    /// The own AVX2 + FMA kernel (also on AVX-512 CPUs, to measure the path AVX2-only machines take).
    case avx2
    /// OpenBLAS for every product.
    case openBLAS = "openblas"

    /// Whether this CPU can run it.
    package var isSupported: Bool {
      switch self {
      case .automatic, .openBLAS: true
      case .avx512: GEMM.cpuKernels.contains(.avx512)
      case .avx2: GEMM.cpuKernels.contains(.avx2)
      }
    }
  }

  /// TensorCore's own micro-kernels.
  package enum Kernel: Sendable, CaseIterable {
    /// 12 × 32 tiles in zmm registers.
    case avx512
    /// 6 × 16 tiles in ymm registers.
    case avx2

    var code: Int32 {
      switch self {
      case .avx512: Int32(CGEMM_AVX512)
      case .avx2: Int32(CGEMM_AVX2)
      }
    }

    /// The instruction sets the kernel uses.
    package var instructionSets: String {
      switch self {
      case .avx512: "AVX-512F"
      case .avx2: "AVX2+FMA"
      }
    }
  }

  /// The backends this CPU can run, `automatic` first.
  package static var supportedBackends: [Backend] { Backend.allCases.filter(\.isSupported) }

  /// The backend `CONVSCOPE_GEMM` asks for (case-insensitive); nil when unset or empty. An unknown value, or a
  /// kernel this CPU lacks, is refused.
  package static func requested(_ text: String?) throws(SettingError) -> Backend? {
    guard let backend = try Backend.named(text) else { return nil }
    guard backend.isSupported else {
      throw SettingError(
        description:
          "CONVSCOPE_GEMM=\(backend.rawValue): this CPU has no \(backend == .avx512 ? "AVX-512F" : "AVX2 + FMA")"
          + " (it has: \(cpuInstructionSets)); use one of "
          + supportedBackends.map(\.rawValue).joined(separator: ", "))
    }
    return backend
  }

  /// Refuses an invalid `CONVSCOPE_GEMM` (the command line checks it before any work).
  package static func checkEnvironment() throws(SettingError) { _ = try requested(Backend.environmentText) }

  private static let lock = NSLock()
  nonisolated(unsafe) private static var backendSetting: Backend = {
    // An invalid setting was refused by the command line already; tests and benchmarks fall back to automatic.
    (try? requested(Backend.environmentText)) ?? .automatic
  }()

  /// The own kernels this CPU and OS support (cpuid and XCR0).
  package static let cpuKernels: Set<Kernel> = {
    let bits = Int(cgemm_features())
    return Set(Kernel.allCases.filter { bits & Int($0.code) != 0 })
  }()

  /// The backend setting; starts at `CONVSCOPE_GEMM`, else `automatic`. A backend the CPU cannot run (set by
  /// a test) means OpenBLAS.
  package static var backend: Backend {
    get { lock.withLock { backendSetting } }
    set {
      lock.withLock { backendSetting = newValue }
      setThreads(Threads.count)
    }
  }

  /// The own kernel that runs products with an untransposed B under the current backend, or nil for OpenBLAS.
  package static var ownKernel: Kernel? {
    let kernels = cpuKernels
    switch backend {
    case .automatic: return kernels.contains(.avx512) ? .avx512 : kernels.contains(.avx2) ? .avx2 : nil
    case .avx512: return kernels.contains(.avx512) ? .avx512 : nil
    case .avx2: return kernels.contains(.avx2) ? .avx2 : nil
    case .openBLAS: return nil
    }
  }

  /// Whether products with an untransposed B run on TensorCore's own kernel.
  package static var usesOwnKernel: Bool { ownKernel != nil }

  /// A description of what runs the products, for benchmark headers.
  package static var engineName: String {
    guard let kernel = ownKernel else { return "OpenBLAS \(coreName)" }
    return "TensorCore \(kernel.instructionSets) (OpenBLAS \(coreName) for Bᵀ)"
  }

  /// The CPU's instruction sets that matter here, e.g. `AVX2 FMA` or `AVX-512F AVX2 FMA`.
  package static var cpuInstructionSets: String {
    let names = [cpuKernels.contains(.avx512) ? "AVX-512F" : nil, cpuKernels.contains(.avx2) ? "AVX2 FMA" : nil]
      .compactMap { $0 }
    return names.isEmpty ? "no AVX2" : names.joined(separator: " ")
  }

  /// The CPU's model name from /proc/cpuinfo ("unknown" where there is none).
  package static let cpuModel: String = {
    guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return "unknown" }
    for line in text.split(separator: "\n") where line.hasPrefix("model name") {
      if let colon = line.firstIndex(of: ":") {
        return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
      }
    }
    return "unknown"
  }()

  /// C = alpha · op(A) · op(B) + beta · C, row-major, where op(A) is M×K, op(B) is K×N, C is M×N.
  ///
  /// `lda`, `ldb`, `ldc` are the row pitches of A, B and C as stored (A is K×M when `transA`).
  package static func sgemm(
    transA: Bool = false, transB: Bool = false, m: Int, n: Int, k: Int,
    alpha: Float = 1, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
    beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int
  ) {
    if transB {
      guard m > 0, n > 0 else { return }
      if k == 0 { return scaleC(m: m, n: n, beta: beta, c: c, ldc: ldc, epilogue: GEMMEpilogue()) }
      _ = Threads.count  // makes sure OpenBLAS got the configured thread count
      func product(_ columns: Range<Int>) {
        cblas_sgemm(
          CblasRowMajor, transA ? CblasTrans : CblasNoTrans, CblasTrans, Int32(m), Int32(columns.count), Int32(k),
          alpha, a, Int32(lda), b + columns.lowerBound * ldb, Int32(ldb), beta, c + columns.lowerBound, Int32(ldc))
      }
      // Beside the own kernel OpenBLAS runs single-threaded (see `setThreads`), so the columns are split here.
      guard usesOwnKernel else { return product(0..<n) }
      Threads.parallelFor(n, costPerItem: m * k, minWork: parallelMinMACs) { product($0) }
      return
    }
    sgemm(
      transA: transA, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, source: GEMMSource(b, ldb: ldb), beta: beta,
      c: c, ldc: ldc)
  }

  /// C = act(alpha · op(A) · B + beta · C + bias), B read from `source` (in place on TensorCore's own
  /// kernel; gathered into a K×N matrix for OpenBLAS), bias and act from `epilogue`.
  package static func sgemm(
    transA: Bool = false, m: Int, n: Int, k: Int, alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
    source: GEMMSource, beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int,
    epilogue: GEMMEpilogue = GEMMEpilogue()
  ) {
    let threads = Threads.count  // also makes sure OpenBLAS got the configured thread count
    guard m > 0, n > 0 else { return }
    if k == 0 { return scaleC(m: m, n: n, beta: beta, c: c, ldc: ldc, epilogue: epilogue) }
    if let kernel = ownKernel {
      ownSgemm(
        kernel: kernel, transA: transA, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, source: source, beta: beta,
        c: c, ldc: ldc,
        epilogue: epilogue, threads: threads)
      return
    }
    func openBLAS(_ b: UnsafePointer<Float>, _ ldb: Int) {
      cblas_sgemm(
        CblasRowMajor, transA ? CblasTrans : CblasNoTrans, CblasNoTrans, Int32(m), Int32(n), Int32(k), alpha, a,
        Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }
    if source.isPlain {
      openBLAS(source.data, source.ldb)
    } else {
      source.gather(rows: k, columns: n).withUnsafeBufferPointer { gathered in
        if let base = gathered.baseAddress { openBLAS(base, n) }  // k, n > 0: never empty
      }
    }
    epilogue.apply(m: m, n: n, c: c, ldc: ldc)
  }

  /// C = act(beta · C + bias): the product with K = 0, whose sums are empty. OpenBLAS would reject
  /// the zero row pitch of an M×0 A.
  private static func scaleC(
    m: Int, n: Int, beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int, epilogue: GEMMEpilogue
  ) {
    for i in 0..<m {
      let row = c + i * ldc
      for j in 0..<n { row[j] = beta == 0 ? 0 : beta * row[j] }
    }
    epilogue.apply(m: m, n: n, c: c, ldc: ldc)
  }

  /// Multiply–accumulates below which a product runs on one thread: a hand-off costs a few µs.
  static let parallelMinMACs = 1 << 18

  /// `CGEMM` split into one block of C per thread: by columns in whole 32-column panels when they
  /// share out evenly, else by rows in multiples of 4 (the kernel's row granularity); the blocks are
  /// independent, so no thread waits on another.
  private static func ownSgemm(
    kernel: Kernel, transA: Bool, m: Int, n: Int, k: Int, alpha: Float, a: UnsafePointer<Float>, lda: Int,
    source: GEMMSource,
    beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int, epilogue: GEMMEpilogue, threads: Int
  ) {
    let rowStride = transA ? 1 : lda
    func block(rows: Range<Int>, columns: Range<Int>) {
      guard !rows.isEmpty, !columns.isEmpty else { return }
      var b = cgemm_b(
        data: source.data + columns.lowerBound, ldb: source.ldb, row_offsets: source.rowOffsets,
        scale: source.affine?.scale, shift: source.affine?.shift, relu: source.affine?.relu == true ? 1 : 0)
      var e = cgemm_epilogue(
        scale: epilogue.scale.map { $0 + rows.lowerBound }, bias: epilogue.bias.map { $0 + rows.lowerBound },
        residual: epilogue.residual.map { $0 + rows.lowerBound * ldc + columns.lowerBound }, relu: epilogue.relu ? 1 : 0
      )
      cgemm_sgemm(
        kernel.code, transA ? 1 : 0, rows.count, columns.count, k, alpha, a + rows.lowerBound * rowStride, lda, &b,
        beta,
        c + rows.lowerBound * ldc + columns.lowerBound, ldc, &e)
    }
    let parts = threads > 1 && m * n * k >= parallelMinMACs ? threads : 1
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

  /// Columns per thread's share of `CGEMM`'s products: a whole micro-tile of either kernel (32 for AVX-512, 16
  /// for AVX2).
  static let panelWidth = 32

  /// OpenBLAS's thread count, from `Threads` and on a backend change: the thread setting on the OpenBLAS
  /// backend, 1 beside the own kernel, which then splits OpenBLAS's few products (Bᵀ: fully connected
  /// layers) over its own threads: OpenBLAS's idle workers spin in sched_yield after each threaded call,
  /// taking time slices from the own kernel's threads on a machine with as many cores as threads.
  static func setThreads(_ n: Int) {
    openblas_set_num_threads(Int32(usesOwnKernel ? 1 : n))
    if usesOwnKernel { stopIdleBLASWorkers() }
  }

  /// Ends OpenBLAS's worker threads, which it starts at load and which spin in sched_yield for ~0.1 s before
  /// sleeping: beside the own kernel OpenBLAS runs single-threaded, and that spin took a core from the weights and
  /// first pass of a fresh `run` on a 2-core machine. OpenBLAS starts its workers again by itself if a later call
  /// runs threaded (the backend set back to OpenBLAS). Looked up at run time: builds without it (OpenMP) skip this.
  private static func stopIdleBLASWorkers() {
    guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "blas_thread_shutdown_") else { return }
    let shutdown = unsafeBitCast(symbol, to: (@convention(c) () -> Int32).self)
    _ = shutdown()
  }

  /// OpenBLAS's name for the kernel it picked for this CPU (e.g. `SkylakeX`, `Zen`).
  package static var coreName: String {
    String(cString: openblas_get_corename())
  }
}

/// The B of a product as TensorCore's own GEMM reads it: rows at a fixed pitch or at listed offsets
/// (an implicit im2col over padded planes), optionally through a per-row affine map and ReLU (a batch
/// norm in front of a 1×1 conv), applied while the kernel packs B, so no transformed copy is written.
package struct GEMMSource {
  /// Row p starts at `data + p · ldb`, or at `data + rowOffsets[p]` when `rowOffsets` is set.
  package var data: UnsafePointer<Float>
  package var ldb: Int
  package var rowOffsets: UnsafePointer<Int>?
  /// B(p, j) is read as B(p, j) · scale[p] + shift[p], then max(0, ·) when `relu`.
  package var affine: (scale: UnsafePointer<Float>, shift: UnsafePointer<Float>, relu: Bool)?

  package init(
    _ data: UnsafePointer<Float>, ldb: Int = 0, rowOffsets: UnsafePointer<Int>? = nil,
    affine: (scale: UnsafePointer<Float>, shift: UnsafePointer<Float>, relu: Bool)? = nil
  ) {
    (self.data, self.ldb, self.rowOffsets, self.affine) = (data, ldb, rowOffsets, affine)
  }

  /// Rows at a fixed pitch, read as they are: what cblas_sgemm takes.
  var isPlain: Bool { rowOffsets == nil && affine == nil }

  /// B as a dense rows × columns matrix, for OpenBLAS.
  func gather(rows: Int, columns: Int) -> [Float] {
    var out = [Float](repeating: 0, count: rows * columns)
    out.withUnsafeMutableBufferPointer { dst in
      guard let base = dst.baseAddress else { return }
      for p in 0..<rows {
        let src = data + (rowOffsets?[p] ?? p * ldb)
        let row = base + p * columns
        row.update(from: src, count: columns)
        if let affine {
          let (s, t) = (affine.scale[p], affine.shift[p])
          for j in 0..<columns {
            let v = row[j] * s + t
            row[j] = affine.relu ? max(v, 0) : v
          }
        }
      }
    }
    return out
  }
}

/// What happens to C after the product: a per-row scale (a batch norm after a conv, unfolded), a per-row bias
/// (a conv's per-channel bias), a residual matrix with C's row pitch (a residual connection's shortcut), then
/// ReLU: C = act(scale[i]·C + bias[i] + residual).
package struct GEMMEpilogue {
  package var scale: UnsafePointer<Float>?
  package var bias: UnsafePointer<Float>?
  package var residual: UnsafePointer<Float>?
  package var relu: Bool

  package init(
    scale: UnsafePointer<Float>? = nil, bias: UnsafePointer<Float>? = nil, residual: UnsafePointer<Float>? = nil,
    relu: Bool = false
  ) {
    (self.scale, self.bias, self.residual, self.relu) = (scale, bias, residual, relu)
  }

  /// Applies the epilogue to C in place, rows split over the threads: for OpenBLAS's products, and for the
  /// convolutions whose output no GEMM stores (the own kernel does it in registers).
  func apply(m: Int, n: Int, c: UnsafeMutablePointer<Float>, ldc: Int) {
    guard scale != nil || bias != nil || residual != nil || relu else { return }
    Threads.parallelFor(m, costPerItem: n) { rows in
      for i in rows {
        let row = c + i * ldc
        let add = bias?[i] ?? 0
        if let scale {
          let s = scale[i]
          for j in 0..<n { row[j] *= s }
        }
        if let residual {
          let r = residual + i * ldc
          for j in 0..<n { row[j] = relu ? max(row[j] + add + r[j], 0) : row[j] + add + r[j] }
        } else {
          for j in 0..<n { row[j] = relu ? max(row[j] + add, 0) : row[j] + add }  // max(NaN, 0) is NaN
        }
      }
    }
  }
}
