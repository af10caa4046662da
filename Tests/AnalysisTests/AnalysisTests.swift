import Analysis
import Graph
import XCTest

/// The tracer against hand-computed shapes, counts and receptive fields on small networks.
final class AnalysisTests: XCTestCase {
  /// conv 3→8 k3 s2 p1 (+bias) → BN → ReLU → maxpool k3 s2 p1 → global pool → flatten → linear 8→5.
  private func tinyNetwork() -> Network {
    Network(
      kind: "Tiny",
      children: [
        .conv2d("conv", 3, 8, kernel: 3, stride: 2, padding: 1, bias: true), .batchNorm2d("bn", 8), .relu("relu"),
        .maxPool2d("pool", kernel: 3, stride: 2, padding: 1), .linear("fc", 8, 5),
      ],
      steps: [
        Network.Step("stem", [.module("conv"), .module("bn"), .module("relu"), .module("pool")]),
        Network.Step("head", [.globalAvgPool, .flatten, .module("fc")]),
      ])
  }

  func testShapesCountsAndFieldsOfASmallNetwork() throws {
    let a = try Analysis(network: tinyNetwork(), inputShape: [2, 3, 32, 32])
    let conv = try XCTUnwrap(a.node("conv"))
    XCTAssertEqual(conv.outputShape, [2, 8, 16, 16])
    // N·OC·OH·OW·(IC/groups)·KH·KW; the bias is an element op, not a MAC.
    XCTAssertEqual(conv.macs, 2 * 8 * 16 * 16 * 3 * 3 * 3)
    XCTAssertEqual(conv.elementOps, 2 * 8 * 16 * 16)
    XCTAssertEqual(conv.params, 8 * 3 * 9 + 8)
    XCTAssertEqual(conv.receptiveField, 3)
    XCTAssertEqual(conv.jump, 2)
    XCTAssertEqual(a.node("bn")?.elementOps, 2 * 2 * 8 * 16 * 16)
    XCTAssertEqual(a.node("bn")?.buffers, 8 + 8 + 1)
    XCTAssertEqual(a.node("relu")?.elementOps, 2 * 8 * 16 * 16)
    let pool = try XCTUnwrap(a.node("pool"))
    XCTAssertEqual(pool.outputShape, [2, 8, 8, 8])
    XCTAssertEqual(pool.elementOps, 2 * 8 * 8 * 8 * 8)  // k²−1 comparisons per output
    XCTAssertEqual(pool.receptiveField, 3 + 2 * 2)
    XCTAssertEqual(pool.jump, 4)
    XCTAssertEqual(a.node("fc")?.outputShape, [2, 5])
    XCTAssertEqual(a.node("fc")?.macs, 2 * 8 * 5)
    XCTAssertEqual(a.totalMACs, 2 * 8 * 16 * 16 * 27 + 2 * 8 * 5)
    XCTAssertEqual(a.totalParams, 8 * 27 + 8 + 16 + 8 * 5 + 5)
    // The root's own ops are the functional global pool: one add per input element.
    XCTAssertEqual(a.root.ownElementOps, 2 * 8 * 8 * 8)
    XCTAssertEqual(a.outputShape, [2, 5])
    // Activation memory: conv, bn, relu, pool, pooled vector, fc outputs (views such as flatten excluded).
    XCTAssertEqual(a.activationBytes, 4 * (3 * 2 * 8 * 16 * 16 + 2 * 8 * 8 * 8 + 2 * 8 + 2 * 5))
  }

  func testInputTooSmallNamesTheNodeAndShape() {
    let network = Network(
      kind: "Net", children: [.conv2d("conv", 3, 4, kernel: 3), .conv2d("deep", 4, 4, kernel: 5)],
      steps: [Network.Step("stem", [.module("conv"), .module("deep")])])
    XCTAssertThrowsError(try Analysis(network: network, inputShape: [1, 3, 6, 6])) { error in
      XCTAssertEqual(
        (error as? AnalysisError)?.description,
        "input too small: deep (Conv2d) gets 1×4×4×4: a 5×5 window with stride 1 and padding 0 leaves an output of 0×0")
    }
    XCTAssertNoThrow(try Analysis(network: network, inputShape: [1, 3, 7, 7]))
    XCTAssertThrowsError(try Analysis(network: network, inputShape: [3, 3, 6, 6])) { error in
      XCTAssertEqual(
        (error as? AnalysisError)?.description,
        "input too small: deep (Conv2d) gets 3×4×4×4: a 5×5 window with stride 1 and padding 0 leaves an output of 0×0",
        "the batch of the input, not the batch-1 trace that bounds the counts")
    }
    XCTAssertThrowsError(try Analysis(network: network, inputShape: [1, 3, 7])) { error in
      guard case .badInput = error as? AnalysisError else { return XCTFail("\(error)") }
    }
  }

  func testChannelMismatchIsReported() {
    let network = Network(
      kind: "Net", children: [.conv2d("conv", 3, 4, kernel: 1), .batchNorm2d("bn", 5)],
      steps: [Network.Step("stem", [.module("conv"), .module("bn")])])
    XCTAssertThrowsError(try Analysis(network: network, inputShape: [1, 3, 8, 8])) { error in
      XCTAssertEqual(
        (error as? AnalysisError)?.description,
        "shape mismatch at bn (BatchNorm2d): expected N×5×H×W, got 1×4×8×8")
    }
  }

  /// Pooling output sizes equal PyTorch's (values checked with torch 1.13).
  func testPoolingSizesFollowPyTorch() throws {
    func size(_ input: Int, kernel: Int, stride: Int, padding: Int = 0, ceil: Bool) throws -> Int? {
      let network = Network(
        kind: "Net",
        children: [.maxPool2d("pool", kernel: kernel, stride: stride, padding: padding, ceilMode: ceil)],
        steps: [Network.Step("stem", [.module("pool")])])
      return try Analysis(network: network, inputShape: [1, 1, input, input]).node("pool")?.outputShape?[2]
    }
    XCTAssertEqual(try size(5, kernel: 3, stride: 2, ceil: true), 2)
    XCTAssertEqual(try size(112, kernel: 3, stride: 2, ceil: true), 56)  // legacy SE-ResNet pool0
    XCTAssertEqual(try size(112, kernel: 3, stride: 2, padding: 1, ceil: false), 56)
    XCTAssertEqual(try size(1, kernel: 2, stride: 2, ceil: true), 1)
    XCTAssertEqual(try size(6, kernel: 3, stride: 2, padding: 1, ceil: true), 4)
    XCTAssertThrowsError(try size(1, kernel: 2, stride: 2, ceil: false))
  }

  /// A module called twice reports its last output and the sum of both calls' counts (torchvision's shared relu).
  func testSharedModuleAccumulatesCalls() throws {
    let block = Module.container(
      "block", kind: "BasicBlock",
      layer: .residual(ResidualConfig(body: [.module("conv"), .module("relu")], post: [.module("relu")])),
      [.conv2d("conv", 4, 4, kernel: 3, padding: 1), .relu("relu")])
    let network = Network(kind: "Net", children: [block], steps: [Network.Step("block", [.module("block")])])
    let a = try Analysis(network: network, inputShape: [1, 4, 5, 5])
    XCTAssertEqual(a.node("block.relu")?.elementOps, 2 * 4 * 25)
    XCTAssertEqual(a.node("block")?.ownElementOps, 4 * 25)  // the residual add
    XCTAssertEqual(a.node("block")?.outputShape, [1, 4, 5, 5])
    XCTAssertEqual(a.node("block")?.receptiveField, 3)
  }

  func testDenseBlockConcatenatesAndContainersTakeTheLastState() throws {
    func layer(_ c: Int) -> Module {
      .container("", kind: "_DenseLayer", layer: .sequential, [.conv2d("conv", c, 2, kernel: 3, padding: 1)])
    }
    let block = Module.container(
      "block", kind: "_DenseBlock", layer: .denseBlock, [layer(3).named("l1"), layer(5).named("l2")])
    let features = Module.container("features", kind: "Sequential", layer: .sequential, [block])
    let network = Network(
      kind: "Net", children: [features],
      steps: [
        Network.Step("features.block.l1", [.dense("features.block.l1")]),
        Network.Step("features.block.l2", [.dense("features.block.l2")]),
      ])
    let a = try Analysis(network: network, inputShape: [1, 3, 4, 4])
    XCTAssertEqual(a.node("features.block.l1")?.outputShape, [1, 2, 4, 4])
    XCTAssertEqual(a.node("features.block.l2")?.outputShape, [1, 2, 4, 4])
    XCTAssertEqual(a.node("features.block")?.outputShape, [1, 7, 4, 4])
    XCTAssertEqual(a.node("features")?.outputShape, [1, 7, 4, 4])
    XCTAssertEqual(a.node("features.block")?.macs, 16 * 2 * 3 * 9 + 16 * 2 * 5 * 9)
  }

  func testStateDictKeysAndHyperParameters() {
    let seq = Module.sequential("downsample", [.conv2d("", 8, 16, kernel: 1, stride: 2), .batchNorm2d("", 16)])
    let root = Module("", kind: "Net", layer: .sequential, children: [seq])
    XCTAssertEqual(
      root.stateDict().map(\.key),
      [
        "downsample.0.weight", "downsample.1.weight", "downsample.1.bias", "downsample.1.running_mean",
        "downsample.1.running_var", "downsample.1.num_batches_tracked",
      ])
    XCTAssertEqual(root.descendant(at: "downsample.1")?.kind, "BatchNorm2d")
    XCTAssertNil(root.descendant(at: "downsample.2"))
    let conv = Module.conv2d("c", 8, 16, kernel: 3, stride: 2, padding: 2, dilation: 2, groups: 4)
    XCTAssertEqual(conv.parameters, [TensorSpec("weight", [16, 2, 3, 3])])
    XCTAssertEqual(
      conv.hyperParameters.map { "\($0.label)=\($0.value)" },
      [
        "in_channels=8", "out_channels=16", "kernel_size=3×3", "stride=2", "padding=2", "dilation=2", "groups=4",
        "bias=no",
      ])
    guard case .conv2d(let config) = conv.layer else { return XCTFail("not a conv") }
    XCTAssertEqual(config, Conv2dConfig(8, 16, kernel: 3, stride: 2, padding: 2, dilation: 2, groups: 4))
  }
}

extension AnalysisTests {
  /// Inputs whose counts would overflow 64 bits are refused in one line instead of trapping.
  func testInputsTooLargeToCount() throws {
    XCTAssertThrowsError(try Analysis(network: tinyNetwork(), inputShape: [1, 3, 65_537, 8])) { error in
      XCTAssertEqual(
        (error as? AnalysisError)?.description,
        "input too large: 1×3×65537×8: height and width are limited to 65,536")
    }
    XCTAssertThrowsError(try Analysis(network: tinyNetwork(), inputShape: [1 << 50, 3, 32, 32])) { error in
      XCTAssertEqual(
        (error as? AnalysisError)?.description,
        "input too large: 1125899906842624×3×32×32: batch 1,125,899,906,842,624 makes the counts overflow 64 bits")
    }
    // A large batch that fits is counted exactly, linearly in N.
    let one = try Analysis(network: tinyNetwork(), inputShape: [1, 3, 32, 32])
    let many = try Analysis(network: tinyNetwork(), inputShape: [1 << 30, 3, 32, 32])
    XCTAssertEqual(many.totalMACs, one.totalMACs << 30)
    XCTAssertEqual(many.activationBytes, one.activationBytes << 30)
  }

  /// The memory estimate: weights twice, the input, the largest step's activations and twice the largest tensor.
  func testPeakMemoryEstimate() throws {
    let network = tinyNetwork()
    let a = try Analysis(network: network, inputShape: [2, 3, 32, 32])
    let weights = 2 * 4 * (285 + 17)
    let input = 4 * 2 * 3 * 32 * 32
    let stem = 4 * (3 * 2 * 8 * 16 * 16 + 2 * 8 * 8 * 8)  // conv, bn, relu, pool
    let largest = 4 * 2 * 8 * 16 * 16
    XCTAssertEqual(a.peakMemoryBytes(network: network), weights + input + stem + 2 * largest)
    XCTAssertEqual(
      a.peakMemoryBytes(network: network, keepingEveryOutput: true), weights + input + a.activationBytes + 2 * largest)
    XCTAssertNoThrow(try a.checkMemory(network: network, available: 200_000))
    XCTAssertThrowsError(try a.checkMemory(network: network, available: 100_000)) { error in
      XCTAssertEqual(
        (error as? AnalysisError)?.description,
        "input too large: 2×3×32×32: a forward pass needs about 0.1 MB of memory, this machine has 0.1 MB; "
          + "use a smaller size or batch")
    }
  }

  /// A container's memory limit lowers the memory the check compares with; `max` means none.
  func testCgroupLimits() {
    XCTAssertEqual(Analysis.cgroupLimit("4294967296\n"), 4_294_967_296)
    XCTAssertNil(Analysis.cgroupLimit("max\n"))
    XCTAssertNil(Analysis.cgroupLimit(""))
    XCTAssertGreaterThan(Analysis.physicalMemoryBytes, 0)
  }
}
