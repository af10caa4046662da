import Dispatch
import Foundation

/// The one thread-count setting: OpenBLAS's threads for sgemm and the split of TensorCore's own loops.
///
/// Starts at `CONVSCOPE_THREADS` (capped at the cores available) when set, else the number of active cores.
package enum Threads {
  private static let lock = NSLock()
  nonisolated(unsafe) private static var current: Int = initialCount()

  /// The cores this process may use.
  package static var cores: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }

  private static func initialCount() -> Int {
    // An invalid setting was refused by the command line already; tests and benchmarks fall back to all cores.
    (try? requested(ProcessInfo.processInfo.environment["CONVSCOPE_THREADS"])) ?? cores
  }

  /// The thread count `CONVSCOPE_THREADS` asks for, capped at the cores available (more threads than cores
  /// only contend); nil when unset. Anything but a whole number from 1 is refused.
  package static func requested(_ text: String?) throws(SettingError) -> Int? {
    guard let text, !text.isEmpty else { return nil }  // set but empty: as unset
    let trimmed = text.trimmingCharacters(in: .whitespaces)
    guard let n = Int(trimmed), n >= 1 else {
      throw SettingError(
        description: "CONVSCOPE_THREADS must be a whole number from 1 to \(cores) (the cores available), "
          + "got '\(text)'")
    }
    return min(n, cores)
  }

  /// Refuses an invalid `CONVSCOPE_THREADS` (the command line checks it before any work).
  package static func checkEnvironment() throws(SettingError) {
    _ = try requested(ProcessInfo.processInfo.environment["CONVSCOPE_THREADS"])
  }

  /// OpenBLAS is told the starting count once, the first time anything asks for the setting.
  private static let appliedToBLAS: Bool = {
    GEMM.setThreads(lock.withLock { current })
    return true
  }()

  /// The current thread count (≥ 1).
  package static var count: Int {
    _ = appliedToBLAS
    return lock.withLock { current }
  }

  /// Sets the thread count for sgemm and TensorCore's loops; values below 1 become 1.
  package static func set(_ n: Int) {
    _ = appliedToBLAS
    let n = max(1, n)
    lock.withLock { current = n }
    GEMM.setThreads(n)
  }

  /// Runs `body` over `0..<total` split into at most `count` contiguous ranges, in parallel when
  /// there is enough work: `total · costPerItem` (roughly, elements touched) must reach `minWork`,
  /// below which a thread hand-off costs more than it saves.
  package static func parallelFor(
    _ total: Int, costPerItem: Int = 1, minWork: Int = 32_768, _ body: (Range<Int>) -> Void
  ) {
    guard total > 0 else { return }
    let threads = min(count, total)
    if threads <= 1 || total * max(costPerItem, 1) < minWork {
      body(0..<total)
      return
    }
    withoutActuallyEscaping(body) { escapable in
      let box = UncheckedSendable(escapable)
      DispatchQueue.concurrentPerform(iterations: threads) { part in
        let lo = total * part / threads, hi = total * (part + 1) / threads
        if lo < hi { box.value(lo..<hi) }
      }
    }
  }
}

/// Carries a value the caller knows is safe to share into a `@Sendable` closure (disjoint writes).
struct UncheckedSendable<Value>: @unchecked Sendable {
  let value: Value
  init(_ value: Value) { self.value = value }
}
