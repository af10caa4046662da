/// One model in the picker: its family and totals at the current input, or why it cannot take it.
package struct CatalogEntry: Equatable, Sendable {
  package var name: String
  package var family: String
  /// The input size the figures are for (the chosen one, or the model's own).
  package var inputSize: Int
  package var params: Int
  package var macs: Int
  /// Set when the model cannot take the current input size (then the counts are zero).
  package var refusal: String?
}
