import Explorer
import Graph
import XCTest

/// The wiring view (`W`): every family's block drawn from its module tree, at both sizes and glyph sets.
final class WiringViewTests: XCTestCase {
  private func wiring(_ model: String, _ path: String, snapshot: String) throws {
    var state = ExplorerState(model: try ExplorerModel.zoo(named: model))
    XCTAssertTrue(state.select(path: path), "no node \(path)")
    checkScreens(snapshot, state) { state in state.send(.key(.character("W"))) }
  }

  func testBottleneck() throws { try wiring("resnet50", "layer2.0", snapshot: "wiring-bottleneck-resnet50") }
  func testSEBlock() throws { try wiring("seresnet50", "layer1.0", snapshot: "wiring-se-seresnet50") }
  func testSKBlock() throws { try wiring("skresnext50_32x4d", "layer1.0", snapshot: "wiring-sk-skresnext50_32x4d") }
  func testSplitAttentionBlock() throws {
    try wiring("resnest50d", "layer1.0", snapshot: "wiring-splitattn-resnest50d")
  }
  func testDenseBlock() throws {
    try wiring("densenet121", "features.denseblock1", snapshot: "wiring-dense-densenet121")
  }

  /// The stages come from the module tree: a Bottleneck is its body's leaves, then the add with a downsample.
  func testBottleneckStagesFollowTheModuleTree() throws {
    let model = try ExplorerModel.zoo(named: "resnet50")
    let block = try XCTUnwrap(model.index(ofPath: "layer1.0"))
    guard case .residual(_, let body, let shortcut, let post) = try XCTUnwrap(model.nodes[block].wiring?.first) else {
      return XCTFail("layer1.0 is not drawn as a residual")
    }
    XCTAssertEqual(
      body, ["conv1", "bn1", "relu", "conv2", "bn2", "relu", "conv3", "bn3"].map(WiringStage.node))
    XCTAssertEqual(shortcut, [.node("downsample.0"), .node("downsample.1")])
    XCTAssertEqual(post, [.node("relu")])
  }

  /// The dense block's rows grow the concatenation by the growth rate at each layer.
  func testDenseBlockConcatenationGrows() throws {
    var state = ExplorerState(model: try ExplorerModel.zoo(named: "densenet121"))
    XCTAssertTrue(state.select(path: "features.denseblock1.denselayer2.conv1"))
    let text = WiringView.lines(for: state, width: 120).map(\.plainText)
    let cats = text.filter { $0.contains("cat_C") }
    XCTAssertEqual(cats.count, 6)
    XCTAssertTrue(cats[0].hasSuffix("1×96×56×56"), cats[0])
    XCTAssertTrue(cats[5].hasSuffix("1×256×56×56"), cats[5])
  }

  /// Taller than the box: ↓ scrolls, and a node outside any block says so.
  func testScrollsAndExplainsANodeOutsideABlock() throws {
    var state = ExplorerState(model: try ExplorerModel.zoo(named: "densenet121"))
    state.send(.resize(TerminalSize(width: 80, height: 24)))
    XCTAssertTrue(state.select(path: "features.denseblock3"))
    state.send(.key(.character("W")))
    state.send(.key(.down))
    XCTAssertEqual(state.overlay, .wiring(scroll: 1))
    state.send(.key(.escape))
    XCTAssertNil(state.overlay)
    XCTAssertTrue(state.select(path: "features.conv0"))
    let lines = WiringView.lines(for: state, width: 70).map(\.plainText).joined(separator: " ")
    XCTAssertTrue(lines.contains("is not in one"), lines)
  }
}
