import Explorer
import Models
import Session
import XCTest

/// The compare view's figures: stages add up to the totals, depth counts the weighted layers.
final class ModelSummaryTests: XCTestCase {
  func testStagesAddUpToTheTotalsForEveryZooModel() throws {
    for entry in ExplorerServices.catalogue(input: InputChoice()) {
      let summary = ModelSummary(try ExplorerModel(session: Session(spec: entry.spec)))
      XCTAssertEqual(summary.stages.map(\.params).reduce(0, +), summary.params, entry.name)
      XCTAssertEqual(summary.stages.map(\.macs).reduce(0, +), summary.macs, entry.name)
      XCTAssertEqual(summary.stages.first?.name, "stem", entry.name)
      XCTAssertEqual(summary.stages.last?.name, "head", entry.name)
      XCTAssertGreaterThanOrEqual(summary.stages.count, 4, entry.name)
      for stage in summary.stages { XCTAssertFalse(stage.outputShape.isEmpty, "\(entry.name) \(stage.name)") }
    }
  }

  func testResNet50Stages() throws {
    let summary = ModelSummary(try ExplorerModel.zoo(named: "resnet50"))
    XCTAssertEqual(summary.stages.map(\.name), ["stem", "layer1", "layer2", "layer3", "layer4", "head"])
    XCTAssertEqual(
      summary.stages.map(\.outputShape),
      [[1, 64, 56, 56], [1, 256, 56, 56], [1, 512, 28, 28], [1, 1024, 14, 14], [1, 2048, 7, 7], [1, 1000]])
    // torchvision: conv1 9,408 + bn1 128; layer1 215,808; fc 2,049,000.
    XCTAssertEqual(summary.stages[0].params, 9_536)
    XCTAssertEqual(summary.stages[1].params, 215_808)
    XCTAssertEqual(summary.stages[5].params, 2_049_000)
    XCTAssertEqual(summary.depth, 54, "49 main-path convs + 4 downsample convs + fc")
  }

  func testDenseNet121StagesTakeTheirTransitions() throws {
    let summary = ModelSummary(try ExplorerModel.zoo(named: "densenet121"))
    XCTAssertEqual(
      summary.stages.map(\.name), ["stem", "denseblock1", "denseblock2", "denseblock3", "denseblock4", "head"])
    XCTAssertEqual(summary.stages[1].outputShape, [1, 128, 28, 28], "after transition1")
    XCTAssertEqual(summary.stages[4].outputShape, [1, 1024, 7, 7], "the dense block's concatenation")
    XCTAssertEqual(summary.depth, 121, "the 121 of DenseNet-121: 120 convs + the classifier")
  }
}
