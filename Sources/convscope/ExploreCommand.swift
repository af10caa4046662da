import ArgumentParser
import Explorer
import Foundation
import Models
import Session
import TensorCore

/// `convscope [MODEL]`: the explorer, the program's default command.
struct ExploreCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "explore",
    abstract: "Browse a model's layer tree with shapes, parameters and MACs (the default command).",
    discussion: "`convscope MODEL` is the same as `convscope explore MODEL`. Press ? inside for the keys.")

  @Argument(help: modelArgumentHelp)
  var model = "resnet50"

  @OptionGroup var variant: VariantOptions

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

  @Option(help: "Weights for the forward pass (.safetensors with the model's state-dict keys); default: seeded.")
  var weights: String?

  @Option(help: "Input of the forward pass (.npy, N×3×H×W float, used as is); default: a synthetic input.")
  var input: String?

  @Option(help: "An image (PNG or JPEG) for the forward pass, preprocessed as `run --image` does.")
  var image: String?

  @Option(help: "Weight seed when no --weights are given (the weights `export-weights --seed N` writes).")
  var seed: UInt64 = 0

  /// Prints frame times while a resnet50-sized step runs on the worker, instead of opening the screen.
  @Flag(name: .customLong("bench-live"), help: .hidden)
  var benchLive = false

  /// With --bench-live: draw on the real terminal and write the figures to this file.
  @Option(name: .customLong("bench-live-report"), help: .hidden)
  var benchLiveReport: String?

  @Flag(name: .customLong("no-mouse"), help: "Leave the mouse to the terminal (no clicks or wheel).")
  var noMouse = false

  @Flag(name: .customLong("ascii"), help: .hidden)
  var forceASCII = false

  /// Prints frame times of the model fully expanded instead of opening the screen.
  @Flag(name: .customLong("bench-render"), help: .hidden)
  var benchRender = false

  /// Prints the time from a variant edit's Enter (and `E`) to the next frame, for KEY=VALUE edits of the model.
  @Option(name: .customLong("bench-variant"), parsing: .unconditionalSingleValue, help: .hidden)
  var benchVariant: [String] = []

  /// Writes the milliseconds from process start to the first frame to this file.
  @Option(name: .customLong("first-frame-report"), help: .hidden)
  var firstFrameReport: String?

  func run() throws {
    // Errors before the screen is opened leave the terminal untouched (one line, exit 1).
    let spec = try modelSpec()
    let source = try sessionSource()
    if source.array != nil && (inputSize != nil || batch != 1) {
      throw CommandError("--input gives batch and size itself; drop --input-size and --batch")
    }
    let input =
      try source.array.map { try InputChoice.validated(size: $0.shape[2], batch: $0.shape[0]) }
      ?? InputChoice.validated(size: inputSize, batch: batch)
    // One session for the model shown: its network feeds the analysis and the forward pass.
    let sessions = SessionFactory(given: spec, source: source)
    let session = sessions.session(for: spec, input: input)
    let explorerModel = try ExplorerModel(session: session)
    if benchRender { return printRenderBenchmark(explorerModel) }
    let controller = RunController(session: session, sessions: sessions)
    // Files are read before the screen opens, so a bad one is a one-line error.
    if weights != nil || image != nil { try controller.prepare() }
    var catalog = ThemeCatalog(directories: ThemeCatalog.searchDirectories())
    let chosen = try catalog.select(theme)
    var state = ExplorerState(model: explorerModel, themeName: chosen.name, themes: catalog.themes, input: input)
    state.live = LiveRun(session: session)
    if let warning = chosen.warnings.first {
      let more = chosen.warnings.count > 1 ? " (+\(chosen.warnings.count - 1) more)" : ""
      state.notice = Notice(text: warning + more, isWarning: true)
    }
    let effects = EffectRunner(services: .live(sessions), controller: controller)
    if !benchVariant.isEmpty { return try printVariantBenchmark(state, effects: effects) }
    if benchLive { return try printLiveBenchmark(state, effects: effects) }
    let terminal = try NCursesTerminal(palette: chosen.palette, mouse: !noMouse, forceASCII: forceASCII)
    state.live.terminalHasColour = terminal.colourDepth != .none
    state.mouseCaptured = !noMouse
    let report = firstFrameReport
    let (exit, _) = ExplorerApp.run(
      state, on: terminal, effects: effects,
      onFirstFrame: {
        guard let report, let elapsed = ExplorerBenchmark.millisecondsSinceProcessStart() else { return }
        try? String(format: "first_frame_ms=%.0f\n", elapsed).write(toFile: report, atomically: true, encoding: .utf8)
      })
    // Stop the worker before exiting: tearing the process down under a running step can crash it.
    controller.stop()
    // A signal ends the process with 128 + its number, after the terminal was restored.
    if exit.status != 0 { Foundation.exit(exit.status) }
  }

  /// The model argument as a spec, resolved once. The explorer is the default command, so
  /// `convscope lis` lands here: an unknown name also lists the commands.
  private func modelSpec() throws -> ModelSpec {
    do {
      return try variant.spec(model)
    } catch let error as ZooError {
      let commands = Convscope.configuration.subcommands.map { $0._commandName }.filter { $0 != Self._commandName }
      throw CommandError("\(error) — or a command: \(commands.joined(separator: ", "))")
    }
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
