import Analysis
import Graph

/// One model of the zoo: its identity, defaults, the keys a variant may set, and how to build it.
package struct ZooModel: Sendable {
  package let name: String
  package let family: Family
  /// Default input height = width.
  package let inputSize: Int
  package let numClasses: Int
  /// What this variant is, in one line (the reference implementation and its configuration).
  package let note: String
  /// The hyper-parameters `--set` may change, in the reference constructor's order (its argument names).
  package let keys: [KeyInfo]
  /// Each key's value in this model (in ``keys`` order), as `--set` writes it: the editor's base values.
  package let values: [String]
  /// For a preset (`resnext50_32x4d`): the zoo base it is and the overrides that make it; nil for a base.
  package let preset: Preset?
  private let builder: @Sendable () -> Network
  private let resolver: @Sendable ([Override]) throws(VariantError) -> @Sendable () -> Network

  /// A preset: a base of the zoo plus overrides.
  package struct Preset: Sendable, Equatable {
    package let base: String
    package let overrides: [Override]
  }

  /// A model without keys: it builds as it is and refuses every override.
  package init(
    _ name: String, family: Family, inputSize: Int = 224, numClasses: Int = 1000, note: String,
    build: @escaping @Sendable () -> Network
  ) {
    self.init(
      name, family: family, inputSize: inputSize, numClasses: numClasses, note: note, config: 0,
      recipe: Recipe<Int>(keys: [], validate: { _, _ throws(VariantError) in }, build: { _ in build() }))
  }

  /// A model built from `config` by `recipe`; overrides apply to `config` (a preset's config already has its own).
  init<Config>(
    _ name: String, family: Family, inputSize: Int = 224, numClasses: Int = 1000, note: String, config: Config,
    recipe: Recipe<Config>, preset: Preset? = nil
  ) {
    self.name = name
    self.family = family
    self.inputSize = inputSize
    self.numClasses = numClasses
    self.note = note
    self.keys = recipe.keys.map(\.info)
    self.values = recipe.keys.map { $0.get(config).text }
    self.preset = preset
    self.builder = { recipe.build(config) }
    self.resolver = { overrides throws(VariantError) in
      let resolved = try recipe.apply(overrides, to: config, model: name)
      return { recipe.build(resolved) }
    }
  }

  /// A preset of this base: the base's config with `settings` (key, value as written) applied, named `name`.
  /// The settings are the zoo's own table, so a refusal is a bug in the table (a precondition, tested).
  func preset<Config>(
    _ name: String, _ settings: KeyValuePairs<String, String>, config: Config, recipe: Recipe<Config>, note: String
  ) -> ZooModel {
    let overrides = settings.map { key, text in
      do { return try override(key, text) } catch { preconditionFailure("preset \(name): \(error)") }
    }
    let resolved: Config
    do { resolved = try recipe.apply(overrides, to: config, model: name) } catch {
      preconditionFailure("preset \(name): \(error)")
    }
    let classes = overrides.last { $0.key == "num_classes" }?.value.int ?? numClasses
    return ZooModel(
      name, family: family, inputSize: inputSize, numClasses: classes, note: note, config: resolved, recipe: recipe,
      preset: Preset(base: self.name, overrides: overrides))
  }

  /// `key` = `text` parsed by the key's kind; an unknown key throws naming this model's keys.
  package func override(_ key: String, _ text: String) throws(VariantError) -> Override {
    guard let info = keys.first(where: { $0.name == key }) else {
      throw VariantError.unknownKey(key, model: name, keys: keys.map(\.name))
    }
    return try Override(key: key, kind: info.kind, text: text, model: name)
  }

  /// The builder of this model with `overrides` applied, after the reference's checks.
  package func resolve(_ overrides: [Override]) throws(VariantError) -> @Sendable () -> Network {
    overrides.isEmpty ? builder : try resolver(overrides)
  }

  /// What makes this model's family different, one paragraph (the explorer shows it).
  package var summary: String { family.summary }

  /// The family's key formula.
  package var formula: String { family.formula }

  /// Builds the module tree (cheap: no tensors).
  package func build() -> Network { builder() }

  /// The default input shape for a batch (N×3×S×S).
  package func inputShape(batch: Int = 1, size: Int? = nil) -> [Int] {
    [batch, 3, size ?? inputSize, size ?? inputSize]
  }

  /// Static analysis at a batch and input size (the model's default size when nil).
  package func analyze(batch: Int = 1, size: Int? = nil) throws -> Analysis {
    try Analysis(network: build(), inputShape: inputShape(batch: batch, size: size))
  }
}
