import Models
import Presentation
import Runtime
import Session
import XCTest

/// `summary`'s measured memory is what a run measures: the buffer pool's peak after a forward pass, and the
/// bytes the backward pass's tape keeps.
final class MemoryFiguresTests: XCTestCase {
  private let models: [(String, Int)] = [
    ("resnet18", 64), ("resnet50", 64), ("densenet121", 64), ("seresnet50", 64), ("skresnet18", 64),
    ("resnest50d", 64), ("sknet_cifar", 32), ("senet18", 32),
  ]

  func testActivationPeakEqualsThePoolsPeakInARun() throws {
    for (name, size) in models {
      let session = Session(spec: try ModelSpec(named: name), size: size)
      let measured = try session.measuredMemory()
      // A run of its own, as `run` does it: the pool's bytes after the pass.
      let executor = try session.makeExecutor()
      try executor.runToEnd()
      XCTAssertEqual(measured.activationPeakBytes, executor.poolBytes, name)
      XCTAssertGreaterThan(measured.activationPeakBytes, 0, name)
      // The pool reuses buffers: it holds less than every tensor of the pass, and at least the largest one.
      let analysis = try session.analysis()
      XCTAssertLessThan(measured.activationPeakBytes, analysis.activationBytes, name)
      XCTAssertGreaterThanOrEqual(
        measured.activationPeakBytes, analysis.nodes.map(\.outputBytes).max() ?? 0, name)
      // A second pass allocates nothing: the peak is the steady state.
      executor.reset()
      try executor.runToEnd()
      XCTAssertEqual(executor.poolBytes, measured.activationPeakBytes, name)
    }
  }

  func testBackwardBytesAreWhatTheBackwardPassesTapeKeeps() throws {
    for (name, size) in models.prefix(4) {
      let session = Session(spec: try ModelSpec(named: name), size: size)
      let measured = try session.measuredMemory()
      let report = try session.makeExecutor().backward(.classLogit(nil))
      // The report counts the weights the tape holds too; the memory figure leaves them to params_bytes.
      XCTAssertGreaterThan(measured.backwardBytes, 0, name)
      XCTAssertLessThanOrEqual(measured.backwardBytes, report.savedBytes, name)
      XCTAssertGreaterThanOrEqual(
        measured.backwardBytes + 4 * (try session.analysis().totalParams + session.analysis().totalBuffers),
        report.savedBytes,
        name)
    }
  }

  func testSummaryJSONCarriesTheBytes() throws {
    let spec = try ModelSpec(named: "resnet18")
    let session = Session(spec: spec, size: 64)
    let measured = try session.measuredMemory()
    let json = try session.analysis().report(
      spec: spec, format: .json, depth: 0, memory: MemoryFigures(measured: measured))
    XCTAssertTrue(json.contains("\"input_bytes\": \(4 * 3 * 64 * 64)"), json)
    XCTAssertTrue(json.contains("\"activation_peak_bytes\": \(measured.activationPeakBytes)"))
    XCTAssertTrue(json.contains("\"backward_bytes\": \(measured.backwardBytes)"))
    let skipped = try session.analysis().report(
      spec: spec, format: .table, depth: 0, memory: MemoryFigures(measured: nil, reason: "--no-measure"))
    XCTAssertTrue(skipped.contains("Measured memory: not measured: --no-measure"), skipped)
  }

  /// `bench --per-layer`: every conv is listed once, its BN fused into it; the times are the pass's.
  func testPerLayerTimesEveryConvAndMarksFusedNorms() throws {
    let spec = try ModelSpec(named: "resnet18")
    let session = Session(spec: spec, size: 64)
    let executor = try session.makeExecutor()
    let profiler = LayerProfiler()
    executor.profiler = profiler
    try executor.runToEnd()
    let analysis = try session.analysis()
    let rows = LayerTiming.rows(profiles: [profiler.profile], network: session.network, analysis: analysis)
    let convs = analysis.nodes.filter { $0.kind == "Conv2d" }.map(\.path)
    // In the order they ran (a block's downsample before its branch), each conv once.
    let timed = rows.filter { $0.kind == "Conv2d" }.map(\.path)
    XCTAssertEqual(timed.count, convs.count)
    XCTAssertEqual(Set(timed), Set(convs))
    let bn1 = try XCTUnwrap(rows.first { $0.path == "layer1.0.bn1" })
    XCTAssertEqual(bn1.fusedInto, "layer1.0.conv1")
    XCTAssertNil(bn1.medianMs)
    let conv = try XCTUnwrap(rows.first { $0.path == "layer1.0.conv1" })
    XCTAssertEqual(conv.macs, analysis.node("layer1.0.conv1")?.ownMACs)
    XCTAssertTrue(conv.fused.contains("layer1.0.bn1"))
    XCTAssertNotNil(conv.gflops)
    XCTAssertNotNil(rows.first { $0.path == "maxpool" }?.medianMs)
    XCTAssertNotNil(rows.first { $0.path == "fc" }?.medianMs)
  }
}
