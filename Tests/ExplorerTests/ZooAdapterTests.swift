import Analysis
import Explorer
import Models
import XCTest

/// The adapter from the zoo's module tree and analysis to the explorer's node list.
final class ZooAdapterTests: XCTestCase {
  private func facts(_ model: ExplorerModel, _ path: String) -> [String: String] {
    guard let index = model.index(ofPath: path) else {
      XCTFail("no node \(path)")
      return [:]
    }
    return Dictionary(model.nodes[index].hyperParameters.map { ($0.0, $0.1) }, uniquingKeysWith: { a, _ in a })
  }

  func testTreeIsPreOrderWithConsistentLinks() throws {
    for name in ["resnet50", "densenet121", "seresnet50", "skresnext50_32x4d", "resnest50d", "sknet_cifar"] {
      let model = try ExplorerModel.zoo(named: name)
      XCTAssertEqual(model.root.name, name)
      XCTAssertEqual(model.root.path, "")
      XCTAssertNil(model.root.parent)
      for (i, node) in model.nodes.enumerated() {
        for child in node.children {
          XCTAssertGreaterThan(child, i, "\(name): children follow their parent")
          XCTAssertEqual(model.nodes[child].parent, i)
          XCTAssertEqual(model.nodes[child].depth, node.depth + 1)
          let expected = node.path.isEmpty ? model.nodes[child].name : node.path + "." + model.nodes[child].name
          XCTAssertEqual(model.nodes[child].path, expected)
        }
        if !node.children.isEmpty {
          XCTAssertEqual(
            node.params,
            node.children.reduce(0) { $0 + model.nodes[$1].params } + node.parameters.reduce(0) { $0 + $1.count },
            "\(name) \(node.path): params roll up")
        }
      }
      // Fully expanded, the visible rows are exactly the pre-order.
      var state = ExplorerState(model: model)
      state.expandAll()
      XCTAssertEqual(state.rows, Array(model.nodes.indices))
    }
  }

  func testTotalsAndStepsOfResNet50() throws {
    let model = try ExplorerModel.zoo(named: "resnet50")
    XCTAssertEqual(model.totalParams, 25_557_032)
    XCTAssertEqual(model.totalMACs, 4_089_184_256)
    XCTAssertEqual(model.inputShape, [1, 3, 224, 224])
    XCTAssertEqual(model.family, "ResNet")
    XCTAssertFalse(model.familyDescription.isEmpty)
    XCTAssertFalse(model.formula.isEmpty)
    let blocks = model.nodes.filter { $0.step == $0.path }.map(\.path)
    XCTAssertEqual(blocks.count, 16, "ResNet-50 has 16 blocks: \(blocks)")
    XCTAssertEqual(model.nodes.filter { $0.step == "stem" }.map(\.path), ["conv1", "bn1", "relu", "maxpool"])
    XCTAssertEqual(model.nodes.filter { $0.step == "head" }.map(\.path), ["avgpool", "fc"])
    let conv = try XCTUnwrap(model.index(ofPath: "layer1.0.conv2").map { model.nodes[$0] })
    XCTAssertEqual(conv.kind, "Conv2d")
    XCTAssertEqual(conv.outputShape, [1, 64, 56, 56])
    XCTAssertEqual(conv.params, 36_864)
    XCTAssertEqual(conv.macs, 115_605_504)
    XCTAssertEqual(conv.parameters, [TensorSummary(name: "weight", shape: [64, 64, 3, 3])])
    XCTAssertEqual(conv.activationBytes, 4 * 64 * 56 * 56)
    XCTAssertEqual(facts(model, "layer1.0.conv2")["kernel_size"], "3×3")
    // The tree opens on the blocks: stages open, blocks closed.
    let state = ExplorerState(model: model)
    XCTAssertEqual(state.rows.count, 1 + 4 + 4 + 16 + 2)
  }

  func testDerivedBlockFacts() throws {
    let resnet = try ExplorerModel.zoo(named: "resnet50")
    let bottleneck = facts(resnet, "layer2.0")
    XCTAssertEqual(bottleneck["channels"], "256 → 512")
    XCTAssertEqual(bottleneck["width"], "128")
    XCTAssertEqual(bottleneck["stride"], "2")
    XCTAssertEqual(bottleneck["expansion"], "4")
    XCTAssertEqual(facts(resnet, "layer2.1")["stride"], "1")

    let se = facts(try ExplorerModel.zoo(named: "seresnet50"), "layer1.0.se")
    XCTAssertEqual(se["channels"], "256")
    XCTAssertEqual(se["reduction r"], "16")

    let sk = try ExplorerModel.zoo(named: "skresnext50_32x4d")
    let kernel = facts(sk, "layer1.0.conv2")
    XCTAssertEqual(kernel["branch 0"], "3×3, groups 32")
    XCTAssertEqual(kernel["branch 1"], "3×3, dilation 2 (sees 5×5), groups 32")
    XCTAssertEqual(facts(sk, "layer1.0")["groups (cardinality)"], "32")

    let resnest = facts(try ExplorerModel.zoo(named: "resnest50d"), "layer1.0.conv2")
    XCTAssertEqual(resnest["radix (R)"], "2")
    // timm's resnest50d: cardinality 1, radix 2 (its conv's 2 groups are radix × cardinality).
    let resnestBlock = facts(try ExplorerModel.zoo(named: "resnest50d"), "layer1.0")
    XCTAssertEqual(resnestBlock["cardinality"], "1")
    XCTAssertEqual(resnestBlock["radix"], "2")
    XCTAssertNil(resnestBlock["groups (cardinality)"])

    let densenet = try ExplorerModel.zoo(named: "densenet121")
    let layer = facts(densenet, "features.denseblock1.denselayer1")
    XCTAssertEqual(layer["growth rate k"], "32")
    XCTAssertEqual(layer["input channels"], "64")
    XCTAssertEqual(layer["bottleneck"], "128 (4·k)")
    XCTAssertEqual(facts(densenet, "features.denseblock1")["channels"], "64 → 256")
    XCTAssertEqual(facts(densenet, "features.denseblock1")["layers"], "6")
  }

  /// The root's activation memory reads as `summary` prints it: one unit, one figure (issue #17).
  func testActivationMemoryMatchesTheSummary() throws {
    let analysis = try ModelSpec(named: "resnet50").analyze(batch: 1, size: nil)
    let model = try ExplorerModel.zoo(named: "resnet50")
    XCTAssertEqual(model.nodes[0].subtreeActivationBytes, analysis.activationBytes)
    let text = DetailsPane.lines(for: ExplorerState(model: model), width: 60).map { $0.segments.map(\.text).joined() }
      .joined(separator: "\n")
    XCTAssertTrue(text.contains(NumberFormat.megabytes(analysis.activationBytes)), text)
    XCTAssertFalse(text.contains("MiB"))
  }

  func testUnknownModelNamesTheChoices() {
    XCTAssertThrowsError(try ExplorerModel.zoo(named: "resnet51")) { error in
      XCTAssertTrue("\(error)".contains("resnet50"), "\(error)")
    }
  }
}
