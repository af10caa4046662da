import Analysis
import Graph

/// A model as every layer above the zoo names it: a zoo base plus hyper-parameter overrides.
///
/// Argument parsing resolves a name into a spec once; analysis, runs, the picker, compare and JSON
/// output take the spec, never a model name. Two specs are equal when base and overrides are.
package struct ModelSpec: Hashable, Sendable, CustomStringConvertible {
  /// The zoo model this spec starts from.
  package let base: ZooModel
  /// Changed hyper-parameters, in the order they were given (none for a plain zoo model).
  package let overrides: [Override]

  /// One changed hyper-parameter: the reference constructor's argument name and its value as written.
  package struct Override: Hashable, Sendable {
    package let key: String
    package let value: String

    package init(key: String, value: String) {
      self.key = key
      self.value = value
    }
  }

  package init(base: ZooModel, overrides: [Override] = []) {
    self.base = base
    self.overrides = overrides
  }

  /// The zoo model called `name`, or the zoo's error naming the valid choices.
  package init(named name: String) throws {
    self.init(base: try Zoo.model(named: name))
  }

  /// The zoo name of the base (`resnet50`): weights files and CIFAR detection go by it.
  package var baseName: String { base.name }

  /// `resnet50`, or `resnet50 · groups=32 width_per_group=4` for a variant.
  package var displayName: String {
    overrides.isEmpty
      ? base.name : base.name + " · " + overrides.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
  }

  package var description: String { displayName }

  package var family: Family { base.family }
  /// Default input height = width.
  package var inputSize: Int { base.inputSize }
  package var numClasses: Int { base.numClasses }
  package var note: String { base.note }

  /// Whether inputs get CIFAR-10's preprocessing (the 32×32 nets) rather than ImageNet's.
  package var isCIFAR: Bool { base.inputSize == 32 }

  /// Builds the module tree (cheap: no tensors).
  package func build() -> Network { base.build() }

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
