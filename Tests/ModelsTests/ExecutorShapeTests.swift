// Every node the executor runs returns the shape the static analysis predicts, for every zoo model, at odd
// sizes and batch 2; where the analysis rejects an input as too small, the executor fails too.
import Models
import Runtime
import TensorCore
import XCTest

final class ExecutorShapeTests: XCTestCase {
  func testEveryNodeMatchesTheStaticAnalysis() throws {
    for model in Zoo.models {
      // One executor and one set of seeded weights per model (drawing them dominates for the large ones); each
      // size is a new input on it, as the explorer's `i` gives one.
      let executor = try Executor(network: model.build())
      try executor.setSeededWeights(seed: 1)
      executor.observeAll(.statistics)
      for size in model.inputSize == 32 ? [17, 32] : [33, 47] {
        let analysis = try model.analyze(batch: 2, size: size)
        let expected = Dictionary(analysis.nodes.map { ($0.path, $0.outputShape) }, uniquingKeysWith: { a, _ in a })
        let shape = model.inputShape(batch: 2, size: size)
        try executor.setInput(try Tensor(shape: shape, data: WeightInit.input(seed: 1, shape: shape)))
        let observations = try executor.runToEnd().flatMap(\.observations).filter { $0.role == .output }
        // A module applied several times (torchvision's shared `relu`) is described by its last call.
        let last = Dictionary(observations.map { ($0.path, $0.shape) }, uniquingKeysWith: { _, later in later })
        for (path, shape) in last {
          XCTAssertEqual(shape, expected[path] ?? nil, "\(model.name) at \(size): \(path)")
        }
        let seen = Set(last.keys)
        // Every node that returns something ran (ModuleLists, with no output shape, never run).
        let callable = Set(expected.filter { $0.value != nil }.keys)
        XCTAssertEqual(seen, callable, "\(model.name) at \(size)")
      }
    }
  }

  func testInputsTheAnalysisRejectsFailToRun() throws {
    for (name, size) in [("densenet121", 8), ("densenet169", 15), ("densenet_bc_100", 3)] {
      let model = try Zoo.model(named: name)
      XCTAssertThrowsError(try model.analyze(batch: 1, size: size), "\(name) at \(size)")
      let executor = try Executor(network: model.build())
      try executor.setSeededWeights(seed: 1)
      let shape = model.inputShape(batch: 1, size: size)
      try executor.setInput(try Tensor(shape: shape, data: WeightInit.input(seed: 1, shape: shape)))
      XCTAssertThrowsError(try executor.runToEnd(), "\(name) at \(size)") { error in
        guard case .op = error as? ExecutorError else { return XCTFail("\(error)") }
      }
    }
  }
}
