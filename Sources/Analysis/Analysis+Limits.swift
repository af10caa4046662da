import Foundation
import Graph

/// Limits on the input: counts that fit in 64 bits, and activations that fit in memory.
extension Analysis {
  /// Throws `inputTooLarge` when a side exceeds `maxSide` or N × one sample's largest total overflows
  /// (every count is linear in N, so a batch-1 trace bounds them all).
  static func checkCountsFit(network: Network, inputShape: [Int]) throws {
    guard inputShape.count == 4, inputShape.allSatisfy({ $0 > 0 }) else { return }  // the tracer says why
    let (n, h, w) = (inputShape[0], inputShape[2], inputShape[3])
    guard h <= maxSide, w <= maxSide else {
      throw AnalysisError.inputTooLarge(
        shape: inputShape, detail: "height and width are limited to \(NumberFormat.grouped(maxSide))")
    }
    guard n > 1 else { return }
    // A shape error is left to the full trace, which names the shapes with the real batch.
    guard let one = try? Analysis(network: network, inputShape: [1, inputShape[1], h, w]) else { return }
    let conventions = one.otherConventions
    let largest =
      [
        2 * one.totalMACs, one.totalElementOps, one.activationBytes, conventions.torchinfoMultAdds,
        conventions.fvcoreTotal,
      ].max() ?? 0
    // A factor 4 of headroom for sums of totals (bytes of parameters plus activations, …).
    let (product, overflow) = largest.multipliedReportingOverflow(by: n)
    guard !overflow, product <= Int.max / 4 else {
      throw AnalysisError.inputTooLarge(
        shape: inputShape, detail: "batch \(NumberFormat.grouped(n)) makes the counts overflow 64 bits")
    }
  }

  /// About the most memory a forward pass holds at once (bytes): the parameters twice (as loaded and with
  /// batch norms folded), the input, the largest step's activations and twice the largest tensor (the tensor
  /// entering a step, a dense block's concatenation buffer) — or every activation when `keepingEveryOutput`
  /// (`--dump all`). A lower estimate: the executor's pool and im2col scratch need somewhat more.
  package func peakMemoryBytes(network: Network, keepingEveryOutput: Bool = false) -> Int {
    let input = 4 * inputShape.reduce(1, *)
    let weights = 2 * 4 * (totalParams + totalBuffers)
    let largestTensor = nodes.map(\.outputBytes).max() ?? 0
    let activations: Int
    if keepingEveryOutput {
      activations = activationBytes
    } else {
      activations =
        network.steps.map { step in
          step.ops.reduce(0) { sum, op in
            switch op {
            case .module(let path), .dense(let path): return sum + (node(path)?.activationBytes ?? 0)
            case .relu, .flatten, .globalAvgPool, .scale, .sigmoid: return sum
            }
          }
        }.max() ?? 0
    }
    return weights + input + activations + 2 * largestTensor
  }

  /// Throws `inputTooLarge` when `peakMemoryBytes` exceeds the machine's physical memory (`available`,
  /// default: what the system reports), naming both in GB.
  package func checkMemory(network: Network, keepingEveryOutput: Bool = false, available: Int? = nil) throws {
    let needed = peakMemoryBytes(network: network, keepingEveryOutput: keepingEveryOutput)
    let memory = available ?? Analysis.physicalMemoryBytes
    guard needed > memory else { return }
    throw AnalysisError.inputTooLarge(
      shape: inputShape,
      detail: "a forward pass needs about \(Analysis.gigabytes(needed)) of memory, "
        + "this machine has \(Analysis.gigabytes(memory)); use a smaller size or batch")
  }

  /// The memory this process may use, in bytes: the smallest of the machine's physical memory, the container's
  /// limit (cgroup v2 or v1) and the process's own `RLIMIT_AS` / `RLIMIT_DATA`.
  package static var physicalMemoryBytes: Int {
    let pages = sysconf(Int32(_SC_PHYS_PAGES))
    let size = sysconf(Int32(_SC_PAGESIZE))
    let physical = pages > 0 && size > 0 ? pages * size : Int.max
    let limits = ["/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"].compactMap {
      (try? String(contentsOfFile: $0, encoding: .utf8)).flatMap(cgroupLimit)
    }
    let resources = [RLIMIT_AS, RLIMIT_DATA].compactMap { resource -> Int? in
      var limit = rlimit()
      // rlim_t.max is RLIM_INFINITY: no limit.
      guard getrlimit(__rlimit_resource_t(resource.rawValue), &limit) == 0, limit.rlim_cur != rlim_t.max else {
        return nil
      }
      return Int(clamping: limit.rlim_cur)
    }
    return min(physical, (limits + resources).min() ?? Int.max)
  }

  /// A cgroup memory limit file's value in bytes; nil for `max` (no limit) or anything unreadable.
  package static func cgroupLimit(_ text: String) -> Int? {
    Int(text.trimmingCharacters(in: .whitespacesAndNewlines)).flatMap { $0 > 0 ? $0 : nil }
  }

  /// `139.3 GB`, or `0.1 MB` below a gigabyte.
  private static func gigabytes(_ bytes: Int) -> String {
    bytes >= 1_000_000_000
      ? NumberFormat.fixed(Double(bytes) / 1e9, 1) + " GB" : NumberFormat.fixed(Double(bytes) / 1e6, 1) + " MB"
  }
}
