import Explorer
import Foundation
import Presentation
import Session
import XCTest

/// `w` (write the view), `M` (mouse capture) and `T` (per-node times).
final class ExportTests: XCTestCase {
  private var directory = ""

  override func setUpWithError() throws {
    directory = NSTemporaryDirectory() + "convscope-export-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
  }

  override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: directory) }

  /// Types `name` over the prompt's default (Backspace each default character first) and presses Enter.
  private func write(_ state: inout ExplorerState, to name: String, _ controller: RunController? = nil) {
    state.send(.key(.character("w")), controller)
    for _ in 0..<(state.prompt?.text.count ?? 0) { state.send(.key(.backspace), controller) }
    for c in name { state.send(.key(.character(c)), controller) }
    state.send(.key(.enter), controller)
  }

  func testTheTreeAsMarkdownIsSummarysReport() throws {
    var state = ExplorerState(model: try ExplorerModel.zoo(named: "resnet18"))
    state.send(.key(.character("w")))
    XCTAssertEqual(state.prompt?.text, "resnet18-tree.md")
    state.send(.key(.escape))
    XCTAssertNil(state.prompt)
    let path = directory + "/tree.md"
    write(&state, to: path)
    XCTAssertEqual(state.notice?.text, "wrote \(path)")
    let written = try String(contentsOfFile: path, encoding: .utf8)
    let spec = try XCTUnwrap(state.model.spec)
    XCTAssertEqual(written, try Session(spec: spec).analysis().report(spec: spec, format: .markdown, depth: 3))
    XCTAssertTrue(written.hasPrefix("| Layer | Kind | Output shape |"))
  }

  func testTheTreeAsCSVAndJSON() throws {
    var state = ExplorerState(model: try ExplorerModel.zoo(named: "resnet18"))
    write(&state, to: directory + "/tree.csv")
    let csv = try String(contentsOfFile: directory + "/tree.csv", encoding: .utf8)
    XCTAssertTrue(csv.hasPrefix("path,kind,depth,output_shape"), csv)
    write(&state, to: directory + "/tree.json")
    let json = try String(contentsOfFile: directory + "/tree.json", encoding: .utf8)
    XCTAssertTrue(json.contains("\"model\": \"resnet18\""), String(json.prefix(200)))
  }

  func testAWrongExtensionOrAMissingDirectoryWritesNothing() throws {
    var state = ExplorerState(model: try ExplorerModel.zoo(named: "resnet18"))
    write(&state, to: directory + "/tree.png")
    XCTAssertEqual(state.notice?.isWarning, true)
    XCTAssertTrue(state.notice?.text.contains(".md, .csv, .json") ?? false, state.notice?.text ?? "")
    XCTAssertFalse(FileManager.default.fileExists(atPath: directory + "/tree.png"))
    write(&state, to: directory + "/missing/tree.md")
    XCTAssertEqual(state.notice?.isWarning, true)
    XCTAssertTrue(state.notice?.text.hasPrefix("nothing written:") ?? false, state.notice?.text ?? "")
  }

  func testANodesDetailsAsJSON() throws {
    var state = ExplorerState(model: try ExplorerModel.zoo(named: "resnet18"))
    XCTAssertTrue(state.select(path: "layer1.0.conv1"))
    state.send(.key(.tab))
    state.send(.key(.character("w")))
    XCTAssertEqual(state.prompt?.text, "resnet18-details-layer1.0.conv1.json")
    state.send(.key(.escape))
    write(&state, to: directory + "/conv.json")
    let json = try String(contentsOfFile: directory + "/conv.json", encoding: .utf8)
    XCTAssertTrue(json.contains("\"path\": \"layer1.0.conv1\""), json)
    XCTAssertTrue(json.contains("\"macs\": 115605504"), json)
  }

  /// After a run, the activation view's numbers as CSV: one row per step with the view's statistics.
  func testTheActivationViewAsCSVAfterARun() throws {
    var (state, controller) = try openForLiveRun("resnet18", size: 32)
    state.send(.key(.character("v")), controller)
    write(&state, to: directory + "/act.csv", controller)
    XCTAssertEqual(state.notice?.isWarning, true, "nothing has run: nothing to write")
    state.send(.key(.character("r")), controller)
    controller.waitUntilIdle()
    _ = EffectRunner(controller: controller, synchronous: true).tick(&state)
    XCTAssertTrue(state.live.isComplete)
    write(&state, to: directory + "/act.csv", controller)
    let lines = try String(contentsOfFile: directory + "/act.csv", encoding: .utf8)
      .components(separatedBy: "\r\n").filter { !$0.isEmpty }
    XCTAssertEqual(lines.first, "step,name,mean,std,zeros,seconds")
    XCTAssertEqual(lines.count, 1 + state.live.stepNames.count)
    let stem = lines[1].split(separator: ",")
    XCTAssertEqual(stem[1], "stem")
    let mean = try XCTUnwrap(Double(stem[2]))
    XCTAssertEqual(mean, try XCTUnwrap(state.live.completed[0].statistics).mean, accuracy: 1e-12)
    // T: per-node times in the tree's columns.
    state.send(.key(.escape))
    state.send(.resize(TerminalSize(width: 160, height: 48)))
    state.send(.key(.character("T")))
    XCTAssertTrue(state.showsLayerTimes)
    XCTAssertNotNil(state.layerSeconds(of: 0))
    let grid = ExplorerRenderer.render(state, size: state.size)
    XCTAssertTrue(grid.text.contains("GFLOP/s"), grid.text)
    XCTAssertTrue(state.live.completed.last?.poolBytes ?? 0 > 0)
  }

  func testTWithoutARunSaysHowToGetTimes() throws {
    var state = ExplorerState(model: try ExplorerModel.zoo(named: "resnet18"))
    state.send(.key(.character("T")))
    XCTAssertFalse(state.showsLayerTimes)
    XCTAssertTrue(state.notice?.text.contains("r runs") ?? false)
  }

  /// `M` turns capture off and on; the run loop hands it to the terminal, and the header says it is off.
  func testMouseCaptureToggles() throws {
    var state = ExplorerState(model: try ExplorerModel.zoo(named: "resnet18"))
    state.send(.key(.character("M")))
    XCTAssertFalse(state.mouseCaptured)
    XCTAssertTrue(ExplorerRenderer.render(state, size: state.size).text.contains("mouse off"))
    state.send(.key(.character("M")))
    XCTAssertTrue(state.mouseCaptured)
    let terminal = MemoryTerminal(size: TerminalSize(width: 80, height: 24))
    terminal.events = [.key(.character("M"))]
    let (_, final) = ExplorerApp.run(state, on: terminal)
    XCTAssertFalse(final.mouseCaptured)
    XCTAssertFalse(terminal.mouseCaptured)
  }
}
