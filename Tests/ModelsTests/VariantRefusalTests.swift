import Formats
import Foundation
import Models
// Every refusal of a variant: unknown keys and models, values of the wrong kind, the references' own checks and
// what PyTorch could not build — each one line naming the key, the value and the rule.
import TestSupport
import XCTest

final class VariantRefusalTests: XCTestCase {
  /// How the command line reads model files: by their bytes, FIFOs and devices refused.
  private let read: (String) throws -> [UInt8] = { try FileBytes.read($0) }

  private func refusal(_ model: String, _ settings: [String], file: StaticString = #filePath, line: UInt = #line)
    -> String
  {
    do {
      _ = try ModelSpec(named: model, settings: settings)
      XCTFail("\(model) \(settings) was accepted", file: file, line: line)
      return ""
    } catch {
      return String(describing: error)
    }
  }

  func testUnknownKeysNameTheBasesKeysWithADidYouMean() {
    XCTAssertEqual(
      refusal("resnet50", ["group=32"]),
      "resnet50 has no key 'group' (did you mean 'groups'?); its keys: layers, block, groups, width_per_group, "
        + "num_classes")
    XCTAssertEqual(
      refusal("resnest14d", ["bogus=1"]),
      "resnest14d has no key 'bogus'; its keys: layers, cardinality, base_width, stem_width, stem_type, avg_down, "
        + "num_classes, radix, avd, avd_first")
    XCTAssertTrue(refusal("resnext50_32x4d", ["cardinality=2"]).hasPrefix("resnext50_32x4d has no key 'cardinality'"))
    XCTAssertTrue(refusal("resnet50", ["groups"]).hasPrefix("--set groups: expected KEY=VALUE"))
  }

  func testModelNamesMatchCaseInsensitivelyAndSuggest() throws {
    XCTAssertEqual(try Zoo.model(named: "ResNeXt50_32x4d").name, "resnext50_32x4d")
    XCTAssertThrowsError(try Zoo.model(named: "wide_resnet50")) { error in
      XCTAssertTrue(String(describing: error).hasSuffix("; did you mean 'wide_resnet50_2'?"), "\(error)")
    }
    XCTAssertThrowsError(try Zoo.model(named: "zzzzzz")) { error in
      XCTAssertFalse(String(describing: error).contains("did you mean"))
    }
  }

  func testValuesOfTheWrongKind() {
    XCTAssertEqual(refusal("resnet50", ["groups=many"]), "resnet50: groups=many: expected an integer ≥ 1")
    XCTAssertEqual(
      refusal("resnet50", ["groups=0"]), "resnet50: groups=0: must be 1 or more (a count of 0 cannot build)")
    XCTAssertEqual(refusal("resnet50", ["layers=3,4,6"]), "resnet50: layers=3,4,6: needs 4 integers, got 3")
    XCTAssertEqual(
      refusal("resnet50", ["layers=3,x,6,3"]), "resnet50: layers=3,x,6,3: expected 4 comma-separated integers ≥ 1")
    XCTAssertEqual(
      refusal("resnet50", ["layers=3,-1,6,3"]),
      "resnet50: layers=3,-1,6,3: every count must be 1 or more, got -1 (torchvision would silently build one block; "
        + "convscope refuses)")
    XCTAssertEqual(
      refusal("densenet121", ["block_config=6,0"]).prefix(42), "densenet121: block_config=6,0: every count")
    XCTAssertEqual(refusal("resnet50", ["block=wide"]), "resnet50: block=wide: expected one of basic, bottleneck")
    XCTAssertEqual(
      refusal("seresnet50", ["stem_type=shallow"]),
      "seresnet50: stem_type=shallow: expected one of \"\", deep, deep_tiered")
    XCTAssertEqual(refusal("resnest14d", ["avd=yes"]), "resnest14d: avd=yes: expected true or false")
    XCTAssertEqual(refusal("resnest14d", ["radix=-1"]), "resnest14d: radix=-1: must be 0 or more")
    XCTAssertEqual(
      refusal("seresnet50", ["se_rd_ratio=1/0"]),
      "seresnet50: se_rd_ratio=1/0: expected a positive ratio such as 1/16 or 0.0625")
    XCTAssertEqual(
      refusal("seresnet50", ["se_rd_ratio=-0.5"]),
      "seresnet50: se_rd_ratio=-0.5: must be positive (a ratio of -0.5 gives zero channels)")
    XCTAssertEqual(refusal("sknet_cifar", ["L=0"]), "sknet_cifar: L=0: must be 1 or more (a count of 0 cannot build)")
    XCTAssertEqual(
      refusal("senet18", ["num_classes=0"]), "senet18: num_classes=0: must be 1 or more (a count of 0 cannot build)")
  }

  func testTheReferencesChecks() {
    XCTAssertEqual(
      refusal("resnet18", ["groups=2"]),
      "resnet18: block=basic groups=2 width_per_group=64: BasicBlock only supports groups=1 and width_per_group=64 "
        + "(torchvision)")
    XCTAssertTrue(refusal("resnet50", ["block=basic", "width_per_group=32"]).contains("BasicBlock only supports"))
    XCTAssertEqual(
      refusal("skresnet18", ["cardinality=2"]),
      "skresnet18: cardinality=2: SelectiveKernelBasic only supports cardinality of 1 (timm)")
    XCTAssertEqual(
      refusal("skresnet34", ["base_width=32"]),
      "skresnet34: base_width=32: SelectiveKernelBasic does not support changing base width (timm)")
    XCTAssertTrue(
      refusal("skresnext50_32x4d", ["cardinality=1", "base_width=3", "sk_split_input=true"]).contains(
        "width 3 (planes 64) does not split into 2 paths (timm asserts in_channels % num_paths == 0)"))
  }

  func testWhatPyTorchCouldNotBuild() {
    XCTAssertTrue(
      refusal("resnest14d", ["radix=3"]).hasPrefix(
        "resnest14d: cardinality=1 base_width=64 radix=3: SplitAttn's conv has 64 input channels (planes 64), "
          + "not divisible by its groups cardinality·radix = 3"))
    XCTAssertTrue(
      refusal("resnest14d", ["cardinality=3", "base_width=8", "radix=1"]).contains(
        "SplitAttn's fc1 has 32 output channels (planes 64), not divisible by groups cardinality = 3"))
    XCTAssertTrue(
      refusal("skresnext50_32x4d", ["base_width=1", "sk_split_input=true"]).contains(
        "a path conv's 16 input channels (planes 64) are not divisible by groups 32"))
    XCTAssertTrue(refusal("sknet_cifar", ["G=3"]).hasPrefix("sknet_cifar: G=3: an SKConv of 128 channels"))
    XCTAssertTrue(
      refusal("seresnet50", ["stem_type=deep_tiered", "stem_width=3"]).contains(
        "3·(stem_width//4) = 0 channels; stem_width must be 4 or more"))
  }

  /// What the reference builds instead of failing, convscope builds too.
  func testBuildsWhatTheReferenceBuilds() throws {
    let plain = try ModelSpec(named: "resnest14d", settings: ["radix=0"]).build().root
    XCTAssertEqual(plain.descendant(at: "layer1.0.conv2")?.kind, "Conv2d")
    XCTAssertEqual(plain.descendant(at: "layer1.0.act2")?.kind, "ReLU")
    let gated = try ModelSpec(named: "resnest14d", settings: ["radix=1"]).build().root
    XCTAssertEqual(gated.descendant(at: "layer1.0.conv2")?.kind, "SplitAttn")
    // A plain stem ignores stem_width, as timm's does.
    XCTAssertEqual(
      try ModelSpec(named: "seresnet50", settings: ["stem_width=16"]).analyze().totalParams,
      try ModelSpec(named: "seresnet50").analyze().totalParams)
  }

  func testSpecsNameTheirOverrides() throws {
    let spec = try ModelSpec(named: "resnet50", settings: ["groups=32", "width_per_group=4"])
    XCTAssertEqual(spec.displayName, "resnet50 · groups=32 width_per_group=4")
    XCTAssertEqual(
      try ModelSpec(named: "seresnet50", settings: ["se_rd_ratio=1/8"]).displayName, "seresnet50 · se_rd_ratio=1/8")
    XCTAssertEqual(try ModelSpec(named: "resnet18", settings: ["num_classes=10"]).numClasses, 10)
    let preset = try ModelSpec(named: "resnext50_32x4d", settings: ["groups=16", "num_classes=10"])
    XCTAssertEqual(preset.effectiveOverrides.map(\.description), ["groups=16", "width_per_group=4", "num_classes=10"])
    XCTAssertEqual(
      try ModelSpec(named: "resnet50", settings: ["groups=32", "width_per_group=4"]).analyze().totalParams, 25_028_904)
  }

  func testModelFiles() throws {
    let directory = try Fixtures.scratchDirectory()
    let path = directory + "/wide.json"
    try Data(#"{"base": "resnet50", "width_per_group": 128, "layers": [3, 4, 6, 3]}"#.utf8).write(
      to: URL(fileURLWithPath: path))
    let spec = try ModelSpec(resolving: path, reading: read)
    XCTAssertEqual(spec.displayName, "resnet50 · layers=3,4,6,3 width_per_group=128")
    XCTAssertEqual(try spec.analyze().totalParams, 68_883_240)
    XCTAssertEqual(try ModelSpec(resolving: path, settings: ["num_classes=10"], reading: read).numClasses, 10)
    let flags = directory + "/flags.json"
    try Data(#"{"base": "resnest14d", "avd": false, "stem_type": "", "radix": 0}"#.utf8).write(
      to: URL(fileURLWithPath: flags))
    XCTAssertEqual(
      try ModelSpec(resolving: flags, reading: read).displayName, "resnest14d · stem_type=\"\" radix=0 avd=false")
    let typo = directory + "/typo.json"
    try Data(#"{"base": "resnet50", "grups": 2}"#.utf8).write(to: URL(fileURLWithPath: typo))
    XCTAssertThrowsError(try ModelSpec(resolving: typo, reading: read)) { error in
      XCTAssertTrue(String(describing: error).hasPrefix("resnet50 has no key 'grups' (did you mean 'groups'?)"))
    }
    XCTAssertThrowsError(try ModelSpec(resolving: directory + "/missing.json", reading: read)) { error in
      XCTAssertEqual("\(error)", "cannot read model file \(directory)/missing.json: No such file or directory")
    }
    let fifo = directory + "/fifo.json"
    XCTAssertEqual(mkfifo(fifo, 0o600), 0)
    XCTAssertThrowsError(try ModelSpec(resolving: fifo, reading: read)) { error in
      XCTAssertEqual("\(error)", "cannot read model file \(fifo): not a regular file")
    }
    XCTAssertThrowsError(try ModelSpec(resolving: directory + "/x.toml", reading: read)) { error in
      XCTAssertTrue(String(describing: error).contains("TOML model files are not supported"))
    }
  }

  /// Each key's value in a model, as `--set` writes it: the base's, a preset's own, a variant's override.
  func testValuesOfEveryKey() throws {
    let resnet50 = try ModelSpec(named: "resnet50")
    XCTAssertEqual(resnet50.values, ["3,4,6,3", "bottleneck", "1", "64", "1000"])
    let variant = try ModelSpec(named: "resnet50", settings: ["groups=32", "width_per_group=4"])
    XCTAssertEqual(variant.values, ["3,4,6,3", "bottleneck", "32", "4", "1000"])
    XCTAssertEqual(variant.base.values, resnet50.values)
    XCTAssertEqual(variant.plain, resnet50)
    XCTAssertEqual(try ModelSpec(named: "resnext50_32x4d").values[2...3], ["32", "4"])
    let se = try ModelSpec(named: "seresnet50")
    XCTAssertEqual(se.base.keys.map(\.name).last, "se_rd_ratio")
    XCTAssertEqual(se.values.last, "1/16")
    XCTAssertEqual(try ModelSpec(named: "resnest50d").values[4], "deep")
    XCTAssertEqual(try ModelSpec(named: "densenet_bc_100").values, ["12", "16,16,16", "10"])
    for model in Zoo.models {
      XCTAssertEqual(model.values.count, model.keys.count, model.name)
      // Every value reads back as itself: setting a key to its own value builds the same model.
      let same = try zip(model.keys, model.values).map { try model.override($0.name, $1) }
      XCTAssertEqual(
        try ModelSpec(base: model, overrides: same).analyze().totalParams, try model.analyze().totalParams, model.name)
    }
  }
}
