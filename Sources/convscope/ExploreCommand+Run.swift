import ArgumentParser
import Explorer
import Formats
import Foundation
import Session
import TensorCore

/// The explorer's forward-pass options: where weights and input come from, and the live benchmark.
extension ExploreCommand {
  /// The weights and input `--weights`, `--input` / `--image` and `--seed` name (an array is read here,
  /// weights and images by ``RunController/prepare()``, all before the screen opens).
  func sessionSource() throws -> SessionSource {
    if input != nil && image != nil { throw CommandError("--input and --image exclude each other; give one") }
    var source = SessionSource(weightsPath: weights, seed: seed)
    if let image { source.input = .image(path: image) }
    if let input {
      let array = try NPYArray.read(path: input)
      guard array.shape.count == 4, array.shape[1] == 3, array.shape[0] >= 1 else {
        throw CommandError("--input \(input) must be N×3×H×W, got \(ScalarBytes.describe(array.shape))")
      }
      // The explorer's input is a size (the `i` prompt's too), so H ≠ W would be dropped for the synthetic input.
      guard array.shape[2] == array.shape[3] else {
        throw CommandError(
          "--input \(input) is \(array.shape[2])×\(array.shape[3]): the explorer takes square inputs "
            + "(`convscope run` takes any H×W)")
      }
      source.input = .array(
        try Tensor(shape: array.shape, data: array.values), name: URL(fileURLWithPath: input).lastPathComponent)
    }
    return source
  }

  /// Applies the `--bench-variant` edits through the editor and back with `E`, timing each to the next frame
  /// (160×48, in memory), and prints the figures.
  func printVariantBenchmark(_ initial: ExplorerState, effects: EffectRunner) throws {
    let settings = try benchVariant.map { setting -> (key: String, text: String) in
      guard let equals = setting.firstIndex(of: "=") else {
        throw CommandError("--bench-variant \(setting): KEY=VALUE")
      }
      return (String(setting[..<equals]), String(setting[setting.index(after: equals)...]))
    }
    var state = initial
    state.size = TerminalSize(width: 160, height: 48)
    let result = ExplorerBenchmark.variantEdits(state, settings: settings, effects: effects)
    print(
      String(
        format: "variant edits of %@ → %@ (%d params) and back, Enter/E to the next 160x48 frame: "
          + "mean %.1f ms, max %.1f ms over %d edits; peak RSS %.0f MiB",
        initial.model.name, result.variant, result.variantParams, result.meanMilliseconds, result.maxMilliseconds,
        result.edits, result.peakMiB ?? -1))
  }

  /// Renders frames while the forward pass runs to the end on the worker (three runs), and prints the
  /// worst one; with `--bench-live-report FILE` on the real terminal (ncurses), the line goes to FILE.
  func printLiveBenchmark(_ initial: ExplorerState, effects: EffectRunner) throws {
    let terminal: TerminalBackend =
      benchLiveReport == nil
      ? MemoryTerminal(size: TerminalSize(width: 160, height: 48))
      : try NCursesTerminal(palette: .terminalDefault, mouse: false, forceASCII: forceASCII)
    let result = ExplorerBenchmark.live(initial, effects: effects, terminal: terminal, runs: 3)
    terminal.shutdown()
    let line = String(
      format: "live runs of %@ (3 × %d steps, %.2f s; preparing %.2f s; steps %.3f s a pass) at %dx%d: %d frames "
        + "while steps ran, mean %.3f ms, max %.3f ms; longest gap between frames %.1f ms\n",
      initial.model.name, initial.live.stepNames.count, result.runSeconds, result.preparedSeconds, result.stepSeconds,
      terminal.size.width, terminal.size.height, result.frames, result.meanMilliseconds, result.maxMilliseconds,
      result.maxGapMilliseconds)
    if let report = benchLiveReport {
      try line.write(toFile: report, atomically: true, encoding: .utf8)
    } else {
      print(line, terminator: "")
    }
  }
}
