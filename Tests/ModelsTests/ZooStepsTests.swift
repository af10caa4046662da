import Graph
import Models
import Presentation
import XCTest

/// Steps (what the explorer's `s` advances by), metadata, lookup errors and the listing.
final class ZooStepsTests: XCTestCase {
  func testStepCountsAndNames() throws {
    let resnet50 = try Zoo.model(named: "resnet50").build()
    XCTAssertEqual(resnet50.steps.count, 18)
    XCTAssertEqual(resnet50.steps.map(\.name).prefix(3), ["stem", "layer1.0", "layer1.1"])
    XCTAssertEqual(resnet50.steps.last?.name, "head")
    let densenet121 = try Zoo.model(named: "densenet121").build()
    XCTAssertEqual(densenet121.steps.count, 63)
    let names = densenet121.steps.map(\.name)
    XCTAssertTrue(names.contains("features.denseblock2.denselayer5"))
    XCTAssertTrue(names.contains("features.transition1"))
    XCTAssertEqual(names.firstIndex(of: "features.transition1"), 7)  // stem + 6 dense layers
  }

  /// Every step's module ops name a node of the tree, and the root's program is the steps in order.
  func testStepsResolveAndCoverTheForward() throws {
    for model in Zoo.models {
      let network = model.build()
      XCTAssertEqual(network.steps.first?.name, "stem", model.name)
      XCTAssertEqual(network.steps.last?.name, "head", model.name)
      guard case .program(let ops) = network.root.layer else { return XCTFail("\(model.name): root is not a program") }
      XCTAssertEqual(ops, network.steps.flatMap(\.ops), model.name)
      for step in network.steps {
        for op in step.ops {
          switch op {
          case .module(let path), .dense(let path):
            XCTAssertNotNil(network.root.descendant(at: path), "\(model.name): \(path)")
          default: break
          }
        }
      }
      // Each block step is named by the module it runs.
      for step in network.steps.dropFirst().dropLast() {
        XCTAssertNotNil(network.root.descendant(at: step.name), "\(model.name): step \(step.name)")
      }
    }
  }

  func testMetadata() throws {
    for model in Zoo.models {
      let cifar = ["densenet_bc_100", "senet18", "sknet_cifar"].contains(model.name)
      XCTAssertEqual(model.inputSize, cifar ? 32 : 224, model.name)
      XCTAssertEqual(model.numClasses, cifar ? 10 : 1000, model.name)
      XCTAssertFalse(model.note.isEmpty)
    }
    XCTAssertEqual(Set(Family.allCases.map(\.summary)).count, 5)
    XCTAssertEqual(Set(Family.allCases.map(\.formula)).count, 5)
    XCTAssertEqual(
      Zoo.models.filter { $0.family == .sknet }.map(\.name),
      ["sknet_cifar", "skresnet18", "skresnet34", "skresnext50_32x4d", "skresnet50"])
  }

  func testUnknownModelNamesTheChoices() {
    XCTAssertThrowsError(try Zoo.model(named: "resnet51")) { error in
      let text = String(describing: error)
      XCTAssertTrue(text.hasPrefix("unknown model 'resnet51' (choose from: resnet18, resnet34"), text)
      XCTAssertTrue(text.contains("resnest269e); did you mean 'resnet50'?"), text)
    }
  }

  func testInputTooSmallForDenseNet() throws {
    let model = try Zoo.model(named: "densenet121")
    XCTAssertThrowsError(try model.analyze(size: 16)) { error in
      XCTAssertEqual(
        String(describing: error),
        "input too small: features.transition3.pool (AvgPool2d) gets 1×512×1×1: a 2×2 window with stride 2 and padding 0 leaves an output of 0×0"
      )
    }
    XCTAssertEqual(try model.analyze(size: 32).outputShape, [1, 1000])
  }

  func testListingJSON() throws {
    let rows = try Zoo.listings()
    let text = Zoo.listingJSON(rows)
    let list = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]])
    XCTAssertEqual(list.count, 32)
    let first = list[0]
    XCTAssertEqual(first["name"] as? String, "resnet18")
    XCTAssertEqual(first["family"] as? String, "ResNet")
    XCTAssertEqual(first["input_size"] as? Int, 224)
    XCTAssertEqual(first["num_classes"] as? Int, 1000)
    XCTAssertEqual(first["params"] as? Int, 11_689_512)
    XCTAssertEqual(first["macs"] as? Int, 1_814_073_344)
    XCTAssertTrue(
      Zoo.listingTable(rows).contains(
        "resnest101e         ResNeSt   224×224     1000   48,275,016  10,200,565,760   10.20 G"))
    // A preset names its base and overrides, in the table and in JSON.
    XCTAssertTrue(
      Zoo.listingTable(rows).contains(
        "resnext50_32x4d     ResNet    224×224     1000   25,028,904   4,230,479,872    4.23 G"
          + "  = resnet50 · groups=32 width_per_group=4\n"))
    let preset = try XCTUnwrap(list.first { $0["name"] as? String == "resnext50_32x4d" })
    XCTAssertEqual(preset["base"] as? String, "resnet50")
    XCTAssertEqual(preset["overrides"] as? [String: Int], ["groups": 32, "width_per_group": 4])
    XCTAssertNil(first["overrides"])
  }

  /// The attention blocks carry the typed structure the executor needs.
  func testAttentionBlocksAreTyped() throws {
    let sk = try Zoo.model(named: "skresnext50_32x4d").build().root
    guard case .selectiveKernel(let config) = sk.descendant(at: "layer2.0.conv2")?.layer else { return XCTFail() }
    XCTAssertEqual(config, SelectiveKernelConfig(branches: 2, channels: 256, splitInput: false))
    guard case .conv2d(let path1) = sk.descendant(at: "layer2.0.conv2.paths.1.conv")?.layer else { return XCTFail() }
    XCTAssertEqual(path1, Conv2dConfig(256, 256, kernel: 3, stride: 2, padding: 2, dilation: 2, groups: 32))
    let resnest = try Zoo.model(named: "resnest50d").build().root
    guard case .splitAttention(let splat) = resnest.descendant(at: "layer2.0.conv2")?.layer else { return XCTFail() }
    XCTAssertEqual(splat, SplitAttentionConfig(radix: 2, cardinality: 1, channels: 128, attentionChannels: 64))
    let se = try Zoo.model(named: "seresnet50").build().root
    XCTAssertEqual(se.descendant(at: "layer1.0.se")?.layer, .squeezeExcite)
    let seed = try Zoo.model(named: "sknet_cifar").build().root
    guard case .skConv(let skconv) = seed.descendant(at: "stage_1.0.feas.2")?.layer else { return XCTFail() }
    XCTAssertEqual(skconv, SKConvConfig(branches: 2, channels: 128, attentionChannels: 64))
  }
}
