import Analysis
import Graph
import Models
import TestSupport
import XCTest

/// Every node path, kind, own tensor shapes and output shape equal PyTorch's (fixtures from torchvision/timm).
final class ReferenceTreeTests: XCTestCase {
  static let fixtureModels = [
    "resnet18", "resnet50", "densenet121", "densenet_bc_100", "senet18", "seresnet50", "skresnet18",
    "skresnext50_32x4d", "sknet_cifar", "resnest14d",
  ]

  func testTreesMatchPyTorchModuleForModule() throws {
    for name in Self.fixtureModels {
      let fixture = try ReferenceFixture(model: name)
      let model = try Zoo.model(named: name)
      let network = model.build()
      let analysis = try Analysis(network: network, inputShape: fixture.inputShape)
      let ours = network.root.walk().map { entry in
        ReferenceModule(
          path: entry.path, kind: entry.module.kind, outputShape: analysis.node(entry.path)?.outputShape,
          tensors: (entry.module.parameters + entry.module.buffers).map {
            "\($0.name)=" + $0.shape.map(String.init).joined(separator: ",")
          })
      }
      XCTAssertEqual(ours.map(\.path), fixture.modules.map(\.path), "\(name): module paths in named_modules() order")
      for (mine, reference) in zip(ours, fixture.modules) where mine != reference {
        XCTFail("\(name): \(mine) ≠ \(reference)")
      }
    }
  }

  /// Every zoo model (the detailed ten included): the FNV-1a digest of its module lines equals PyTorch's.
  func testEveryZooModelMatchesPyTorchDigest() throws {
    let rows = try String(contentsOf: Fixtures.url("zoo/digests.txt"), encoding: .utf8).split(separator: "\n").filter {
      !$0.hasPrefix("#")
    }
    XCTAssertEqual(Set(rows.map { String($0.split(separator: " ")[0]) }), Set(Zoo.names))
    for row in rows {
      let fields = row.split(separator: " ").map(String.init)
      let model = try Zoo.model(named: fields[0])
      let size = try XCTUnwrap(Int(fields[1]))
      let lines = try Self.moduleLines(model, inputShape: [2, 3, size, size])
      XCTAssertEqual(String(lines.count), fields[2], "\(model.name): module count")
      let digest = Self.fnv1a64(Array((lines.joined(separator: "\n") + "\n").utf8))
      XCTAssertEqual(String(digest, radix: 16).leftPadded(to: 16), fields[3], "\(model.name): module lines differ")
    }
  }

  /// The fixture line format of scripts/make_zoo_fixtures.py, built from our tree and analysis.
  static func moduleLines(_ model: ZooModel, inputShape: [Int]) throws -> [String] {
    try moduleLines(model.build(), inputShape: inputShape)
  }

  /// The fixture line format of scripts/make_zoo_fixtures.py for a built network.
  static func moduleLines(_ network: Network, inputShape: [Int]) throws -> [String] {
    let analysis = try Analysis(network: network, inputShape: inputShape)
    return network.root.walk().map { entry in
      let shape = analysis.node(entry.path)?.outputShape.map { $0.map(String.init).joined(separator: "x") } ?? "-"
      let tensors = (entry.module.parameters + entry.module.buffers).map {
        "\($0.name)=" + $0.shape.map(String.init).joined(separator: ",")
      }
      return ([entry.path.isEmpty ? "-" : entry.path, entry.module.kind, shape] + tensors).joined(separator: " ")
    }
  }

  static func fnv1a64(_ bytes: [UInt8]) -> UInt64 {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in bytes {
      hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
    }
    return hash
  }

  func testStateDictKeysAndShapesMatchPyTorch() throws {
    for name in Self.fixtureModels {
      let fixture = try ReferenceFixture(model: name)
      let expected = fixture.modules.flatMap { module in
        module.tensors.map { Module.join(module.path, $0) }
      }.sorted()
      let ours = try Zoo.model(named: name).build().root.stateDict().map { entry in
        Module.join(entry.key, "") + "=" + entry.spec.shape.map(String.init).joined(separator: ",")
      }.sorted()
      XCTAssertEqual(ours, expected, name)
    }
  }
}

extension String {
  fileprivate func leftPadded(to width: Int) -> String {
    String(repeating: "0", count: max(0, width - count)) + self
  }
}
