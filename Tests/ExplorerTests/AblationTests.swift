import Explorer
import Foundation
import Models
import Runtime
import Session
import XCTest

/// Interventions in the explorer: `d` cycles per node kind, a change reruns from its first step only and
/// compares with the clean pass, `D` and `P`, the lesion view and the reuse view (with text snapshots).
final class AblationTests: XCTestCase {
  private func check(_ screen: String, _ base: ExplorerState, prepare: (inout ExplorerState) -> Void = { _ in }) {
    checkScreens("ablate-\(screen)", base, prepare: prepare)
  }

  /// Fixes the wall times (1, 2, 3 … ms) so screens are reproducible.
  private func fixTimes(_ state: inout ExplorerState) {
    for k in state.live.completed.indices { state.live.completed[k].seconds = Double(k + 1) / 1000 }
    state.live.preparation?.seconds = 0.5
  }

  func testDCyclesEachKindOfNode() throws {
    let cases: [(String, String, [Intervention.Kind])] = [
      ("resnet50", "layer3.2", [.branchOff, .shortcutOff]),
      ("seresnet50", "layer1.0.se", [.gatesOff]),
      ("skresnext50_32x4d", "layer1.0.conv2", [.uniform, .branch(0), .branch(1)]),
      ("resnest14d", "layer1.0.conv2", [.uniform, .split(0), .split(1)]),
      ("densenet121", "features.denseblock1.denselayer1", [.denseOff]),
    ]
    for (name, path, cycle) in cases {
      var (state, _) = try openForLiveRun(name)
      XCTAssertEqual(state.live.interventionChoices[path], cycle, "\(name) \(path)")
      XCTAssertTrue(state.select(path: path))
      for kind in cycle {
        let effects = state.apply(.key(.character("d")))
        XCTAssertEqual(state.live.interventions, [Intervention(path: path, kind: kind)], "\(name) \(path)")
        XCTAssertTrue(effects.contains { if case .run(.configure, _) = $0 { true } else { false } })
      }
      state.apply(.key(.character("d")))
      XCTAssertEqual(state.live.interventions, [], "after the last choice: none")
    }
    var (state, _) = try openForLiveRun("resnet50")
    XCTAssertTrue(state.select(path: "layer3.2.conv1"))
    XCTAssertEqual(state.apply(.key(.character("d"))), [])
    XCTAssertEqual(state.notice?.text.hasPrefix("layer3.2.conv1 (Conv2d) takes no intervention"), true)
  }

  func testAChangeRerunsFromItsFirstStepAndComparesWithTheCleanPass() throws {
    var (state, controller) = try openForLiveRun("resnet18", size: 64)
    state.send(.key(.character("r")), controller)
    tick(&state, controller) { $0.live.isComplete && !$0.live.isRunning }
    let cleanTop = state.live.top
    let started = controller.stepsStarted
    XCTAssertTrue(state.select(path: "layer3.1"))
    let step = try XCTUnwrap(state.stepIndex(forNode: state.selected))
    state.send(.key(.character("d")), controller)
    XCTAssertEqual(state.live.completed.count, step, "the steps before layer3.1 stay")
    XCTAssertNil(state.live.comparison)
    state.send(.key(.character("r")), controller)
    tick(&state, controller) { $0.live.isComplete && !$0.live.isRunning && $0.live.comparison != nil }
    XCTAssertEqual(controller.stepsStarted - started, state.live.stepNames.count - step, "recomputed from its step")
    let comparison = try XCTUnwrap(state.live.comparison)
    XCTAssertEqual(comparison.cleanTop, cleanTop)
    XCTAssertGreaterThan(comparison.kl, 0)
    // The same numbers as a separate pass with the intervention (the CLI's run --ablate).
    let session = controller.currentSession
    let executor = try session.makeExecutor()
    try executor.setInterventions([Intervention(path: "layer3.1", kind: .branchOff)])
    try executor.runToEnd()
    let expected = RunController.top(5, of: try XCTUnwrap(executor.output))
    XCTAssertEqual(state.live.top.map(\.index), expected.map(\.index))
    for (a, b) in zip(state.live.top, expected) { XCTAssertEqual(a.probability, b.probability, accuracy: 1e-5) }
    // P: plain mode reruns from the first block; D clears the node's intervention.
    state.send(.key(.character("P")), controller)
    XCTAssertTrue(state.live.plain)
    XCTAssertEqual(state.live.completed.count, state.live.plainFirstStep)
    state.send(.key(.character("D")), controller)
    XCTAssertEqual(state.live.interventions, [])
    state.send(.key(.character("r")), controller)
    tick(&state, controller) { $0.live.isComplete && !$0.live.isRunning && $0.live.comparison != nil }
    XCTAssertNotEqual(state.live.top.map(\.probability), cleanTop.map(\.probability), "plain changes top-5")
  }

  func testInterventionsBeforeAnyCleanPassStillCompare() throws {
    var (state, controller) = try openForLiveRun("resnet18", size: 64)
    XCTAssertTrue(state.select(path: "layer2.0"))
    state.send(.key(.character("d")), controller)
    state.send(.key(.character("d")), controller)
    XCTAssertEqual(state.live.interventions, [Intervention(path: "layer2.0", kind: .shortcutOff)])
    state.send(.key(.character("r")), controller)
    tick(&state, controller) { $0.live.isComplete && !$0.live.isRunning && $0.live.comparison != nil }
    XCTAssertEqual(state.live.comparison?.cleanTop.count, 5)
    controller.stop()
  }

  func testScreensWithInterventions() throws {
    var (state, controller) = try openForLiveRun("resnet18", size: 64)
    XCTAssertTrue(state.select(path: "layer3.1"))
    state.send(.key(.character("d")), controller)
    XCTAssertTrue(state.select(path: "layer2.0"))
    state.send(.key(.character("d")), controller)
    state.send(.key(.character("d")), controller)
    check("marks-resnet18", state)
    state.send(.key(.character("r")), controller)
    tick(&state, controller) { $0.live.isComplete && !$0.live.isRunning && $0.live.comparison != nil }
    fixTimes(&state)
    state.select(0)
    check("root-resnet18", state)
  }

  func testLesionView() throws {
    var (state, controller) = try openForLiveRun("resnet18", size: 64)
    state.send(.key(.character("L")), controller)
    guard case .lesion(let running) = state.overlay else { return XCTFail("L opens the lesion view") }
    XCTAssertNil(running.result)
    check("lesion-running-resnet18", state)
    tick(&state, controller) { if case .lesion(let view) = $0.overlay { view.result != nil } else { false } }
    guard case .lesion(let view) = state.overlay, let result = view.result else { return XCTFail("no result") }
    XCTAssertEqual(result.rows.count, 8, "resnet18's eight blocks")
    XCTAssertEqual(view.family, "blocks, branch off")
    let kls = result.byKL.map { result.rows[$0].kl }
    XCTAssertEqual(kls, kls.sorted(by: >))
    check("lesion-resnet18", state)
    state.send(.key(.down), controller)
    state.send(.key(.enter), controller)
    XCTAssertNil(state.overlay)
    XCTAssertEqual(state.selectedNode.path, result.rows[result.byKL[1]].path, "Enter selects the row's block")
    // Closing a running study cancels it: no report comes back.
    state.send(.key(.character("L")), controller)
    state.send(.key(.escape), controller)
    controller.lesions.waitUntilIdle()
    let late = controller.lesions.takeActions()
    XCTAssertFalse(late.contains { if case .lesion(.finished, _) = $0 { true } else { false } }, "\(late)")
  }

  func testReuseView() throws {
    var (state, controller) = try openForLiveRun("densenet121")
    state.send(.key(.character("u")), controller)
    guard case .reuse(let view) = state.overlay else { return XCTFail("u opens the reuse view") }
    XCTAssertEqual(view.maps.blocks.map(\.targets.count), [7, 13, 25, 17])
    XCTAssertEqual(view.maps.blocks.map(\.sources.count), [7, 13, 25, 17])
    check("reuse-densenet121", state)
    check("reuse-cursor-densenet121", state) { state in
      for key: Key in [.down, .down, .right, .tab, .down, .left] { state.send(.key(key)) }
    }
    state.send(.key(.tab), controller)
    state.send(.key(.down), controller)
    guard case .reuse(let moved) = state.overlay else { return XCTFail("still open") }
    XCTAssertEqual([moved.block, moved.row, moved.column], [1, 1, 0])
    var (resnet, resnetController) = try openForLiveRun("resnet50")
    resnet.send(.key(.character("u")), resnetController)
    XCTAssertNil(resnet.overlay)
    XCTAssertEqual(resnet.notice?.text, "resnet50 has no dense blocks: reuse applies to DenseNet models")
  }
}
