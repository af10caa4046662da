import Models
import NN
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
