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

  @Option(
    name: .customLong("theme"),
    help: ArgumentHelp(
      "A theme name from themes/ (default, dark, light, mono, …) or a path to a btop-style .theme file.",
      valueName: "name|path"))
  var theme = "default"

  @Option(name: .customLong("input-size"), help: "The input height = width (default: the model's own).")
  var inputSize: Int?

  @Option(name: .customLong("batch"), help: "The batch size the figures are computed for.")
  var batch = 1

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
    let input = try InputChoice.validated(size: inputSize, batch: batch)
    let explorerModel = try ModelLoader.load(model, input: input)
    if benchRender { return printRenderBenchmark(explorerModel) }
    var catalog = ThemeCatalog(directories: ThemeCatalog.searchDirectories())
    let chosen = try catalog.select(theme)
    var state = ExplorerState(model: explorerModel, themeName: chosen.name, themes: catalog.themes, input: input)
    if let warning = chosen.warnings.first {
      let more = chosen.warnings.count > 1 ? " (+\(chosen.warnings.count - 1) more)" : ""
      state.notice = Notice(text: warning + more, isWarning: true)
    }
    let terminal = try NCursesTerminal(palette: chosen.palette, mouse: !noMouse, forceASCII: forceASCII)
    let report = firstFrameReport
    let (exit, _) = ExplorerApp.run(state, on: terminal) {
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
