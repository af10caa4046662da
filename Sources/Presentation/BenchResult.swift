import Analysis
import Formats

/// What `convscope bench MODEL` measured: whole-pass times, per-step medians, peak memory, the GEMM engine.
package struct BenchResult: Sendable {
  /// One step's median time over the timed passes, with its MACs.
  package struct StepTiming: Sendable {
    package var name: String
    package var medianMs: Double
    package var macs: Int
    /// Achieved GFLOP/s (FLOP = 2·MAC).
    package var gflops: Double { medianMs > 0 ? 2 * Double(macs) / (medianMs * 1e6) : 0 }

    package init(name: String, medianMs: Double, macs: Int) {
      self.name = name
      self.medianMs = medianMs
      self.macs = macs
    }
  }

  /// `bench MODEL --backward`: each timed pass's taped forward and backward (wall time), the CPU time of all
  /// threads during the fused forward and during the backward, and what the tape kept.
  package struct BackwardTiming: Sendable {
    package var tapedForwardMs: [Double]
    package var backwardMs: [Double]
    package var forwardCPUMs: [Double]
    package var backwardCPUMs: [Double]
    package var savedBytes: Int

    package init(
      tapedForwardMs: [Double], backwardMs: [Double], forwardCPUMs: [Double], backwardCPUMs: [Double], savedBytes: Int
    ) {
      self.tapedForwardMs = tapedForwardMs
      self.backwardMs = backwardMs
      self.forwardCPUMs = forwardCPUMs
      self.backwardCPUMs = backwardCPUMs
      self.savedBytes = savedBytes
    }

    /// Median backward CPU time over median fused-forward CPU time.
    package var cpuRatio: Double {
      let forward = BenchResult.median(forwardCPUMs)
      return forward > 0 ? BenchResult.median(backwardCPUMs) / forward : 0
    }
  }

  package var model: String
  package var batch: Int
  package var inputSize: Int
  package var threads: Int
  package var warmup: Int
  /// Wall time of each timed pass, in ms, in the order run.
  package var passesMs: [Double]
  package var macs: Int
  package var steps: [StepTiming]
  /// Peak resident set size of this process (getrusage's ru_maxrss), in MB of 10⁶ bytes.
  package var peakRSSMB: Double
  /// What ran the matrix products (`GEMM.engineName`).
  package var gemm: String
  /// The CPU's model name and the instruction sets it offers the kernels (`GEMM.cpuModel`,
  /// `GEMM.cpuInstructionSets`).
  package var cpu: String
  package var instructionSets: String
  /// The conv algorithm setting (`ConvAlgorithm.current`: automatic, direct or winograd); empty when not given.
  package var conv = ""
  package var backward: BackwardTiming?
  /// `--per-layer`: every computing node's median time (empty without it).
  package var layers: [LayerTiming] = []

  package init(
    model: String, batch: Int, inputSize: Int, threads: Int, warmup: Int, passesMs: [Double], macs: Int,
    steps: [StepTiming], peakRSSMB: Double, gemm: String, cpu: String = "", instructionSets: String = "",
    backward: BackwardTiming? = nil
  ) {
    self.backward = backward
    self.model = model
    self.batch = batch
    self.inputSize = inputSize
    self.threads = threads
    self.warmup = warmup
    self.passesMs = passesMs
    self.macs = macs
    self.steps = steps
    self.peakRSSMB = peakRSSMB
    self.gemm = gemm
    self.cpu = cpu
    self.instructionSets = instructionSets
  }

  package var medianMs: Double { Self.median(passesMs) }
  package var minMs: Double { passesMs.min() ?? 0 }
  package var maxMs: Double { passesMs.max() ?? 0 }
  package var gflops: Double { medianMs > 0 ? 2 * Double(macs) / (medianMs * 1e6) : 0 }

  /// The median of `values` (the mean of the middle two for an even count; 0 when empty).
  package static func median(_ values: [Double]) -> Double {
    guard !values.isEmpty else { return 0 }
    let sorted = values.sorted()
    let mid = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
  }
}

extension BenchResult {
  /// `bench MODEL` as text: the figures, the GEMM engine and, with `perBlock`, one line per step.
  package func table(perBlock: Bool) -> String {
    let f = { (x: Double) in NumberFormat.fixed(x, 2) }
    var lines = [
      "convscope bench \(model) · input \(batch)×3×\(inputSize)×\(inputSize) · threads \(threads) · "
        + "\(passesMs.count) timed passes after \(warmup) warm-up",
      "median \(f(medianMs)) ms · min \(f(minMs)) ms · max \(f(maxMs)) ms · \(f(gflops)) GFLOP/s · "
        + "peak RSS \(f(peakRSSMB)) MB",
      "GEMM: \(gemm) · CPU: \(cpu) (\(instructionSets))" + (conv.isEmpty ? "" : " · conv: \(conv)"),
    ]
    if let backward {
      let ms = Self.median(backward.backwardMs)
      lines.insert(
        "backward median \(f(ms)) ms (\(f(medianMs > 0 ? ms / medianMs : 0))× the forward) · taped forward "
          + "\(f(Self.median(backward.tapedForwardMs))) ms · kept for backward "
          + "\(f(Double(backward.savedBytes) / 1_048_576)) MiB", at: 2)
      lines.insert(
        "CPU time, all threads: forward \(f(Self.median(backward.forwardCPUMs))) ms · backward "
          + "\(f(Self.median(backward.backwardCPUMs))) ms (\(f(backward.cpuRatio))× the forward)", at: 3)
    }
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
    if !layers.isEmpty { lines += LayerTiming.table(layers, passMs: medianMs) }
    return lines.joined(separator: "\n") + "\n"
  }

  /// `bench MODEL --format json`.
  package func json(perBlock: Bool) -> String {
    func ms(_ x: Double) -> JSONValue { .number((x * 1000).rounded() / 1000) }
    var root: [(String, JSONValue)] = [
      ("model", .string(model)), ("median_ms", ms(medianMs)), ("min_ms", ms(minMs)), ("max_ms", ms(maxMs)),
      ("runs", .integer(Int64(passesMs.count))), ("warmup", .integer(Int64(warmup))),
      ("threads", .integer(Int64(threads))), ("batch", .integer(Int64(batch))),
      ("input_size", .integer(Int64(inputSize))), ("peak_rss_mb", .number((peakRSSMB * 10).rounded() / 10)),
      ("macs", .integer(Int64(macs))), ("gflops", .number((gflops * 100).rounded() / 100)),
      ("runs_ms", .array(passesMs.map(ms))), ("gemm", .string(gemm)),
      ("cpu", .string(cpu)), ("instruction_sets", .string(instructionSets)),
    ]
    if !conv.isEmpty { root.append(("conv", .string(conv))) }
    if let backward {
      let median = Self.median(backward.backwardMs)
      let ratio = medianMs > 0 ? median / medianMs : 0
      root.append(
        (
          "backward",
          .object([
            ("median_ms", ms(median)), ("ratio", .number((ratio * 1000).rounded() / 1000)),
            ("taped_forward_median_ms", ms(Self.median(backward.tapedForwardMs))),
            ("saved_bytes", .integer(Int64(backward.savedBytes))), ("runs_ms", .array(backward.backwardMs.map(ms))),
            ("forward_cpu_median_ms", ms(Self.median(backward.forwardCPUMs))),
            ("cpu_median_ms", ms(Self.median(backward.backwardCPUMs))),
            ("cpu_ratio", .number((backward.cpuRatio * 1000).rounded() / 1000)),
          ])
        ))
    }
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
    if !layers.isEmpty { root.append(("layers", LayerTiming.json(layers))) }
    return JSONValue.object(root).serialized + "\n"
  }
}
