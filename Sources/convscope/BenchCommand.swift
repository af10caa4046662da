import ArgumentParser
import Foundation
import TensorCore

/// `convscope bench`: timing runs. `--ops` benchmarks the conv kernels against bare sgemm;
/// `bench MODEL` (whole forward passes) arrives with the executor.
struct BenchCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "bench",
    abstract: "Time the conv kernels against bare sgemm (--ops); whole models come with the executor.")

  @Argument(help: "Model to time (not available yet: use --ops).")
  var model: String?

  @Flag(name: .long, help: "Time every distinct ResNet-50 convolution (224×224, batch 1) against a bare sgemm.")
  var ops = false

  @Option(name: .long, help: "Threads for sgemm and TensorCore's loops (default: CONVSCOPE_THREADS, else all cores).")
  var threads: Int?

  @Option(name: .long, help: "Timed runs per kernel; the median is reported.")
  var `repeat` = 15

  func run() throws {
    if let model {
      fail("bench \(model): whole-model benchmarks arrive with the executor; for now use `convscope bench --ops`")
    }
    guard ops else {
      fail("bench: nothing to time; use `convscope bench --ops` (model benchmarks arrive with the executor)")
    }
    guard `repeat` >= 1 else { fail("bench: --repeat must be at least 1, got \(`repeat`)") }
    if let threads {
      guard threads >= 1 else { fail("bench: --threads must be at least 1, got \(threads)") }
      Threads.set(threads)
    }
    print(
      "convscope bench --ops · threads \(Threads.count) · OpenBLAS core \(GEMM.coreName) · median of \(`repeat`) runs")
    let rows = try ConvBenchmark(repeats: `repeat`).run(ConvBenchmark.resnet50Layers())
    print(ConvBenchmark.table(rows))
  }

  /// Prints `convscope: error: …` and exits with status 1, as every subcommand does on bad input.
  private func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("convscope: error: \(message)\n".utf8))
    Foundation.exit(1)
  }
}
