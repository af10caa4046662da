import Analysis
import Models
import XCTest

/// Totals, stages and blocks of every zoo model equal the reference figures exactly.
final class ZooFiguresTests: XCTestCase {
  func testEveryZooModelHasReferenceTotals() {
    XCTAssertEqual(Set(Zoo.names), Set(ReferenceFigures.totals.map(\.model)))
    XCTAssertEqual(Zoo.names.count, 32)
    XCTAssertEqual(Zoo.models.filter { $0.preset == nil }.count, 20)
  }

  func testTotalsEqualFigures() throws {
    for total in ReferenceFigures.totals {
      let model = try Zoo.model(named: total.model)
      let analysis = try model.analyze()
      XCTAssertEqual(analysis.totalParams, total.params, "\(total.model) params")
      XCTAssertEqual(analysis.totalMACs, total.macs, "\(total.model) conv+linear MACs")
      XCTAssertEqual(model.build().root.stateDict().count, total.stateDictEntries, "\(total.model) state_dict entries")
      XCTAssertEqual(analysis.outputShape, [1, model.numClasses], total.model)
    }
  }

  /// The reconciliation with other tools (README, docs/reference-figures.md §2) reproduces their totals
  /// exactly.
  func testTorchinfoAndFvcoreTotalsAreReproduced() throws {
    // The twenty bases (the presets' torchinfo / fvcore figures are not recorded).
    XCTAssertEqual(
      Set(ReferenceFigures.otherTools.map(\.model)), Set(Zoo.models.filter { $0.preset == nil }.map(\.name)))
    for figure in ReferenceFigures.otherTools {
      let other = try Zoo.model(named: figure.model).analyze().otherConventions
      XCTAssertEqual(other.torchinfoMultAdds, figure.torchinfo, "\(figure.model) torchinfo")
      if let bn = figure.fvcoreBatchNorm { XCTAssertEqual(other.fvcoreBatchNorm, bn, "\(figure.model) fvcore BN") }
      if let pool = figure.fvcorePool { XCTAssertEqual(other.fvcoreAdaptivePool, pool, "\(figure.model) fvcore pool") }
      if let total = figure.fvcore { XCTAssertEqual(other.fvcoreTotal, total, "\(figure.model) fvcore total") }
    }
  }

  func testStagesEqualFigures() throws {
    var analyses: [String: Analysis] = [:]
    for stage in ReferenceFigures.stages {
      let analysis = try analyses[stage.model] ?? Zoo.model(named: stage.model).analyze()
      analyses[stage.model] = analysis
      guard let node = analysis.node(stage.path) else {
        XCTFail("\(stage.model): no node \(stage.path)")
        continue
      }
      if let shape = stage.shape { XCTAssertEqual(node.outputShape, [1] + shape, "\(stage.model) \(stage.path) shape") }
      if let params = stage.params { XCTAssertEqual(node.params, params, "\(stage.model) \(stage.path) params") }
      if let macs = stage.macs { XCTAssertEqual(node.macs, macs, "\(stage.model) \(stage.path) MACs") }
    }
    XCTAssertEqual(analyses.count, 20)
  }

  func testBlocksEqualFigures() throws {
    for block in ReferenceFigures.blocks {
      let node = try XCTUnwrap(Zoo.model(named: block.model).analyze().node(block.path), block.path)
      XCTAssertEqual(node.params, block.params, "\(block.model) \(block.path) params")
      if let macs = block.macs { XCTAssertEqual(node.macs, macs, "\(block.model) \(block.path) MACs") }
    }
  }

  /// ResNet-18's theoretical receptive field at layer4 is the well-known 435 pixels, with stride 32.
  func testReceptiveFieldOfResNet18() throws {
    let analysis = try Zoo.model(named: "resnet18").analyze()
    XCTAssertEqual(analysis.node("layer4")?.receptiveField, 435)
    XCTAssertEqual(analysis.node("layer4")?.jump, 32)
    XCTAssertEqual(analysis.node("maxpool")?.receptiveField, 11)
    XCTAssertEqual(analysis.node("layer2.0.downsample")?.receptiveField, 43)  // 1×1 conv on layer1's output
  }

  /// MACs scale with the batch and with the output area; params do not.
  func testBatchAndInputSizeScaling() throws {
    let model = try Zoo.model(named: "resnet50")
    let one = try model.analyze()
    let four = try model.analyze(batch: 4)
    XCTAssertEqual(four.totalMACs, 4 * one.totalMACs)
    XCTAssertEqual(four.totalParams, one.totalParams)
    XCTAssertEqual(four.node("layer4")?.outputShape, [4, 2048, 7, 7])
    let big = try model.analyze(size: 448)
    XCTAssertEqual(big.node("layer4")?.outputShape, [1, 2048, 14, 14])
    // Every conv output area grows 4×; only the fc layer stays the same.
    XCTAssertEqual(big.totalMACs - 2_048_000, 4 * (one.totalMACs - 2_048_000))
  }
}
