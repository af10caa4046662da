import Analysis
import Graph

/// A model as every layer above the zoo names it: a zoo base plus hyper-parameter overrides.
///
/// Argument parsing resolves a name (or a model file) and its `--set`s into a spec once; analysis, runs, compare
/// and JSON output take the spec, never a model name. Two specs are equal when base and overrides are.
package struct ModelSpec: Hashable, Sendable, CustomStringConvertible {
  /// The zoo model this spec starts from (a base or a preset).
  package let base: ZooModel
  /// Changed hyper-parameters, in the order they were given (none for a plain zoo model).
  package let overrides: [Override]
  private let builder: @Sendable () -> Network

  /// The zoo model as it is.
  package init(base: ZooModel) {
    self.base = base
    self.overrides = []
    self.builder = base.build
  }

  /// The zoo model with `overrides`, checked as the reference constructor checks them (and for buildability).
  package init(base: ZooModel, overrides: [Override]) throws(VariantError) {
    self.base = base
    self.overrides = overrides
    self.builder = try base.resolve(overrides)
  }

  /// The zoo model called `name` (case-insensitively), or the zoo's error with a did-you-mean.
  package init(named name: String) throws {
    self.init(base: try Zoo.model(named: name))
  }

  /// The zoo model called `name` with `settings` (`KEY=VALUE` each, as `--set` gives them).
  package init(named name: String, settings: [String]) throws {
    let base = try Zoo.model(named: name)
    try self.init(
      base: base,
      overrides: try settings.map { setting throws(VariantError) in
        try ModelSpec.parse(setting, for: base)
      })
  }

  /// `KEY=VALUE` parsed against `base`'s key table.
  package static func parse(_ setting: String, for base: ZooModel) throws(VariantError) -> Override {
    guard let equals = setting.firstIndex(of: "=") else {
      throw VariantError(
        "--set \(setting): expected KEY=VALUE (keys of \(base.name): "
          + base.keys.map(\.name).joined(separator: ", ") + ")")
    }
    let key = setting[..<equals].trimmingCharacters(in: .whitespaces)
    return try base.override(key, String(setting[setting.index(after: equals)...]))
  }

  /// The zoo name of the base (`resnet50`, or the preset's name): weights files and CIFAR detection go by it.
  package var baseName: String { base.name }

  /// Every override relative to the reference base: a preset's own, then these (a later value of a key wins,
  /// the key keeps its first place).
  package var effectiveOverrides: [Override] {
    var merged: [Override] = []
    for override in (base.preset?.overrides ?? []) + overrides {
      if let i = merged.firstIndex(where: { $0.key == override.key }) {
        merged[i] = override
      } else {
        merged.append(override)
      }
    }
    return merged
  }

  /// `resnet50`, or `resnet50 · groups=32 width_per_group=4` for a variant.
  package var displayName: String {
    overrides.isEmpty ? base.name : base.name + " · " + overrides.map(\.description).joined(separator: " ")
  }

  package var description: String { displayName }

  /// Each of the base's keys (in ``ZooModel/keys`` order) with its value in this spec: the base's, or the last
  /// override of it.
  package var values: [String] {
    zip(base.keys, base.values).map { key, value in overrides.last { $0.key == key.name }?.text ?? value }
  }

  /// The base as it is (this spec without its overrides).
  package var plain: ModelSpec { ModelSpec(base: base) }

  package var family: Family { base.family }
  /// Default input height = width.
  package var inputSize: Int { base.inputSize }
  /// Output classes: `num_classes` when overridden, else the base's.
  package var numClasses: Int { overrides.last { $0.key == "num_classes" }?.value.int ?? base.numClasses }
  package var note: String { base.note }

  /// Whether inputs get CIFAR-10's preprocessing (the 32×32 nets) rather than ImageNet's.
  package var isCIFAR: Bool { base.inputSize == 32 }

  /// Builds the module tree (cheap: no tensors).
  package func build() -> Network { builder() }

  /// The input shape N×3×S×S for a batch and size (the model's own size when nil).
  package func inputShape(batch: Int = 1, size: Int? = nil) -> [Int] {
    base.inputShape(batch: batch, size: size)
  }

  /// Static analysis of `network` (this spec's, built once by the caller) at an input shape.
  package func analyze(_ network: Network, inputShape: [Int]) throws -> Analysis {
    try Analysis(network: network, inputShape: inputShape)
  }

  /// Static analysis at a batch and input size (builds the network).
  package func analyze(batch: Int = 1, size: Int? = nil) throws -> Analysis {
    try analyze(build(), inputShape: inputShape(batch: batch, size: size))
  }

  package static func == (lhs: ModelSpec, rhs: ModelSpec) -> Bool {
    lhs.base.name == rhs.base.name && lhs.overrides == rhs.overrides
  }

  package func hash(into hasher: inout Hasher) {
    hasher.combine(base.name)
    hasher.combine(overrides)
  }
}

extension Zoo {
  /// Every zoo model as a spec, in `convscope list` order.
  package static var specs: [ModelSpec] { models.map { ModelSpec(base: $0) } }
}
