/// Every model of the zoo, in the order `convscope list` shows them, looked up by name: the twenty bases, then the
/// presets (a base plus overrides).
package enum Zoo {
  package static let models: [ZooModel] =
    ResNet.zoo + DenseNet.zoo + SENet.zoo + SKNet.zoo + ResNeSt.zoo
    + ResNet.presets + SENet.presets + SKNet.presets + ResNeSt.presets

  package static var names: [String] { models.map(\.name) }

  /// The model called `name` (exactly, else case-insensitively), or an error naming the valid choices.
  package static func model(named name: String) throws -> ZooModel {
    if let model = models.first(where: { $0.name == name }) { return model }
    if let model = models.first(where: { $0.name.lowercased() == name.lowercased() }) { return model }
    throw ZooError.unknownModel(name, valid: names)
  }
}

/// A lookup in the zoo that failed.
package enum ZooError: Error, Equatable, CustomStringConvertible {
  case unknownModel(String, valid: [String])

  package var description: String {
    switch self {
    case .unknownModel(let name, let valid):
      let guess = Spelling.closest(to: name, in: valid).map { "; did you mean '\($0)'?" } ?? ""
      return "unknown model '\(name)' (choose from: \(valid.joined(separator: ", ")))\(guess)"
    }
  }
}
