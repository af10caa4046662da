import Explorer
import Foundation
import Models
import Runtime
import TensorCore
import XCTest

/// Live forward passes in the explorer: keys while a step runs, cancelling, the views after runs on
/// small seeded models (text snapshots), and the headless twin's numbers.
final class LiveRunTests: XCTestCase {
  /// A state and controller for `name` at input `size` (the model's own when nil).
  /// Ticks the controller (as the run loop does) until no run is going on, within `timeout` seconds.
  private func settle(
    _ state: inout ExplorerState, _ controller: RunController, timeout: Double = 120, file: StaticString = #filePath,
    line: UInt = #line
  ) {
    let deadline = Date().addingTimeInterval(timeout)
    repeat {
      _ = controller.tick(&state)
      if !state.live.isRunning { break }
      usleep(5_000)
    } while Date() < deadline
    XCTAssertFalse(state.live.isRunning, "run did not finish within \(timeout) s", file: file, line: line)
  }

  /// Ticks until `condition` holds (or fails after `timeout` seconds).
  private func tick(
    _ state: inout ExplorerState, _ controller: RunController, until condition: (ExplorerState) -> Bool,
    timeout: Double = 60, file: StaticString = #filePath, line: UInt = #line
  ) {
    let deadline = Date().addingTimeInterval(timeout)
    while !condition(state) && Date() < deadline {
      _ = controller.tick(&state)
      usleep(2_000)
    }
    XCTAssertTrue(condition(state), "condition not reached within \(timeout) s", file: file, line: line)
  }

  /// Runs `name` to the end and fixes the wall times (1, 2, 3 … ms) so screens are reproducible.
  private func ranToEnd(_ name: String, size: Int? = nil) throws -> ExplorerState {
    var (state, controller) = try openForLiveRun(name, size: size)
    state.send(.key(.character("r")), controller)
    settle(&state, controller)
    XCTAssertTrue(state.live.isComplete, "\(name) did not complete: \(state.live.failure ?? "")")
    for k in state.live.completed.indices { state.live.completed[k].seconds = Double(k + 1) / 1000 }
    state.live.preparation?.seconds = 0.5
    state.live.progress = nil
    return state
  }

  // MARK: - Keys while running, cancel

  func testKeysAreHandledWhileAStepRuns() throws {
    var (state, controller) = try openForLiveRun("resnet18")
    // Hold the worker at the start of step 1 until the keys below have been handled.
    let hold = HeldStep(controller, atStep: 1)
    state.send(.key(.character("r")), controller)
    XCTAssertTrue(state.live.isRunning)
    _ = controller.tick(&state)
    XCTAssertEqual(hold.held.wait(timeout: .now() + 60), .success, "the worker never reached step 1")
    _ = controller.tick(&state)
    XCTAssertEqual(state.live.progress?.current, 1)
    let before = state.selected
    state.send(.key(.down), controller)
    state.send(.key(.down), controller)
    XCTAssertEqual(state.selectedRow, 2, "movement keys work during the step")
    XCTAssertNotEqual(state.selected, before)
    state.send(.key(.character("v")), controller)
    XCTAssertEqual(state.overlay, .activations(scroll: 0))
    state.send(.key(.escape), controller)
    XCTAssertNil(state.overlay)
    state.send(.key(.character("s")), controller)
    XCTAssertEqual(state.notice?.text, "the run already goes to the end: x cancels it")
    // The frame still draws, with the progress in the status bar and the running block marked.
    let grid = ExplorerRenderer.render(state, size: TerminalSize(width: 120, height: 30))
    XCTAssertTrue(grid.text.contains("seeded weights (seed 0) · synthetic input"))
    XCTAssertTrue(state.live.isRunning, "still running while the keys were handled")
    hold.release.signal()
    settle(&state, controller)
    XCTAssertTrue(state.live.isComplete)
    XCTAssertEqual(state.live.completed.map(\.name), state.live.stepNames)
    XCTAssertEqual(state.live.top.count, 5)
  }

  func testStepPressedDuringAStepExtendsTheRun() throws {
    var (state, controller) = try openForLiveRun("resnet18")
    let hold = HeldStep(controller, atStep: 0)
    state.send(.key(.character("s")), controller)
    _ = controller.tick(&state)
    XCTAssertEqual(hold.held.wait(timeout: .now() + 60), .success)
    state.send(.key(.character("s")), controller)
    state.send(.key(.character("s")), controller)
    XCTAssertEqual(state.live.progress?.target, 2, "each s during the run adds a step")
    XCTAssertNil(state.notice)
    hold.release.signal()
    settle(&state, controller)
    XCTAssertEqual(state.live.completed.map(\.name), ["stem", "layer1.0", "layer1.1"])
  }

  func testOpeningAnotherModelStartsItsOwnRun() throws {
    var (state, controller) = try openForLiveRun("resnet18", size: 64)
    state.send(.key(.character("r")), controller)
    settle(&state, controller)
    XCTAssertTrue(state.live.isComplete)
    for key in "msenet18" { state.send(.key(.character(key)), controller) }
    state.send(.key(.enter), controller)
    XCTAssertTrue(state.live.completed.isEmpty, "results of resnet18 are gone")
    XCTAssertEqual(state.live.attentionPaths.count, 8)
    XCTAssertEqual(state.live.stepNames.first, "stem")
    state.send(.key(.character("r")), controller)
    settle(&state, controller)
    XCTAssertTrue(state.live.isComplete)
    XCTAssertEqual(state.live.completed.last?.outputShape, [1, 10], "senet18 ran (10 classes)")
  }

  func testStatusBarShowsProgressWhileRunning() throws {
    var (state, _) = try openForLiveRun("resnet18")
    state.send(.key(.character("r")))
    state.live.progress?.elapsed = 0.4
    // Before step 1 the weights and the input are prepared: a phase of its own, with its own time.
    let preparing = ExplorerRenderer.render(state, size: TerminalSize(width: 120, height: 30)).text
    XCTAssertTrue(preparing.contains("preparing weights and input · 0.4 s · x cancels"), preparing)
    state.live.preparation = Preparation(seconds: 0.4, what: "seeded weights (seed 0) · synthetic input")
    state.live.progress?.current = 3
    state.live.progress?.elapsed = 1.2
    let text = ExplorerRenderer.render(state, size: TerminalSize(width: 120, height: 30)).text
    XCTAssertTrue(text.contains("step 4/10 layer2.0 · 1.2 s · to 10 · x cancels"), text)
  }

  func testResetCancelsARunInProgress() throws {
    var (state, controller) = try openForLiveRun("resnet50")
    state.send(.key(.character("r")), controller)
    tick(&state, controller) { $0.live.completed.count >= 1 }
    state.send(.key(.character("x")), controller)
    XCTAssertFalse(state.live.isRunning, "x stops the run at once for the UI")
    XCTAssertTrue(state.live.completed.isEmpty)
    XCTAssertEqual(state.notice?.text, "run reset: back to the input")
    _ = controller.tick(&state)
    controller.waitUntilIdle()
    XCTAssertLessThan(controller.stepsStarted, state.live.stepNames.count, "the run stopped before the end")
    XCTAssertEqual(controller.nextStep, 0, "the executor is back at the input")
    // Late results of the cancelled run are dropped; the next s starts again from the stem.
    _ = controller.tick(&state)
    XCTAssertTrue(state.live.completed.isEmpty)
    state.send(.key(.character("s")), controller)
    settle(&state, controller)
    XCTAssertEqual(state.live.completed.map(\.name), ["stem"])
  }

  func testRunUpToTheSelectedBlockAndStepping() throws {
    var (state, controller) = try openForLiveRun("resnet18")
    XCTAssertTrue(state.select(path: "layer2.0.conv1"))
    state.send(.key(.character(".")), controller)
    settle(&state, controller)
    XCTAssertEqual(state.live.completed.map(\.name), ["stem", "layer1.0", "layer1.1", "layer2.0"])
    XCTAssertNotNil(state.selectedDigest, "an inner node of a block that ran shows its own output")
    XCTAssertEqual(state.selectedDigest?.shape, [1, 128, 28, 28])
    state.send(.key(.character(".")), controller)
    XCTAssertEqual(state.notice?.text, "layer2.0 has already run")
    state.send(.key(.character("s")), controller)
    settle(&state, controller)
    XCTAssertEqual(state.live.completed.last?.name, "layer2.1")
  }

  /// Preparing the executor (seeded weights, input) is a phase of its own, before the stem (issue #17).
  func testPreparationIsAPhaseOfItsOwn() throws {
    var (state, controller) = try openForLiveRun("resnet18", size: 64)
    XCTAssertNil(state.live.preparation)
    state.send(.key(.character("s")), controller)
    settle(&state, controller)
    // While the executor is being made, the status bar names the phase and its own time.
    var preparing = state
    preparing.live.preparation = nil
    preparing.live.progress = RunProgress(target: 0, current: 0, elapsed: 1.2)
    XCTAssertTrue(preparing.live.isPreparing)
    let status = StatusBar.line(for: preparing, width: 76).plainText
    XCTAssertTrue(status.contains("preparing weights and input · 1.2 s"), status)
    let preparation = try XCTUnwrap(state.live.preparation)
    XCTAssertEqual(preparation.what, "seeded weights (seed 0) · synthetic input")
    XCTAssertGreaterThan(preparation.seconds, 0)
    XCTAssertEqual(state.live.completed.map(\.name), ["stem"])
    let root = DetailsPane.lines(for: state, width: 60).map(\.plainText).joined(separator: "\n")
    XCTAssertTrue(root.contains("preparation"), root)
    // A second run reuses the executor: no preparation, the stem's step starts the clock.
    state.send(.key(.character("s")), controller)
    XCTAssertFalse(state.live.isPreparing)
    XCTAssertTrue(StatusBar.line(for: state, width: 76).plainText.contains("step 2/"))
    settle(&state, controller)
  }

  // MARK: - Screens after runs (snapshots)

  private func check(_ screen: String, _ base: ExplorerState, prepare: (inout ExplorerState) -> Void) {
    checkScreens("live-\(screen)", base, prepare: prepare)
  }

  private func select(_ path: String) -> (inout ExplorerState) -> Void {
    { state in XCTAssertTrue(state.select(path: path), "no node \(path)") }
  }

  private func key(_ c: Character, selecting path: String? = nil) -> (inout ExplorerState) -> Void {
    { state in
      if let path { XCTAssertTrue(state.select(path: path)) }
      state.send(.key(.character(c)))
    }
  }

  func testResNet18Screens() throws {
    let state = try ranToEnd("resnet18", size: 64)
    check("resnet18-block", state, prepare: select("layer1.0"))
    check("resnet18-activations", state, prepare: key("v", selecting: "layer2.1"))
    check("resnet18-attention", state, prepare: key("a"))
    check("resnet18-root", state, prepare: { _ in })
    // Mid-run: three steps done, the fourth (layer2.0) computing.
    var running = state
    running.live.completed.removeLast(running.live.completed.count - 3)
    running.live.nodes = running.live.completed.reduce(into: [:]) { $0.merge($1.nodes) { _, new in new } }
    running.live.top = []
    running.live.progress = RunProgress(target: 9, current: 3, elapsed: 1.2)
    check("resnet18-running", running, prepare: select("layer2.0"))
    XCTAssertEqual(
      AttentionView.lines(for: state, width: 70).map(\.plainText),
      [
        "resnet18 has no attention blocks (SE, SK or split attention)."
      ])
    XCTAssertEqual(
      AttentionView.lines(for: state, width: 40).map(\.plainText),
      ["resnet18 has no attention blocks (SE, SK", "or split attention)."], "wrapped when narrow")
    let block = try XCTUnwrap(state.live.nodes["layer1.0"])
    XCTAssertNotNil(block.residualRatio, "a residual block reports its shortcut and branch norms")
  }

  /// The sizes of a laptop terminal (issue #17): nothing lost in the details pane, the tree's numbers kept.
  private static let narrow = [TerminalSize(width: 80, height: 24), TerminalSize(width: 100, height: 30)]

  /// ←→ pressed `count` times in the attention view (the channel cursor).
  private func attentionCursor(_ count: Int) -> (inout ExplorerState) -> Void {
    { state in
      state.send(.key(.character("a")))
      for _ in 0..<count { state.send(.key(.right)) }
    }
  }

  func testNarrowScreensAfterARun() throws {
    let state = try ranToEnd("resnet50", size: 64)
    checkScreens("narrow-resnet50-block", state, sizes: Self.narrow, prepare: select("layer3.5"))
    checkScreens("narrow-resnet50-tree", state, sizes: Self.narrow, prepare: select("layer1.0.downsample.0"))
    checkScreens("narrow-resnet50-root", state, sizes: Self.narrow)
    // At every width from 60 the block's two-value rows keep both values.
    var block = state
    XCTAssertTrue(block.select(path: "layer3.5"))
    for width in 60...120 {
      block.send(.resize(TerminalSize(width: width, height: 24)))
      let lines = DetailsPane.lines(for: block, width: ExplorerLayout(size: block.size).detailsWidth)
      let text = lines.map(\.plainText)
      for label in ["min", "max", "mean", "std", "shortcut", "branch"] {
        XCTAssertTrue(
          text.contains { $0.range(of: "(^| )\(label) ", options: .regularExpression) != nil }, "\(label) at \(width)")
      }
      XCTAssertTrue(text.contains { $0.hasPrefix("histogram (64 bins,") }, "histogram title at \(width)")
      XCTAssertTrue(text.joined(separator: " ").contains("log counts)"), "histogram title whole at \(width)")
      if width == 80 {
        let firstRows = text.prefix(ExplorerLayout(size: block.size).contentHeight).joined(separator: "\n")
        for label in ["min", "max", "mean", "std"] {
          XCTAssertTrue(firstRows.contains("  \(label) "), "\(label) shows without scrolling at 80×24")
        }
      }
    }
  }

  func testSENet18Screens() throws {
    let state = try ranToEnd("senet18")
    checkScreens("narrow-senet18-attention", state, sizes: Self.narrow, prepare: attentionCursor(70))
    check("senet18-attention", state, prepare: key("a"))
    check("senet18-activations", state, prepare: key("v", selecting: "layer3.0"))
    check("senet18-block", state, prepare: select("layer2.0"))
    XCTAssertEqual(state.live.attention.count, 8)
    // Without colour (NO_COLOR, or a theme without ramps) the thumbnails shade with characters.
    var plain = state
    XCTAssertTrue(plain.select(path: "layer2.0"))
    let coloured = DetailsPane.lines(for: plain, width: 60).map(\.plainText).joined()
    plain.live.terminalHasColour = false
    let shaded = DetailsPane.lines(for: plain, width: 60).map(\.plainText).joined()
    XCTAssertTrue(coloured.contains("▀"))
    XCTAssertFalse(shaded.contains("▀"))
    XCTAssertTrue(shaded.contains("▒") || shaded.contains("▓"), "shade characters draw the maps")
    XCTAssertTrue(state.live.attention.allSatisfy { $0.kind == .squeezeExcite && $0.mean > 0 && $0.mean < 1 })
  }

  func testSKNetCIFARScreens() throws {
    let state = try ranToEnd("sknet_cifar")
    check("sknet_cifar-attention", state, prepare: key("a"))
    let sk = try XCTUnwrap(state.live.attention.first)
    XCTAssertEqual(sk.kind, .selectiveKernel)
    check("sknet_cifar-sk", state, prepare: select(sk.path))
    for digest in state.live.attention {
      XCTAssertEqual(digest.rowMeans.reduce(0, +), 1, accuracy: 1e-5, "SK branch shares sum to 1 at \(digest.path)")
    }
  }

  func testResNeSt14dScreens() throws {
    let state = try ranToEnd("resnest14d", size: 64)
    check("resnest14d-attention", state, prepare: key("a"))
    check("resnest14d-splat", state, prepare: select("layer1.0.conv2"))
    checkScreens("narrow-resnest14d-attention", state, sizes: Self.narrow, prepare: attentionCursor(3))
    // The cursor reads out the channel's weight per split, clamped to each block's channels.
    var cursor = state
    attentionCursor(5)(&cursor)
    XCTAssertEqual(cursor.attentionChannel, 5)
    let text = AttentionView.lines(for: cursor, width: 76).map(\.plainText).joined(separator: "\n")
    let first = try XCTUnwrap(state.live.attention.first)
    XCTAssertTrue(
      text.contains("c5 split 1 \(Plots.number(first.weights[0][5])) · split 2 \(Plots.number(first.weights[1][5]))"),
      text)
    XCTAssertTrue(text.contains("colours"), "the legend")
    XCTAssertTrue(state.live.attention.allSatisfy { $0.kind == .splitAttention && $0.weights.count == 2 })
  }

  func testDenseLayerShowsAddedChannels() throws {
    let state = try ranToEnd("densenet_bc_100")
    check("densenet_bc_100-denselayer", state, prepare: select("features.denseblock1.denselayer2"))
    var selected = state
    XCTAssertTrue(selected.select(path: "features.denseblock1.denselayer2"))
    let text = DetailsPane.lines(for: selected, width: 60).map(\.plainText).joined(separator: "\n")
    XCTAssertTrue(text.contains("adds 12 channels: 36 → 48 after the concatenation"), text)
  }

  func testKeysInTheRunViews() throws {
    var state = try ranToEnd("senet18")
    state.send(.resize(TerminalSize(width: 80, height: 24)))
    XCTAssertTrue(state.select(path: "layer2.0"))
    state.send(.key(.character("v")))
    state.send(.key(.down))
    XCTAssertEqual(state.selectedNode.path, "layer2.1", "↓ in the activation view selects the next step")
    state.send(.key(.up))
    state.send(.key(.up))
    XCTAssertEqual(state.selectedNode.path, "layer1.1")
    state.send(.key(.character("a")))
    XCTAssertEqual(state.overlay, .attention(scroll: 0), "a switches to the attention view")
    state.send(.key(.pageDown))
    guard case .attention(let scrolled) = state.overlay else { return XCTFail("attention view closed") }
    XCTAssertGreaterThan(scrolled, 0, "PgDn scrolls the attention view")
    state.send(.key(.character("G")))
    state.send(.key(.down))
    guard case .attention(let bottom) = state.overlay else { return XCTFail("attention view closed") }
    let total = AttentionView.lines(for: state, width: ExplorerLayout(size: state.size).helpRect.width - 4).count
    XCTAssertEqual(bottom, total - ExplorerLayout(size: state.size).helpVisibleRows, "scrolling stops at the end")
    state.send(.key(.character("z")))
    XCTAssertEqual(state.notice?.text, "z does nothing here: Esc closes the view")
    state.send(.key(.character("a")))
    XCTAssertNil(state.overlay, "a closes its own view")
    state.send(.key(.character("v")))
    state.send(.key(.character("q")))
    XCTAssertTrue(state.shouldQuit, "q quits from a view")
  }

  func testNothingRunYetViews() throws {
    var (state, _) = try openForLiveRun("seresnet50")
    state.send(.key(.character("a")))
    let attention = AttentionView.lines(for: state, width: 70).map(\.plainText)
    XCTAssertEqual(attention.first, "16 attention blocks, 0 run · ←→ channel cursor")
    state.send(.key(.character("v")))
    XCTAssertEqual(state.overlay, .activations(scroll: 0))
    XCTAssertEqual(
      ActivationView.lines(for: state, width: 80).map(\.plainText),
      ["No step has run yet: s steps the forward pass, r runs it to the end."])
  }

  // MARK: - Headless twin

  /// The views' numbers equal what `convscope run --stats --attention` computes from the same weights and
  /// input: per-step statistics, and the attention summaries `run` prints (SE gate mean, branch shares).
  func testViewsShowTheHeadlessRunsNumbers() throws {
    for (name, size) in [("sknet_cifar", nil), ("senet18", nil), ("resnest14d", 64)] as [(String, Int?)] {
      try checkTwin(name, size: size)
    }
  }

  private func checkTwin(_ name: String, size: Int?) throws {
    let state = try ranToEnd(name, size: size)
    let zoo = try Zoo.model(named: name)
    let executor = try Executor(network: zoo.build())
    try executor.setSeededWeights(seed: 0)
    let shape = zoo.inputShape(size: size)
    try executor.setInput(try Tensor(shape: shape, data: WeightInit.input(seed: 0, shape: shape)))
    executor.stepStatistics = true
    for node in executor.attentionNodes { try executor.observe(node.path, .attention) }
    let reports = try executor.runToEnd()
    XCTAssertEqual(reports.map(\.name), state.live.completed.map(\.name), name)
    for (report, digest) in zip(reports, state.live.completed) {
      let a = try XCTUnwrap(report.statistics), b = try XCTUnwrap(digest.statistics)
      let scale = max(1, abs(Double(a.max)), abs(Double(a.min)))
      XCTAssertEqual(a.mean, b.mean, accuracy: 1e-5 * scale, "\(name) \(report.name)")
      XCTAssertEqual(a.std, b.std, accuracy: 1e-5 * scale, "\(name) \(report.name)")
      XCTAssertEqual(a.zeroFraction, b.zeroFraction, accuracy: 1e-3, "\(name) \(report.name)")
    }
    let observed = reports.flatMap(\.observations).filter { $0.role.label == "attention" }
    XCTAssertEqual(observed.map(\.path), state.live.attention.map(\.path), name)
    for (o, digest) in zip(observed, state.live.attention) {
      let t = try XCTUnwrap(o.tensor)
      let summary = AttentionSummary(kind: digest.kind, weights: t.array, shape: t.shape)
      if digest.kind == .squeezeExcite {
        XCTAssertEqual(summary.gateMean, digest.mean, accuracy: 1e-5, o.path)
        XCTAssertEqual(summary.gateSpread, digest.spread, accuracy: 1e-5, o.path)
      } else {
        XCTAssertEqual(summary.branchShare.count, digest.rowMeans.count, o.path)
        for (x, y) in zip(summary.branchShare, digest.rowMeans) { XCTAssertEqual(x, y, accuracy: 1e-5, o.path) }
      }
    }
  }
}
