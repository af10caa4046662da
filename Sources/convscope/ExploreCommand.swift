import ArgumentParser
import Explorer
import Foundation

/// `convscope [MODEL]`: the explorer, the program's default command.
struct ExploreCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "explore",
    abstract: "Browse a model's layer tree with shapes, parameters and MACs (the default command).",
    discussion: "`convscope MODEL` is the same as `convscope explore MODEL`. Press ? inside for the keys.")

  @Argument(help: "A zoo model; `convscope list` shows them all.")
  var model = "resnet50"

  @Flag(name: .customLong("no-mouse"), help: "Leave the mouse to the terminal (no clicks or wheel).")
  var noMouse = false

  @Flag(name: .customLong("ascii"), help: .hidden)
  var forceASCII = false

  /// Prints frame times of the model fully expanded instead of opening the screen.
  @Flag(name: .customLong("bench-render"), help: .hidden)
  var benchRender = false

  /// Writes the milliseconds from process start to the first frame to this file.
  @Option(name: .customLong("first-frame-report"), help: .hidden)
  var firstFrameReport: String?

  func run() throws {
    // Errors before the screen is opened leave the terminal untouched (one line, exit 1).
    let explorerModel = try ExplorerModel.zoo(named: model)
    if benchRender { return printRenderBenchmark(explorerModel) }
    let terminal = try NCursesTerminal(palette: .terminalDefault, mouse: !noMouse, forceASCII: forceASCII)
    let report = firstFrameReport
    let (exit, _) = ExplorerApp.run(ExplorerState(model: explorerModel, themeName: "default"), on: terminal) {
      guard let report, let elapsed = ExplorerBenchmark.millisecondsSinceProcessStart() else { return }
      try? String(format: "first_frame_ms=%.0f\n", elapsed).write(toFile: report, atomically: true, encoding: .utf8)
    }
    // A signal ends the process with 128 + its number, after the terminal was restored.
    if exit.status != 0 { Foundation.exit(exit.status) }
  }

  private func printRenderBenchmark(_ model: ExplorerModel) {
    for size in [TerminalSize(width: 80, height: 24), TerminalSize(width: 160, height: 48)] {
      let result = ExplorerBenchmark.render(model, size: size)
      print(
        String(
          format: "render %@ fully expanded (%d nodes) at %dx%d: mean %.3f ms, max %.3f ms over %d frames",
          result.model, result.nodes, size.width, size.height, result.meanMilliseconds, result.maxMilliseconds,
          result.frames))
    }
    if let elapsed = ExplorerBenchmark.millisecondsSinceProcessStart() {
      print(String(format: "process start to end of benchmark: %.0f ms", elapsed))
    }
  }
}
