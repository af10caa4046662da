import Analysis
import Formats
import Foundation
import Models
import Presentation
import Runtime
import Session
import TensorCore

/// Times whole forward passes of a zoo model (`convscope bench MODEL`): seeded weights, the synthetic
/// input, `warmup` untimed passes (BN folding, buffer pool filling), then `repeats` timed passes. With
/// `backward`, each timed forward pass is followed by a backward pass (`grad`'s, L = Σₙ logit[n, top-1], no
/// input gradient, as PyTorch's `loss.backward()` on an input without requires_grad), so load hits both alike.
struct ModelBenchmark {
  /// Seeded weights (seed 0) and the synthetic input, at the session's batch and size.
  let session: Session
  let repeats: Int
  let warmup: Int
  var backward = false
  /// Time every node too (`--per-layer`): a profiler is set for the timed passes.
  var perLayer = false

  func run() throws -> BenchResult {
    let network = session.network
    let analysis = try session.analysis()
    try analysis.checkMemory(network: network)
    let executor = try session.makeExecutor()
    for _ in 0..<warmup {
      executor.reset()
      try executor.runToEnd()
      if backward { _ = try executor.backward(.classLogit(nil), inputGradient: false) }
    }
    let clock = ContinuousClock()
    var passes: [Double] = []
    var stepSeconds = [[Double]](repeating: [], count: network.steps.count)
    var (tapedMs, backwardMs, savedBytes) = ([Double](), [Double](), 0)
    var (forwardCPUMs, backwardCPUMs) = ([Double](), [Double]())
    var profiles: [LayerProfile] = []
    let profiler = perLayer ? LayerProfiler() : nil
    executor.profiler = profiler
    for _ in 0..<repeats {
      executor.reset()
      profiler?.clear()
      let start = clock.now
      let startCPU = processCPUSeconds()
      let reports = try executor.runToEnd()
      passes.append(Self.milliseconds(start.duration(to: clock.now)))
      forwardCPUMs.append((processCPUSeconds() - startCPU) * 1000)
      for report in reports { stepSeconds[report.index].append(report.seconds) }
      if backward {
        let report = try executor.backward(.classLogit(nil), inputGradient: false)
        tapedMs.append(report.forwardSeconds * 1000)
        backwardMs.append(report.backwardSeconds * 1000)
        backwardCPUMs.append(report.backwardCPUSeconds * 1000)
        savedBytes = report.savedBytes
      }
      if let profiler { profiles.append(profiler.profile) }
    }
    executor.profiler = nil
    let steps = zip(network.steps, stepSeconds).map { step, seconds in
      BenchResult.StepTiming(
        name: step.name, medianMs: BenchResult.median(seconds) * 1000, macs: analysis.macs(of: step))
    }
    var result = BenchResult(
      model: session.spec.displayName, batch: session.inputShape[0], inputSize: session.inputShape[2],
      threads: Threads.count, warmup: warmup,
      passesMs: passes, macs: analysis.totalMACs, steps: steps, peakRSSMB: Self.peakRSSMB(),
      gemm: GEMM.engineName, cpu: GEMM.cpuModel, instructionSets: GEMM.cpuInstructionSets,
      backward: backward
        ? BenchResult.BackwardTiming(
          tapedForwardMs: tapedMs, backwardMs: backwardMs, forwardCPUMs: forwardCPUMs, backwardCPUMs: backwardCPUMs,
          savedBytes: savedBytes) : nil)
    result.conv = ConvAlgorithm.current.rawValue
    result.layers = LayerTiming.rows(profiles: profiles, network: network, analysis: analysis)
    return result
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
