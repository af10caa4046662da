// The executor on small hand-built networks: stepping, resume, reset, cancel, buffer reuse, observers,
// residual and attention capture, and fused results against plain-loop references.
import Dispatch
import Foundation
import Graph
import Runtime
import TensorCore
import XCTest

final class ExecutorTests: XCTestCase {
  /// A tiny ResNet-like network: stem conv-BN-ReLU, two residual blocks (the second with SE), a head.
  /// Input N×3×12×12; channels 3 → 8 → 16.
  static func tinyNetwork() -> Network {
    func bn(_ name: String, _ c: Int) -> Module { .batchNorm2d(name, c) }
    let block0 = Module.container(
      "0", kind: "BasicBlock",
      layer: .residual(
        ResidualConfig(
          body: [.module("conv1"), .module("bn1"), .module("relu"), .module("conv2"), .module("bn2")],
          shortcut: [.module("downsample")], post: [.module("relu")])),
      [
        .conv2d("conv1", 8, 16, kernel: 3, stride: 2, padding: 1), bn("bn1", 16), .relu("relu"),
        .conv2d("conv2", 16, 16, kernel: 3, padding: 1), bn("bn2", 16),
        .sequential("downsample", [.conv2d("", 8, 16, kernel: 1, stride: 2), bn("", 16)]),
      ])
    let se = Module.container(
      "se", kind: "SEModule", layer: .squeezeExcite,
      [
        .conv2d("fc1", 16, 4, kernel: 1, bias: true), .identity("bn"), .relu("act"),
        .conv2d("fc2", 4, 16, kernel: 1, bias: true), .sigmoid("gate"),
      ])
    let block1 = Module.container(
      "1", kind: "Bottleneck",
      layer: .residual(
        ResidualConfig(
          body: [.module("conv1"), .module("bn1"), .module("act1"), .module("conv2"), .module("bn2"), .module("se")],
          post: [.module("act2")])),
      [
        .conv2d("conv1", 16, 16, kernel: 3, padding: 2, dilation: 2, groups: 4), bn("bn1", 16), .relu("act1"),
        .conv2d("conv2", 16, 16, kernel: 1), bn("bn2", 16), se, .relu("act2"),
      ])
    return Network(
      kind: "Tiny",
      children: [
        .conv2d("conv1", 3, 8, kernel: 3, padding: 1), bn("bn1", 8), .relu("relu"),
        .sequential("layer1", [block0, block1]), .adaptiveAvgPool2d("avgpool"), .linear("fc", 16, 5),
      ],
      steps: [
        .init("stem", [.module("conv1"), .module("bn1"), .module("relu")]),
        .init("layer1.0", [.module("layer1.0")]), .init("layer1.1", [.module("layer1.1")]),
        .init("head", [.module("avgpool"), .flatten, .module("fc")]),
      ])
  }

  private func executor(batch: Int = 2, seed: UInt64 = 5) throws -> Executor {
    let e = try Executor(network: Self.tinyNetwork())
    try e.setSeededWeights(seed: seed, testStatistics: true)
    let shape = [batch, 3, 12, 12]
    try e.setInput(try Tensor(shape: shape, data: WeightInit.input(seed: 3, shape: shape)))
    return e
  }

  private func maxDifference(_ a: [Float], _ b: [Float]) -> Float {
    precondition(a.count == b.count)
    return zip(a, b).map { abs($0 - $1) }.max() ?? 0
  }

  func testStepsRunOneAtATimeAndResumeReset() throws {
    let e = try executor()
    XCTAssertEqual(e.network.steps.map(\.name), ["stem", "layer1.0", "layer1.1", "head"])
    let first = try XCTUnwrap(try e.step())
    XCTAssertEqual(first.name, "stem")
    XCTAssertEqual(first.outputShape, [2, 8, 12, 12])
    XCTAssertGreaterThan(first.seconds, 0)
    XCTAssertNil(e.output)
    let next = try e.run(through: "layer1.1")
    XCTAssertEqual(next.map(\.name), ["layer1.0", "layer1.1"])
    XCTAssertEqual(next.map(\.outputShape), [[2, 16, 6, 6], [2, 16, 6, 6]])
    XCTAssertEqual(try e.runToEnd().map(\.name), ["head"])
    let logits = try XCTUnwrap(e.output).array
    XCTAssertNil(try e.step(), "nothing left to run")
    XCTAssertTrue(try e.runToEnd().isEmpty)

    e.reset()
    XCTAssertEqual(e.nextStep, 0)
    XCTAssertNil(e.output)
    XCTAssertEqual(try e.runToEnd().count, 4)
    XCTAssertEqual(try XCTUnwrap(e.output).array, logits, "a rerun gives the same bits")
    XCTAssertThrowsError(try e.run(through: "layer9")) { XCTAssertEqual($0 as? ExecutorError, .unknownStep("layer9")) }
  }

  func testStepOfANodeAndRootObservation() throws {
    let e = try executor()
    XCTAssertEqual(try e.stepIndex(containing: "bn1"), 0)
    XCTAssertEqual(try e.stepIndex(containing: "layer1.0"), 1)
    XCTAssertEqual(try e.stepIndex(containing: "layer1.0.downsample.1"), 1)
    XCTAssertEqual(try e.stepIndex(containing: "layer1.1.se.fc1"), 2)
    XCTAssertEqual(try e.stepIndex(containing: "fc"), 3)
    XCTAssertEqual(try e.stepIndex(containing: ""), 3)
    XCTAssertThrowsError(try e.stepIndex(containing: "layer1")) {
      XCTAssertEqual($0 as? ExecutorError, .unknownNode("layer1"))
    }
    XCTAssertThrowsError(try e.stepIndex(containing: "nope")) {
      XCTAssertEqual($0 as? ExecutorError, .unknownNode("nope"))
    }
    try e.observe("", .output)
    let last = try XCTUnwrap(try e.runToEnd().last)
    let root = try XCTUnwrap(last.observations.first { $0.path == "" })
    XCTAssertEqual(try XCTUnwrap(root.tensor).array, try XCTUnwrap(e.output).array)
  }

  /// A dense block of three layers (BN-ReLU-conv, k = 2) on a 4-channel stem, stepped layer by layer
  /// (`.dense` ops) or run as one `_DenseBlock` module.
  static func denseNetwork(perLayerSteps: Bool) -> Network {
    let layers = (0..<3).map { l in
      Module.sequential(
        "denselayer\(l + 1)", kind: "_DenseLayer",
        [.batchNorm2d("", 4 + 2 * l), .relu(""), .conv2d("", 4 + 2 * l, 2, kernel: 3, padding: 1)])
    }
    let block = Module.container("denseblock1", kind: "_DenseBlock", layer: .denseBlock, layers)
    let steps: [Network.Step] =
      perLayerSteps
      ? (1...3).map { .init("denseblock1.denselayer\($0)", [.dense("denseblock1.denselayer\($0)")]) }
      : [.init("denseblock1", [.module("denseblock1")])]
    return Network(
      kind: "Dense", children: [.conv2d("conv0", 3, 4, kernel: 3, padding: 1), block],
      steps: [.init("stem", [.module("conv0")])] + steps)
  }

  func testDenseLayersAppendInPlaceAndMatchTheBlockModuleAndPlainConcatenation() throws {
    var outputs: [[Float]] = []
    for perLayer in [true, false] {
      let e = try Executor(network: Self.denseNetwork(perLayerSteps: perLayer))
      try e.setSeededWeights(seed: 2, testStatistics: true)
      try e.setInput(try Tensor(shape: [2, 3, 5, 5], data: WeightInit.input(seed: 4, shape: [2, 3, 5, 5])))
      try e.observe("conv0", .output)
      for l in 1...3 { try e.observe("denseblock1.denselayer\(l)", .output) }
      let reports = try e.runToEnd()
      XCTAssertEqual(reports.last?.outputShape, [2, 10, 5, 5])
      let output = try XCTUnwrap(e.output)
      outputs.append(output.array)
      // The block output is the stem output followed by each layer's own k channels.
      let observed = reports.flatMap(\.observations)
      let parts = try ["conv0"] + (1...3).map { "denseblock1.denselayer\($0)" }
      let tensors = try parts.map { path in try XCTUnwrap(observed.first { $0.path == path }?.tensor, path) }
      XCTAssertEqual(tensors.map { $0.shape[1] }, [4, 2, 2, 2])
      var want: [Float] = []
      for n in 0..<2 {
        for t in tensors { want += Array(UnsafeBufferPointer(start: t.sample(n), count: t.sampleCount)) }
      }
      XCTAssertEqual(output.array, want)
    }
    XCTAssertEqual(outputs[0], outputs[1])
  }

  func testAStageEndingInAFusedReLUStillReportsItsOutput() throws {
    // `stage` is never run as a module (the step runs its children), and its last child, a ReLU, would be
    // fused into the conv before it: observing the stage must still give conv → ReLU's output.
    let stage = Module.sequential("stage", [.conv2d("", 3, 4, kernel: 3, padding: 1), .relu("")])
    let network = Network(
      kind: "Stage", children: [stage, .adaptiveAvgPool2d("pool")],
      steps: [.init("stem", [.module("stage.0"), .module("stage.1")]), .init("head", [.module("pool")])])
    let e = try Executor(network: network)
    try e.setSeededWeights(seed: 3)
    try e.setInput(try Tensor(shape: [1, 3, 4, 4], data: WeightInit.input(seed: 3, shape: [1, 3, 4, 4])))
    try e.observe("stage", .output)
    let first = try XCTUnwrap(try e.step())
    let output = try XCTUnwrap(first.observations.first { $0.path == "stage" }?.tensor)
    XCTAssertEqual(output.shape, [1, 4, 4, 4])
    XCTAssertTrue(output.array.allSatisfy { $0 >= 0 })
    e.removeObservers()
    e.reset()
    XCTAssertEqual(try XCTUnwrap(try e.step()).observations.count, 0)
  }

  func testSteadyStateAllocatesNoBuffers() throws {
    let e = try executor()
    try e.runToEnd()
    let afterFirst = e.bufferAllocations
    XCTAssertGreaterThan(afterFirst, 0)
    for _ in 0..<3 {
      e.reset()
      try e.runToEnd()
    }
    XCTAssertEqual(e.bufferAllocations, afterFirst)
  }

  func testCancelFromAnotherThreadStopsAndTheRunResumes() throws {
    let reference = try executor()
    try reference.runToEnd()
    let want = try XCTUnwrap(reference.output).array

    let e = try executor()
    e.stepFinished = { report in
      // Cancel from another thread once layer1.0 is done; the run stops inside layer1.1.
      if report.name == "layer1.0" { DispatchQueue.global().sync { e.cancel() } }
    }
    XCTAssertThrowsError(try e.runToEnd()) { XCTAssertEqual($0 as? ExecutorError, .cancelled(step: "layer1.1")) }
    XCTAssertEqual(e.nextStep, 2, "left at the start of the interrupted step")
    XCTAssertNil(e.output)
    e.stepFinished = nil
    XCTAssertEqual(try e.runToEnd().map(\.name), ["layer1.1", "head"])
    XCTAssertEqual(try XCTUnwrap(e.output).array, want)
  }

  func testConcurrentCancelLeavesAConsistentExecutor() throws {
    let e = try Executor(network: Self.tinyNetwork())
    try e.setSeededWeights(seed: 1)
    try e.setInput(try Tensor(shape: [8, 3, 96, 96], data: WeightInit.input(seed: 1, shape: [8, 3, 96, 96])))
    let started = DispatchSemaphore(value: 0)
    let finished = DispatchSemaphore(value: 0)
    let outcome = ResultBox()
    e.stepFinished = { _ in started.signal() }
    DispatchQueue.global().async {
      do {
        try e.runToEnd()
        outcome.set("completed")
      } catch { outcome.set("\(error)") }
      finished.signal()
    }
    started.wait()
    e.cancel()
    finished.wait()
    e.stepFinished = nil
    let text = outcome.get()
    XCTAssertTrue(text == "completed" || text.hasPrefix("forward pass cancelled"), text)
    try e.runToEnd()
    XCTAssertTrue(e.isComplete)
  }

  func testObservedNodesEqualUnfusedReferences() throws {
    let fused = try executor()
    try fused.runToEnd()
    let observed = try executor()
    observed.observeAll(.output)
    let reports = try observed.runToEnd()
    XCTAssertLessThanOrEqual(
      maxDifference(try XCTUnwrap(observed.output).array, try XCTUnwrap(fused.output).array), 1e-5)
    let outputs = reports.flatMap(\.observations).filter { $0.role == .output }
    let byPath = Dictionary(outputs.map { ($0.path, $0) }, uniquingKeysWith: { _, last in last })
    // Every module that runs reports what its PyTorch twin returns.
    XCTAssertEqual(byPath["conv1"]?.shape, [2, 8, 12, 12])
    XCTAssertEqual(byPath["layer1.0.downsample"]?.shape, [2, 16, 6, 6])
    XCTAssertEqual(byPath["layer1.1.se.fc1"]?.shape, [2, 4, 1, 1])
    XCTAssertEqual(byPath["avgpool"]?.shape, [2, 16, 1, 1])
    XCTAssertEqual(byPath["fc"]?.shape, [2, 5])
    XCTAssertEqual(byPath[""]?.shape, [2, 5], "the root reports the logits")

    // The stem conv against a plain-loop convolution, and its BN against the formula.
    let weights = WeightInit.stateDict(specs: observed.parameterSpecs, seed: 5, testStatistics: true)
    let x = WeightInit.input(seed: 3, shape: [2, 3, 12, 12])
    let w = try XCTUnwrap(weights["conv1.weight"]?.floats)
    var conv = [Float](repeating: 0, count: 2 * 8 * 144)
    for n in 0..<2 {
      for o in 0..<8 {
        for i in 0..<12 {
          for j in 0..<12 {
            var acc: Float = 0
            for c in 0..<3 {
              for ki in 0..<3 {
                for kj in 0..<3 {
                  let (ii, jj) = (i + ki - 1, j + kj - 1)
                  guard ii >= 0, ii < 12, jj >= 0, jj < 12 else { continue }
                  acc += x[((n * 3 + c) * 12 + ii) * 12 + jj] * w[((o * 3 + c) * 3 + ki) * 3 + kj]
                }
              }
            }
            conv[((n * 8 + o) * 12 + i) * 12 + j] = acc
          }
        }
      }
    }
    XCTAssertLessThanOrEqual(maxDifference(try XCTUnwrap(byPath["conv1"]?.tensor).array, conv), 1e-5)
    let (mean, variance) = (
      try XCTUnwrap(weights["bn1.running_mean"]?.floats), try XCTUnwrap(weights["bn1.running_var"]?.floats)
    )
    let (gamma, beta) = (try XCTUnwrap(weights["bn1.weight"]?.floats), try XCTUnwrap(weights["bn1.bias"]?.floats))
    let bn = conv.enumerated().map { i, v in
      let c = (i / 144) % 8
      return (v - mean[c]) / (variance[c] + 1e-5).squareRoot() * gamma[c] + beta[c]
    }
    XCTAssertLessThanOrEqual(maxDifference(try XCTUnwrap(byPath["bn1"]?.tensor).array, bn), 1e-5)
  }

  func testResidualShortcutBranchAndSEGatesAreReported() throws {
    let e = try executor()
    try e.observe("layer1.0", [.residual, .output])
    try e.observe("layer1.1.se", .attention)
    XCTAssertEqual(e.attentionNodes.map(\.path), ["layer1.1.se"])
    let observations = try e.runToEnd().flatMap(\.observations)
    let shortcut = try XCTUnwrap(observations.first { $0.path == "layer1.0" && $0.role == .shortcut }?.tensor)
    let branch = try XCTUnwrap(observations.first { $0.path == "layer1.0" && $0.role == .branch }?.tensor)
    let output = try XCTUnwrap(observations.first { $0.path == "layer1.0" && $0.role == .output }?.tensor)
    XCTAssertEqual(shortcut.shape, [2, 16, 6, 6])
    let sum = zip(shortcut.array, branch.array).map { max($0 + $1, 0) }
    XCTAssertLessThanOrEqual(maxDifference(sum, output.array), 1e-6)

    let gate = try XCTUnwrap(observations.first { $0.path == "layer1.1.se" })
    XCTAssertEqual(gate.role, .attention(.squeezeExcite))
    XCTAssertEqual(gate.shape, [2, 16])
    XCTAssertTrue(try XCTUnwrap(gate.tensor).array.allSatisfy { $0 > 0 && $0 < 1 })
    let summary = AttentionSummary(kind: .squeezeExcite, weights: try XCTUnwrap(gate.tensor).array, shape: gate.shape)
    XCTAssertTrue(summary.text.hasPrefix("gate mean 0."), summary.text)
  }

  func testStatisticsObserverAndStepStatistics() throws {
    let e = try executor()
    e.stepStatistics = true
    try e.observe("layer1.0.bn1", .statistics)
    let reports = try e.runToEnd()
    XCTAssertTrue(reports.allSatisfy { $0.statistics != nil })
    let stem = try XCTUnwrap(reports[0].statistics)
    XCTAssertEqual(stem.min, 0, "after the fused ReLU")
    XCTAssertEqual(stem.channelMean.count, 8)
    let bn = try XCTUnwrap(reports.flatMap(\.observations).first { $0.path == "layer1.0.bn1" })
    XCTAssertNil(bn.tensor, "statistics only")
    XCTAssertEqual(bn.statistics?.count, 2 * 16 * 36)
  }

  func testRadixSoftmaxTransposesCardinalMajorToRadixMajor() throws {
    // N=2, K=2, R=3, C/K=2: input channel (k·R + r)·2 + j; output (r·K + k)·2 + j, softmax over r.
    let network = Network(
      kind: "Radix",
      children: [Module("rsoftmax", kind: "RadixSoftmax", layer: .radixSoftmax(radix: 3, cardinality: 2))],
      steps: [.init("head", [.module("rsoftmax")])])
    let e = try Executor(network: network)
    try e.setWeights([:])
    let x = (0..<24).map { Float($0 % 7) * 0.3 - Float($0 / 12) }
    try e.setInput(try Tensor(shape: [2, 12, 1, 1], data: x))
    try e.runToEnd()
    let got = try XCTUnwrap(e.output)
    XCTAssertEqual(got.shape, [2, 12])
    var want = [Float](repeating: 0, count: 24)
    for n in 0..<2 {
      for k in 0..<2 {
        for j in 0..<2 {
          let logits = (0..<3).map { r in Double(x[n * 12 + (k * 3 + r) * 2 + j]) }
          let peak = logits.max()!
          let total = logits.map { Foundation.exp($0 - peak) }.reduce(0, +)
          for r in 0..<3 { want[n * 12 + (r * 2 + k) * 2 + j] = Float(Foundation.exp(logits[r] - peak) / total) }
        }
      }
    }
    XCTAssertLessThanOrEqual(maxDifference(got.array, want), 1e-6)
  }

  func testErrorsNameTheNodeAndShapes() throws {
    let e = try Executor(network: Self.tinyNetwork())
    XCTAssertThrowsError(try e.step()) { XCTAssertEqual($0 as? ExecutorError, .noInput) }
    XCTAssertThrowsError(try e.observe("layer1.7", .output)) {
      XCTAssertEqual($0 as? ExecutorError, .unknownNode("layer1.7"))
    }
    XCTAssertThrowsError(try e.setInput(try Tensor(zeros: [3, 12, 12]))) { XCTAssertTrue("\($0)".contains("N×C×H×W")) }
    try e.setSeededWeights(seed: 1)
    try e.setInput(try Tensor(zeros: [1, 4, 12, 12]))
    XCTAssertThrowsError(try e.runToEnd()) { error in
      guard case .op(let path, _) = error as? ExecutorError else { return XCTFail("\(error)") }
      XCTAssertEqual(path, "conv1")
      XCTAssertTrue("\(error)".hasPrefix("at conv1: conv2d"), "\(error)")
    }
    var partial = WeightInit.stateDict(specs: e.parameterSpecs, seed: 1)
    partial.tensors.removeAll { $0.name == "fc.bias" }
    XCTAssertThrowsError(try e.load(partial, modelName: "tiny")) { error in
      XCTAssertEqual("\(error)", "weights do not fit tiny: 1 missing: fc.bias [5]")
    }
  }
}

/// A string set on one thread and read on another.
private final class ResultBox: @unchecked Sendable {
  private let lock = NSLock()
  private var value = ""
  func set(_ v: String) {
    lock.lock()
    value = v
    lock.unlock()
  }
  func get() -> String {
    lock.lock()
    defer { lock.unlock() }
    return value
  }
}
