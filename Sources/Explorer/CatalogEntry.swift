import Models

/// One model in the picker: its family and totals at the current input, or why it cannot take it.
package struct CatalogEntry: Equatable, Sendable {
  package var spec: ModelSpec
  package var family: String
  /// The input size the figures are for (the chosen one, or the model's own).
  package var inputSize: Int
  /// The batch the figures are for (the picker shows the whole input shape when it is not 1).
  package var batch: Int
  package var params: Int
  package var macs: Int
  /// Set when the model cannot take the current input size (then the counts are zero).
  package var refusal: String?

  package init(
    spec: ModelSpec, family: String, inputSize: Int, batch: Int = 1, params: Int, macs: Int, refusal: String? = nil
  ) {
    self.spec = spec
    self.batch = batch
    self.family = family
    self.inputSize = inputSize
    self.params = params
    self.macs = macs
    self.refusal = refusal
  }

  /// The name the picker shows and filters on.
  package var name: String { spec.displayName }
}
