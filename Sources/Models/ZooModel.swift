import Analysis
import Graph

/// One model of the zoo: its identity, defaults and how to build it.
package struct ZooModel: Sendable {
  package let name: String
  package let family: Family
  /// Default input height = width.
  package let inputSize: Int
  package let numClasses: Int
  /// What this variant is, in one line (the reference implementation and its configuration).
  package let note: String
  private let builder: @Sendable () -> Network

  package init(
    _ name: String, family: Family, inputSize: Int = 224, numClasses: Int = 1000, note: String,
    build: @escaping @Sendable () -> Network
  ) {
    self.name = name
    self.family = family
    self.inputSize = inputSize
    self.numClasses = numClasses
    self.note = note
    self.builder = build
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
