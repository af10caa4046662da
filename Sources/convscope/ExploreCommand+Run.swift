import ArgumentParser
import Explorer
import Foundation
import NN
import TensorCore

/// The explorer's forward-pass options: where weights and input come from, and the live benchmark.
extension ExploreCommand {
  /// The weights and input `--weights`, `--input` and `--seed` name (files are read here, before the
  /// screen opens, so a bad file is a one-line error).
  func runSource() throws -> RunSource {
    var source = RunSource(weightsPath: weights, seed: seed)
    if let input {
      let array = try NPYArray.read(path: input)
      guard array.shape.count == 4, array.shape[1] == 3, array.shape[0] >= 1 else {
        throw ValidationError("--input \(input) must be N×3×H×W, got \(ScalarBytes.describe(array.shape))")
      }
      source.input = try Tensor(shape: array.shape, data: array.values)
      source.inputName = URL(fileURLWithPath: input).lastPathComponent
    }
    return source
  }

  /// Renders frames while the forward pass runs to the end on the worker, and prints the worst one.
  func printLiveBenchmark(_ initial: ExplorerState, controller: RunController) {
    let result = ExplorerBenchmark.live(initial, controller: controller, size: TerminalSize(width: 160, height: 48))
    print(
      String(
        format: "live run of %@ (%d steps, %.2f s): %d frames drawn while steps ran, mean %.3f ms, max %.3f ms; "
          + "longest gap between frames %.1f ms",
        initial.model.name, initial.live.stepNames.count, result.runSeconds, result.frames, result.meanMilliseconds,
        result.maxMilliseconds, result.maxGapMilliseconds))
  }
}
