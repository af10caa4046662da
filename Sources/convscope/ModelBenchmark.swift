import Analysis
import Formats
import Foundation
import Models
import Runtime
import Session
import TensorCore

/// Times whole forward passes of a zoo model (`convscope bench MODEL`): seeded weights, the synthetic
/// input, `warmup` untimed passes (BN folding, buffer pool filling), then `repeats` timed passes.
struct ModelBenchmark {
  /// One step's median time over the timed passes, with its MACs.
  struct StepTiming {
    var name: String
    var medianMs: Double
    var macs: Int
    /// Achieved GFLOP/s (FLOP = 2·MAC).
    var gflops: Double { medianMs > 0 ? 2 * Double(macs) / (medianMs * 1e6) : 0 }
  }

  struct Result {
    var model: String
    var batch: Int
    var inputSize: Int
    var threads: Int
    var warmup: Int
    /// Wall time of each timed pass, in ms, in the order run.
    var passesMs: [Double]
    var macs: Int
    var steps: [StepTiming]
    /// Peak resident set size of this process (getrusage's ru_maxrss), in MB of 10⁶ bytes.
    var peakRSSMB: Double
    /// What ran the matrix products (`GEMM.engineName`).
    var gemm: String

    var medianMs: Double { ModelBenchmark.median(passesMs) }
    var minMs: Double { passesMs.min() ?? 0 }
    var maxMs: Double { passesMs.max() ?? 0 }
    var gflops: Double { medianMs > 0 ? 2 * Double(macs) / (medianMs * 1e6) : 0 }
  }

  /// Seeded weights (seed 0) and the synthetic input, at the session's batch and size.
  let session: Session
  let repeats: Int
  let warmup: Int

  func run() throws -> Result {
    let network = session.network
    let analysis = try session.analysis()
    try analysis.checkMemory(network: network)
    let executor = try session.makeExecutor()
    for _ in 0..<warmup {
      executor.reset()
      try executor.runToEnd()
    }
    let clock = ContinuousClock()
    var passes: [Double] = []
    var stepSeconds = [[Double]](repeating: [], count: network.steps.count)
    for _ in 0..<repeats {
      executor.reset()
      let start = clock.now
      let reports = try executor.runToEnd()
      passes.append(Self.milliseconds(start.duration(to: clock.now)))
      for report in reports { stepSeconds[report.index].append(report.seconds) }
    }
    let steps = zip(network.steps, stepSeconds).map { step, seconds in
      StepTiming(name: step.name, medianMs: Self.median(seconds) * 1000, macs: analysis.macs(of: step))
    }
    return Result(
      model: session.spec.displayName, batch: session.inputShape[0], inputSize: session.inputShape[2],
      threads: Threads.count, warmup: warmup,
      passesMs: passes, macs: analysis.totalMACs, steps: steps, peakRSSMB: Self.peakRSSMB(),
      gemm: GEMM.engineName)
  }

  static func median(_ values: [Double]) -> Double {
    guard !values.isEmpty else { return 0 }
    let sorted = values.sorted()
    let mid = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
  }

  private static func milliseconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) * 1e-15
  }

  /// ru_maxrss is in KiB on Linux.
  private static func peakRSSMB() -> Double {
    var usage = rusage()
    guard getrusage(RUSAGE_SELF.rawValue, &usage) == 0 else { return 0 }
    return Double(usage.ru_maxrss) * 1024 / 1e6
  }
}

extension ModelBenchmark.Result {
  func table(perBlock: Bool) -> String {
    let f = { (x: Double) in NumberFormat.fixed(x, 2) }
    var lines = [
      "convscope bench \(model) · input \(batch)×3×\(inputSize)×\(inputSize) · threads \(threads) · "
        + "\(passesMs.count) timed passes after \(warmup) warm-up",
      "median \(f(medianMs)) ms · min \(f(minMs)) ms · max \(f(maxMs)) ms · \(f(gflops)) GFLOP/s · "
        + "peak RSS \(f(peakRSSMB)) MB",
      "GEMM: \(gemm)",
    ]
    if perBlock {
      let width = max(4, steps.map(\.name.count).max() ?? 0)
      func left(_ s: String, _ n: Int) -> String { String(repeating: " ", count: max(0, n - s.count)) + s }
      lines.append(
        "step".padding(toLength: width, withPad: " ", startingAt: 0) + left("median ms", 11) + left("MACs", 12)
          + left("GFLOP/s", 9) + left("time %", 8))
      let total = steps.reduce(0) { $0 + $1.medianMs }
      for s in steps {
        lines.append(
          s.name.padding(toLength: width, withPad: " ", startingAt: 0) + left(NumberFormat.fixed(s.medianMs, 3), 11)
            + left(NumberFormat.scaled(s.macs), 12) + left(f(s.gflops), 9)
            + left(NumberFormat.fixed(total > 0 ? 100 * s.medianMs / total : 0, 1), 8))
      }
    }
    return lines.joined(separator: "\n") + "\n"
  }

  func json(perBlock: Bool) -> String {
    func ms(_ x: Double) -> JSONValue { .number((x * 1000).rounded() / 1000) }
    var root: [(String, JSONValue)] = [
      ("model", .string(model)), ("median_ms", ms(medianMs)), ("min_ms", ms(minMs)), ("max_ms", ms(maxMs)),
      ("runs", .integer(Int64(passesMs.count))), ("warmup", .integer(Int64(warmup))),
      ("threads", .integer(Int64(threads))), ("batch", .integer(Int64(batch))),
      ("input_size", .integer(Int64(inputSize))), ("peak_rss_mb", .number((peakRSSMB * 10).rounded() / 10)),
      ("macs", .integer(Int64(macs))), ("gflops", .number((gflops * 100).rounded() / 100)),
      ("runs_ms", .array(passesMs.map(ms))), ("gemm", .string(gemm)),
    ]
    if perBlock {
      root.append(
        (
          "steps",
          .array(
            steps.map {
              .object([
                ("path", .string($0.name)), ("median_ms", ms($0.medianMs)), ("macs", .integer(Int64($0.macs))),
                ("gflops", .number(($0.gflops * 100).rounded() / 100)),
              ])
            })
        ))
    }
    return JSONValue.object(root).serialized + "\n"
  }
}
