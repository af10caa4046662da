import Formats
import Foundation
import Graph
import Models
import Runtime
import TensorCore
// The executor against PyTorch: logits, one intermediate node and one block's attention weights per family,
// for every zoo model, with the seeded weights export-weights writes (fixtures: scripts/make_exec_fixtures.py).
import TestSupport
import XCTest

final class ExecutorExactnessTests: XCTestCase {
  /// Tests/Fixtures/exec in the source tree.
  private static let directory = Fixtures.path("exec")

  private struct Manifest: Decodable {
    struct Entry: Decodable {
      var input_size: Int
      var logits: String
      var node: String?
      var node_file: String?
      var attention: String?
      var attention_kind: String?
      var attention_file: String?
    }
    var weight_seed: UInt64
    var input_seed: UInt64
    var batch: Int
    var models: [String: Entry]
  }

  private func manifest() throws -> Manifest {
    let data = try Data(contentsOf: URL(fileURLWithPath: Self.directory + "/manifest.json"))
    return try JSONDecoder().decode(Manifest.self, from: data)
  }

  /// max |a − b| ≤ 1e-4 · max |b|: float32 sums in a different order (and BN folded into convs) differ from
  /// PyTorch's by a few ulps per op; 1e-4 of the largest value leaves room for ~100 layers of such noise.
  private func assertClose(
    _ got: [Float], _ want: NPYArray, _ what: String, file: StaticString = #filePath, line: UInt = #line
  ) {
    XCTAssertEqual(got.count, want.values.count, what, file: file, line: line)
    guard got.count == want.values.count else { return }
    let scale = want.values.map { abs($0) }.max() ?? 0
    let diff = zip(got, want.values).map { abs($0 - $1) }.max() ?? 0
    XCTAssertLessThanOrEqual(
      diff, 1e-4 * scale, "\(what): max diff \(diff), max |ref| \(scale)", file: file, line: line)
  }

  /// Logits (and, when `observing`, one node's output and one block's attention) against PyTorch. Without
  /// observers the executor takes its fused paths (BN into convs, residual sums and SE scaling in one pass).
  private func check(_ name: String, in manifest: Manifest, observing: Bool = true) throws {
    guard let entry = manifest.models[name] else { return XCTFail("no fixture for \(name)") }
    let model = try Zoo.model(named: name)
    let executor = try Executor(network: model.build())
    try executor.setSeededWeights(seed: manifest.weight_seed, testStatistics: true)
    let shape = [manifest.batch, 3, entry.input_size, entry.input_size]
    try executor.setInput(try Tensor(shape: shape, data: WeightInit.input(seed: manifest.input_seed, shape: shape)))
    if observing, let node = entry.node { try executor.observe(node, .output) }
    if observing, let attention = entry.attention { try executor.observe(attention, [.attention]) }
    let reports = try executor.runToEnd()
    let logits = try XCTUnwrap(executor.output, name)
    assertClose(logits.array, try NPYArray.read(path: Self.directory + "/" + entry.logits), "\(name) logits")
    XCTAssertEqual(logits.shape, [manifest.batch, model.numClasses])
    let observations = reports.flatMap(\.observations)
    guard observing else { return }
    if let node = entry.node, let file = entry.node_file {
      let want = try NPYArray.read(path: Self.directory + "/" + file)
      let got = try XCTUnwrap(observations.first { $0.path == node && $0.role == .output }?.tensor, "\(name) \(node)")
      XCTAssertEqual(got.shape, want.shape, "\(name) \(node) shape")
      assertClose(got.array, want, "\(name) \(node)")
    }
    if let path = entry.attention, let file = entry.attention_file {
      let want = try NPYArray.read(path: Self.directory + "/" + file)
      let got = try XCTUnwrap(observations.first { $0.path == path && $0.role.label == "attention" }, "\(name) \(path)")
      XCTAssertEqual(got.shape, want.shape, "\(name) \(path) attention shape")
      assertClose(try XCTUnwrap(got.tensor).array, want, "\(name) \(path) attention")
      if case .attention(let kind) = got.role { XCTAssertEqual(kind.rawValue, entry.attention_kind) }
    }
  }

  private func checkFamily(_ family: Family, observing: Bool = true) throws {
    let manifest = try manifest()
    // The bases; the presets' logits are checked with the other variants (VariantTests).
    let names = Zoo.models.filter { $0.family == family && $0.preset == nil }.map(\.name)
    XCTAssertFalse(names.isEmpty)
    for name in names { try check(name, in: manifest, observing: observing) }
  }

  func testResNetFamilyMatchesPyTorch() throws { try checkFamily(.resnet) }
  func testDenseNetFamilyMatchesPyTorch() throws { try checkFamily(.densenet) }
  func testSENetFamilyMatchesPyTorch() throws { try checkFamily(.senet) }
  func testSKNetFamilyMatchesPyTorch() throws { try checkFamily(.sknet) }
  func testResNeStFamilyMatchesPyTorch() throws { try checkFamily(.resnest) }

  /// The logits again with nothing observed, so every fusion runs (conv + BN + ReLU, BN → ReLU → conv, the
  /// residual sum in the last conv's store or in the SE scaling), with every product on OpenBLAS (the paths
  /// a CPU without AVX-512 takes: shifted and swapped GEMMs, batch norms as passes of their own) and on
  /// TensorCore's own GEMM where the CPU has it.
  func testEveryFamilyMatchesPyTorchUnobservedOnEachBackend() throws {
    for backend in GEMM.supportedBackends {
      let saved = GEMM.backend
      GEMM.backend = backend
      defer { GEMM.backend = saved }
      for family in [Family.resnet, .densenet, .senet, .sknet, .resnest] {
        try checkFamily(family, observing: false)
      }
    }
  }
}
