/// The wiring view's joints (`W`), beside the other glyphs, each with its ASCII twin.
extension GlyphSet {
  /// Where the block's input enters and its output leaves.
  package var wiringStart: String { isASCII ? "o " : "● " }
  package var wiringEnd: String { isASCII ? "v " : "▼ " }
  /// The residual sum, attention's product and DenseNet's concatenation.
  package var wiringAdd: String { isASCII ? "+" : "⊕" }
  package var wiringProduct: String { isASCII ? "*" : "⊙" }
  package var wiringConcat: String { isASCII ? "#" : "⊞" }
}
