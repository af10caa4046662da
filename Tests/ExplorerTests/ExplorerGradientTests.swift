import Explorer
import Foundation
import Models
import Presentation
import Runtime
import Session
import TestSupport
import XCTest

/// The backward pass in the explorer: the class prompt of `b`, the request and its cancellation, the worker's
/// numbers against `convscope grad`'s headless path, and the gradient view and the root's CAM (snapshots).
final class ExplorerGradientTests: XCTestCase {
  // MARK: - The class prompt

  func testTheChooserFiltersNamesAndIndices() {
    var chooser = ClassChooser(classCount: 1000)
    XCTAssertEqual(chooser.entries.count, 1001, "top-1, then every class")
    XCTAssertNil(chooser.chosen?.index, "Enter alone: sample 0's top-1")
    chooser.setText("tabby")
    XCTAssertEqual(chooser.entries.map(\.index), [281], "\(chooser.entries)")
    chooser.setText("281")
    XCTAssertEqual(chooser.entries.first?.index, 281, "the exact index first")
    chooser.setText("Cat")
    XCTAssertTrue(chooser.entries.contains { $0.index == 285 }, "case-insensitive: Egyptian cat")
    chooser.move(by: 1)
    XCTAssertEqual(chooser.choice, 1)
    chooser.move(by: -5)
    XCTAssertEqual(chooser.choice, 0, "clamped at the top")
    chooser.move(by: 10_000)
    XCTAssertEqual(chooser.choice, chooser.entries.count - 1, "clamped at the bottom")
    chooser.setText("zzzz")
    XCTAssertEqual(chooser.entries, [])
    XCTAssertNil(chooser.chosen)
    let cifar = ClassChooser(classCount: 10)
    XCTAssertEqual(cifar.entries.dropFirst().map(\.label).first, "0 airplane", "CIFAR-10 names for 10 classes")
  }

  func testBPromptsEnterStartsXCancelsAndStaleReportsAreDropped() throws {
    var (state, _) = try openForLiveRun("resnet18", size: 64)
    XCTAssertEqual(state.apply(.key(.character("b"))), [])
    guard case .classPrompt(let chooser) = state.overlay else { return XCTFail("b opens the class prompt") }
    XCTAssertEqual(chooser.classCount, 1000)
    XCTAssertEqual(state.keyContext, .classPrompt)
    for c in "tabby" { state.apply(.key(.character(c))) }
    state.apply(.key(.backspace))
    guard case .classPrompt(let typed) = state.overlay else { return XCTFail("still open") }
    XCTAssertEqual(typed.text, "tabb")
    state.apply(.key(.escape))
    XCTAssertNil(state.overlay)
    XCTAssertEqual(state.notice?.text.contains("cancelled"), true)
    // q is text in the prompt; Enter runs the chosen class.
    state.apply(.key(.character("b")))
    for c in "281" { state.apply(.key(.character(c))) }
    let effects = state.apply(.key(.enter))
    let id = GradientID(generation: state.live.generation, serial: 1)
    XCTAssertEqual(effects, [.startGradient(id, target: 281, interventions: [], plain: false)])
    XCTAssertEqual(state.overlay, .gradient(scroll: 0))
    XCTAssertEqual(state.live.backward?.id, id)
    XCTAssertEqual(state.keyContext, .gradient)
    // x cancels the backward pass (not the forward's results); the view stays consistent.
    XCTAssertEqual(state.apply(.key(.character("x"))), [.cancelGradient])
    XCTAssertNil(state.live.backward)
    XCTAssertEqual(
      state.notice?.text.hasPrefix("backward pass for class 281"), true, "\(String(describing: state.notice))")
    // The cancelled pass's report is dropped; the next one's is kept.
    let digest = Self.digest(steps: state.live.stepNames, layers: ["conv1", "fc"])
    state.apply(.gradient(.finished(digest), id: id))
    XCTAssertNil(state.live.gradient)
    state.apply(.key(.character("b")))
    let second = state.apply(.key(.enter))
    let next = GradientID(generation: state.live.generation, serial: 2)
    XCTAssertEqual(second, [.startGradient(next, target: nil, interventions: [], plain: false)], "Enter alone: top-1")
    state.apply(.gradient(.failed("backward failed: out of memory"), id: next))
    XCTAssertNil(state.live.backward)
    XCTAssertEqual(state.notice, Notice(text: "backward failed: out of memory", isWarning: true))
    state.apply(.key(.character("b")))
    state.apply(.key(.enter))
    let third = GradientID(generation: state.live.generation, serial: 3)
    state.apply(.gradient(.finished(digest), id: third))
    XCTAssertEqual(state.live.gradient, digest)
    // ↑↓ in the view move the highlighted step with the tree's selection; Esc closes.
    state.select(0)
    state.apply(.key(.down))
    XCTAssertEqual(state.stepIndex(forNode: state.selected), state.live.stepNames.count - 1)
    state.apply(.key(.up))
    XCTAssertEqual(state.stepIndex(forNode: state.selected), state.live.stepNames.count - 2)
    state.apply(.key(.escape))
    XCTAssertNil(state.overlay)
    XCTAssertEqual(state.apply(.key(.character("x"))).count, 1, "x without a backward pass resets the run")
  }

  // MARK: - Numbers against the headless path

  /// The explorer's backward (the worker, through the keys) shows what `convscope grad --format json` prints for
  /// the same model, seed, input and class; with plain mode on, the clean curve is the clean network's.
  func testTheExplorerShowsWhatGradPrints() throws {
    var (state, controller) = try openForLiveRun("resnet18", size: 64)
    state.send(.key(.character("b")), controller)
    state.send(.key(.enter), controller)
    tick(&state, controller) { $0.live.gradient != nil }
    let digest = try XCTUnwrap(state.live.gradient)
    // The headless path, as GradCommand runs it.
    let session = controller.currentSession
    let executor = try session.makeExecutor()
    let report = try executor.backward(.classLogit(nil))
    let result = GradientResult(
      model: "resnet18", inputShape: session.inputShape, weights: "seed 0", objective: "class \(report.target)",
      report: report)
    let json = try XCTUnwrap(
      JSONSerialization.jsonObject(with: Data(result.json().utf8)) as? [String: Any])
    XCTAssertEqual(digest.target, json["target"] as? Int)
    let steps = try XCTUnwrap(json["steps"] as? [[String: Any]]).compactMap { $0["grad_norm"] as? Double }
    XCTAssertEqual(steps.count, digest.curves.steps.count)
    for (shown, printed) in zip(digest.curves.steps, steps) {
      XCTAssertEqual(shown, printed, accuracy: 1e-9 * max(abs(printed), 1e-30))
    }
    let ratios = try XCTUnwrap(json["nodes"] as? [[String: Any]]).compactMap { $0["ratio"] as? Double }
    XCTAssertEqual(ratios.count, digest.curves.layers.count)
    for (shown, printed) in zip(digest.curves.layers.map(\.ratio), ratios) {
      XCTAssertEqual(shown, printed, accuracy: 1e-9 * max(abs(printed), 1e-30))
    }
    XCTAssertEqual(digest.inputNorm, try XCTUnwrap(json["input_grad_norm"] as? Double), accuracy: 1e-9)
    // The view writes the selected step's norm as `grad`'s table does.
    XCTAssertTrue(state.select(path: "layer3.1"))
    let k = try XCTUnwrap(state.live.stepNames.firstIndex(of: "layer3.1"))
    let layout = ExplorerLayout(size: state.size)
    let text = GradientView.lines(for: state, width: 76, layout: layout).map(\.plainText).joined(separator: "\n")
    XCTAssertTrue(text.contains(GradientView.sci(report.steps[k].norm)), text)
    XCTAssertTrue(result.table().contains(GradientView.sci(report.steps[k].norm)))
    let residual = try XCTUnwrap(report.residuals.first { $0.path == "layer3.1" })
    XCTAssertEqual(digest.residuals["layer3.1"], ResidualNorms(shortcut: residual.shortcut, branch: residual.branch))
    // Node details: the block's output gradient is the step's.
    XCTAssertEqual(
      try XCTUnwrap(digest.outputs["layer3.1"]), report.steps[k].norm, accuracy: 1e-9 * report.steps[k].norm)
    // A stage run block by block shows its last block's output gradient.
    XCTAssertTrue(state.select(path: "layer3"))
    let stage = DetailsPane.lines(for: state, width: 60).map(\.plainText).joined(separator: "\n")
    XCTAssertTrue(stage.contains(GradientView.sci(report.steps[k].norm)), stage)
    XCTAssertTrue(stage.contains("its last child's, layer3.1"), stage)

    // Plain mode: the intervened curve and the clean one, for the same class.
    state.send(.key(.escape), controller)
    XCTAssertEqual(state.keyContext, .tree)
    state.send(.key(.character("P")), controller)
    state.send(.key(.character("b")), controller)
    state.send(.key(.enter), controller)
    tick(&state, controller) { $0.live.gradient?.clean != nil && $0.live.backward == nil }
    let plain = try XCTUnwrap(state.live.gradient)
    XCTAssertEqual(plain.interventions, ["plain"])
    let clean = try XCTUnwrap(plain.clean)
    let plainExecutor = try session.makeExecutor()
    try plainExecutor.setInterventions([], plain: true)
    let plainReport = try plainExecutor.backward(.classLogit(nil))
    XCTAssertEqual(plain.target, plainReport.target)
    for (shown, expected) in zip(plain.curves.steps, plainReport.steps.map(\.norm)) {
      XCTAssertEqual(shown, expected, accuracy: 1e-9 * max(expected, 1e-30))
    }
    let cleanReport = try executor.backward(.classLogit(plain.target))
    for (shown, expected) in zip(clean.steps, cleanReport.steps.map(\.norm)) {
      XCTAssertEqual(shown, expected, accuracy: 1e-9 * max(expected, 1e-30))
    }
    XCTAssertNotEqual(plain.curves.steps, clean.steps)

    // `w` in the gradient view writes these numbers: a row per step, then a row per layer, clean beside plain.
    state.overlay = .gradient(scroll: 0)
    XCTAssertEqual(state.exportDefaultName, "resnet18-gradient.csv")
    let table = try XCTUnwrap(GradientView.exportTable(for: state))
    XCTAssertEqual(table.rows.count, plain.stepNames.count + plain.curves.layers.count)
    XCTAssertEqual(table.rows[0][2], .text(plain.stepNames[0]))
    XCTAssertEqual(table.rows[0][3], .number(plain.curves.steps[0]))
    XCTAssertEqual(table.rows[0][4], .number(clean.steps[0]))
    let firstLayer = plain.stepNames.count
    XCTAssertEqual(table.rows[firstLayer][2], .text(plain.curves.layers[0].path))
    XCTAssertEqual(table.rows[firstLayer][6], .number(plain.curves.layers[0].ratio))
    XCTAssertTrue(
      table.csv.hasPrefix("kind,index,name,gradient_norm,clean_gradient_norm,weight_norm,ratio,clean_ratio\r\n"))
  }

  func testAnImageGetsItsGradCAM() throws {
    let image = Fixtures.path("images/photo_120x90.jpg")
    var (state, controller) = try openForLiveRun(
      "resnet18", size: 64, source: SessionSource(input: .image(path: image)))
    state.send(.key(.character("b")), controller)
    state.send(.key(.enter), controller)
    tick(&state, controller) { $0.live.gradient != nil }
    let cam = try XCTUnwrap(state.live.gradient?.cam)
    XCTAssertEqual(cam.size, 48)
    XCTAssertEqual(cam.cam.max() ?? 0, 1, accuracy: 0.05, "normalised to its maximum (averaged in boxes)")
    XCTAssertTrue(cam.image.allSatisfy { (0...1).contains($0) })
    state.apply(.key(.escape))
    state.select(0)
    let lines = DetailsPane.lines(for: state, width: 36).map(\.plainText)
    XCTAssertTrue(lines.contains { $0.hasPrefix("input") && $0.contains("Grad-CAM") }, "\(lines)")
    XCTAssertTrue(lines.contains { $0.contains("▀") }, "half-block pixels")
  }

  // MARK: - Screens

  /// A digest with fixed numbers (the screens do not depend on the machine's float rounding).
  static func digest(steps: [String], layers: [String], clean: Bool = false, cam: Bool = false) -> GradientDigest {
    let norms = steps.indices.map { pow(10, 1 - Double($0) * 0.3) }
    let layerGradients = layers.enumerated().map { k, path in
      LayerGradient(path: path, weight: 2 + Double(k % 3), gradient: pow(10, -1 - Double(k) * 0.15))
    }
    var residuals: [String: ResidualNorms] = [:]
    for name in steps where name.hasPrefix("layer") {
      residuals[name] = ResidualNorms(shortcut: 0.5, branch: 0.125)
    }
    var picture: CAMPicture?
    if cam {
      let n = CAMPicture.resolution
      let image = (0..<(n * n)).map { Double(($0 % n) + ($0 / n)) / Double(2 * n - 2) }
      let map = (0..<(n * n)).map { i -> Double in
        let (x, y) = (Double(i % n) - 30, Double(i / n) - 18)
        return exp(-(x * x + y * y) / 150)
      }
      picture = CAMPicture(size: n, image: image, cam: map, layer: "pool_input")
    }
    var outputs: [String: Double] = [:]
    for (k, name) in steps.enumerated() { outputs[name] = norms[k] }
    for (k, path) in layers.enumerated() { outputs[path] = pow(10, -Double(k) * 0.1) }
    return GradientDigest(
      target: 281, className: "tabby, tabby cat", loss: 12.5, interventions: clean ? ["plain"] : [], stepNames: steps,
      curves: GradientCurves(
        steps: clean ? norms.map { $0 / pow(10, 0.2 * Double(steps.count)) } : norms,
        layers: layerGradients),
      clean: clean ? GradientCurves(steps: norms, layers: layerGradients) : nil, outputs: outputs,
      residuals: residuals, inputNorm: 0.03125, cam: picture, seconds: 1.5)
  }

  /// resnet18's layers with a weight, in state-dict order.
  private static func weightPaths(_ state: ExplorerState) -> [String] {
    state.model.nodes.filter { $0.parameters.contains { $0.name == "weight" } }.map(\.path)
  }

  func testScreens() throws {
    var (state, _) = try openForLiveRun("resnet18", size: 64)
    let layers = Self.weightPaths(state)
    XCTAssertFalse(layers.isEmpty)
    state.live.gradient = Self.digest(steps: state.live.stepNames, layers: layers)
    XCTAssertTrue(state.select(path: "layer2.1"))
    state.overlay = .gradient(scroll: 0)
    checkScreens("gradient-view-resnet18", state)
    state.live.gradient = Self.digest(steps: state.live.stepNames, layers: layers, clean: true)
    state.live.plain = true
    checkScreens("gradient-view-plain-resnet18", state)
    state.overlay = .classPrompt(ClassChooser(classCount: 1000))
    checkScreens("gradient-prompt-resnet18", state) { state in
      for c in "cat" { state.send(.key(.character(c))) }
      state.send(.key(.down))
    }
    state.overlay = nil
    state.live.plain = false
    state.live.gradient = Self.digest(steps: state.live.stepNames, layers: layers, cam: true)
    state.select(0)
    checkScreens("gradient-root-cam-resnet18", state)
    // The pixels' colours: the image's and the CAM's ramp levels, fg above and bg below, in the default theme.
    var styled = state
    styled.send(.resize(TerminalSize(width: 80, height: 24)))
    Snapshot.assertStyledMatches(
      ExplorerRenderer.render(styled, size: styled.size), palette: Theme.builtInDefault.palette, depth: .indexed256,
      named: "gradient-root-cam-styled-256-80x24")
    XCTAssertTrue(state.select(path: "layer2.1.conv1"))
    checkScreens("gradient-node-resnet18", state)
  }
}
