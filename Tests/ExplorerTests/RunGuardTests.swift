import Analysis
import Explorer
import Foundation
import Models
import Session
import TensorCore
import XCTest

/// Runs the explorer must refuse or wind down cleanly: an input too large for the machine's memory
/// (it aborted the process), quitting while a step runs (the worker must stop first); and the files a
/// run uses coming back with the model and size they were given for.
final class RunGuardTests: XCTestCase {
  func testAnInputTooLargeForMemoryIsRefusedWithANotice() throws {
    var (state, _) = try openForLiveRun("resnet50")
    for key in "i4096 1024" { state.send(.key(.character(key))) }
    state.send(.key(.enter))
    XCTAssertEqual(state.model.inputShape, [1024, 3, 4096, 4096])
    // The stem's output alone is 1024×64×2048×2048 floats: 1.1 TB.
    XCTAssertGreaterThan(state.model.runMemoryEstimate, 1_000_000_000_000)
    for key in "sr." {
      state.send(.key(.character(key)))
      XCTAssertFalse(state.live.isRunning, "\(key) must not start a run")
      let notice = try XCTUnwrap(state.notice)
      XCTAssertTrue(notice.isWarning)
      XCTAssertTrue(
        notice.text.hasPrefix("a forward pass at 1024×3×4096×4096 needs about 4398.0 GB of memory, more than the "),
        notice.text)
      XCTAssertTrue(notice.text.hasSuffix(" it may use: i picks a smaller input"), notice.text)
    }
  }

  func testTheBudgetIsHalfTheMachineAndTheDefaultInputFits() throws {
    var (state, _) = try openForLiveRun("resnet50")
    XCTAssertEqual(state.live.memoryBudget, Analysis.physicalMemoryBytes / 2)
    // ResNet-50 at 224: the largest output is the stem conv's 1×64×112×112 floats, 3.2 MB, so 12.8 MB.
    XCTAssertEqual(state.model.runMemoryEstimate, 4 * 4 * 64 * 112 * 112)
    state.live.memoryBudget = 12_845_056
    state.send(.key(.character("s")))
    XCTAssertTrue(state.live.isRunning, "a run that fits the budget exactly starts")
    state.send(.key(.character("x")))
    state.live.memoryBudget = 12_845_055
    state.send(.key(.character("s")))
    XCTAssertFalse(state.live.isRunning)
    XCTAssertEqual(state.notice?.isWarning, true)
  }

  func testStopWaitsForAStepOnlySoLong() throws {
    var (state, controller) = try openForLiveRun("resnet18")
    // A step that does not end (as one op of a huge input seems to): stop gives up after the bound.
    let hold = HeldStep(controller, atStep: 1)
    state.send(.key(.character("r")), controller)
    _ = controller.tick(&state)
    XCTAssertEqual(hold.held.wait(timeout: .now() + 60), .success)
    let started = Date()
    XCTAssertFalse(controller.stop(waitingAtMost: 0.2))
    XCTAssertLessThan(Date().timeIntervalSince(started), 5)
    hold.release.signal()
    XCTAssertTrue(controller.stop(), "once the step ends the worker stops")
    XCTAssertEqual(controller.stepsStarted, 2, "and starts nothing more")
  }

  func testWeightsAndInputFilesComeBackWithTheirModelAndSize() throws {
    let zeros = try Tensor(shape: [1, 3, 32, 32], data: [Float](repeating: 0, count: 3 * 32 * 32))
    let source = SessionSource(weightsPath: "/files/senet18.safetensors", input: .array(zeros, name: "zeros.npy"))
    var (state, controller) = try openForLiveRun("senet18", source: source)
    XCTAssertEqual(state.live.source, "weights senet18.safetensors · input zeros.npy")
    // Another model (same input shape): seeded weights, the array still fits.
    for key in "msknet_cifar" { state.send(.key(.character(key)), controller) }
    state.send(.key(.enter), controller)
    XCTAssertEqual(state.model.name, "sknet_cifar")
    _ = controller.tick(&state)
    XCTAssertEqual(state.live.source, "seeded weights (seed 0) · input zeros.npy")
    // Back to senet18 at another size: its weights again, the synthetic input.
    for key in "msenet18" { state.send(.key(.character(key)), controller) }
    state.send(.key(.enter), controller)
    XCTAssertEqual(state.model.name, "senet18")
    for key in "i64" { state.send(.key(.character(key)), controller) }
    state.send(.key(.enter), controller)
    XCTAssertEqual(state.live.source, "weights senet18.safetensors · synthetic input")
    // Said at once (issue #17): the file no longer fits, the synthetic input is used.
    XCTAssertEqual(state.notice?.isWarning, true)
    XCTAssertTrue(
      state.notice?.text.contains("the --input file no longer fits, so the synthetic input is used") ?? false,
      state.notice?.text ?? "no notice")
    // And at the array's size again: the array is back (both were lost for good before).
    for key in "i32" { state.send(.key(.character(key)), controller) }
    state.send(.key(.enter), controller)
    XCTAssertEqual(state.live.source, "weights senet18.safetensors · input zeros.npy")
    XCTAssertTrue(state.live.inputIsReal)
    XCTAssertTrue(state.notice?.text.contains("the --input file fits again") ?? false, state.notice?.text ?? "none")
  }

  func testKeysQueuedAfterOpeningAModelActOnIt() throws {
    let (state, controller) = try openForLiveRun("resnet18")
    let terminal = MemoryTerminal(size: TerminalSize(width: 100, height: 30))
    // One batch of input, as a fast typist or a pasted key sequence gives: the r was dropped when
    // the controller replaced the old model's run state after the batch.
    terminal.events = "msenet18".map { .key(.character($0)) } + [.key(.enter), .key(.character("r"))]
    let effects = EffectRunner(services: .live(controller.sessions), controller: controller)
    let (_, final) = ExplorerApp.run(state, on: terminal, effects: effects)
    controller.stop()
    XCTAssertEqual(final.model.name, "senet18")
    XCTAssertEqual(final.live.stepNames.last, "head")
    XCTAssertEqual(final.live.attentionPaths.count, 8, "the run state is senet18's")
    XCTAssertTrue(final.live.isRunning, "the r after Enter started senet18's run")
    XCTAssertEqual(final.live.progress?.target, final.live.stepNames.count - 1)
  }

  func testANaNInputRunsAndEveryViewDraws() throws {
    let nan = try Tensor(shape: [1, 3, 32, 32], data: [Float](repeating: .nan, count: 3 * 32 * 32))
    var (state, controller) = try openForLiveRun(
      "sknet_cifar", source: SessionSource(input: .array(nan, name: "nan.npy")))
    state.size = TerminalSize(width: 120, height: 40)
    state.send(.key(.character("r")), controller)
    let deadline = Date().addingTimeInterval(120)
    while state.live.isRunning && Date() < deadline {
      _ = controller.tick(&state)
      usleep(5_000)
    }
    XCTAssertTrue(state.live.isComplete, state.live.failure ?? "did not finish")
    // The stats, histograms, thumbnails, charts and top-5 of NaN activations trapped while drawing.
    var text = ""
    for keys in ["", "jjjjj", "v", "a", "\u{1B}G"] {
      for key in keys { state.send(.key(key == "\u{1B}" ? .escape : .character(key)), controller) }
      text += ExplorerRenderer.render(state, size: state.size).text
    }
    XCTAssertTrue(text.contains("nan %"), "the top-5 show NaN probabilities")
  }

  func testStopCancelsARunAndWaitsForTheWorker() throws {
    var (state, controller) = try openForLiveRun("densenet121")
    let reached = DispatchSemaphore(value: 0)
    controller.beforeStep = { step in if step == 2 { reached.signal() } }
    state.send(.key(.character("r")), controller)
    _ = controller.tick(&state)
    XCTAssertEqual(reached.wait(timeout: .now() + 120), .success, "the worker never reached step 2")
    XCTAssertTrue(controller.stop())
    // Once stop returns the worker is idle: no step starts afterwards.
    let started = controller.stepsStarted
    XCTAssertLessThan(started, state.live.stepNames.count, "the run was cut short")
    usleep(200_000)
    XCTAssertEqual(controller.stepsStarted, started)
    // Work queued before the stop is dropped too.
    state.send(.key(.character("x")), controller)
    _ = controller.tick(&state)
    controller.waitUntilIdle()
    XCTAssertEqual(controller.stepsStarted, started)
  }
}
