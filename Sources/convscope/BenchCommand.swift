import ArgumentParser
import Foundation
import Models
import Session
import TensorCore

/// `convscope bench`: timing runs. `bench MODEL` times whole forward passes; `--ops` benchmarks the conv
/// kernels against bare sgemm.
struct BenchCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "bench",
    abstract: "Time whole forward passes of a model, or the conv kernels against bare sgemm (--ops).")

  /// The output formats of `bench MODEL`.
  enum Format: String, CaseIterable, ExpressibleByArgument {
    case table, json
  }

  @Argument(help: "A zoo model to time (see `convscope list`) or a model file (.json).")
  var model: String?

  @OptionGroup var variant: VariantOptions

  @Option(name: .long, parsing: .unconditional, help: "Input height = width (default: the model's own, 224 or 32).")
  var inputSize: Int?

  @Option(name: .long, parsing: .unconditional, help: "Batch size.")
  var batch = 1

  @Option(name: .long, parsing: .unconditional, help: "Untimed passes before the timed ones (BN folding, buffer pool).")
  var warmup = 2

  @Flag(name: .long, help: "Also report each step's median time, MACs and achieved GFLOP/s.")
  var perBlock = false

  @Flag(
    name: .long,
    help: ArgumentHelp(
      "Also report every conv, norm, pool, linear and attention node's median time, MACs and GFLOP/s "
        + "(a node fused into another's kernel is listed as fused into it)."))
  var perLayer = false

  @Option(name: .long, help: "Output format of bench MODEL: table or json.")
  var format: Format = .table

  @Flag(name: .long, help: "Also time a backward pass after each forward pass (as `grad`, without the input gradient).")
  var backward = false

  @Flag(name: .long, help: "Time every distinct ResNet-50 convolution (224×224, batch 1) against a bare sgemm.")
  var ops = false

  @Flag(
    name: .long,
    help: ArgumentHelp(
      "Time every distinct 3×3 stride-1 conv of ResNet-18/-50, DenseNet-121 and ResNeSt's stem (224×224, "
        + "--batch) by the direct path and by Winograd, with each one's error against float64."))
  var winograd = false

  @Option(
    name: .long, parsing: .unconditional,
    help: "Threads for sgemm and TensorCore's loops (default: CONVSCOPE_THREADS, else all cores).")
  var threads: Int?

  @Option(
    name: .long, parsing: .unconditional,
    help: "Timed runs (per kernel with --ops, whole passes with MODEL); the median is reported.")
  var `repeat` = 15

  func run() throws {
    guard `repeat` >= 1 else { fail("bench: --repeat must be at least 1, got \(`repeat`)") }
    if let threads {
      guard threads >= 1 else { fail("bench: --threads must be at least 1, got \(threads)") }
      Threads.set(min(threads, Threads.cores))  // more threads than cores only contend
    }
    if model == nil && !variant.settings.isEmpty { fail("bench: --set needs a MODEL") }
    if model == nil && backward { fail("bench: --backward needs a MODEL") }
    if model == nil && perLayer { fail("bench: --per-layer needs a MODEL") }
    if let model {
      guard !ops else { fail("bench: give a MODEL or --ops, not both") }
      guard !winograd else { fail("bench: give a MODEL or --winograd, not both") }
      guard batch >= 1 else { fail("bench: --batch must be at least 1, got \(batch)") }
      guard warmup >= 0 else { fail("bench: --warmup must be 0 or more, got \(warmup)") }
      if let inputSize, inputSize < 1 { fail("bench: --input-size must be at least 1, got \(inputSize)") }
      let session = Session(spec: try variant.spec(model), batch: batch, size: inputSize)
      let result = try ModelBenchmark(
        session: session, repeats: `repeat`, warmup: warmup, backward: backward, perLayer: perLayer
      ).run()
      print(format == .json ? result.json(perBlock: perBlock) : result.table(perBlock: perBlock), terminator: "")
      return
    }
    if winograd {
      guard !ops else { fail("bench: give --ops or --winograd, not both") }
      guard batch >= 1 else { fail("bench: --batch must be at least 1, got \(batch)") }
      print(
        "convscope bench --winograd · batch \(batch) · threads \(Threads.count) · GEMM \(GEMM.engineName) · "
          + "\(GEMM.cpuModel) (\(GEMM.cpuInstructionSets)) · conv \(ConvAlgorithm.current.rawValue) · median of "
          + "\(`repeat`) runs, alternating · error: max|y − y₆₄| / max|y₆₄| over the first "
          + "\(WinogradBenchmark.checkedChannels) output channels")
      print(WinogradBenchmark.table(try WinogradBenchmark(repeats: `repeat`, batch: batch).run()))
      return
    }
    guard ops else { fail("bench: nothing to time; give a MODEL (`convscope bench resnet50`) or --ops") }
    print(
      "convscope bench --ops · threads \(Threads.count) · GEMM \(GEMM.engineName) · \(GEMM.cpuModel) (\(GEMM.cpuInstructionSets)) · median of \(`repeat`) runs"
    )
    let rows = try ConvBenchmark(repeats: `repeat`).run(ConvBenchmark.resnet50Layers())
    print(ConvBenchmark.table(rows))
  }

  /// Prints `convscope: error: …` and exits with status 1, as every subcommand does on bad input.
  private func fail(_ message: String) -> Never {
    Convscope.fail(message)
  }
}
