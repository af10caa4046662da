/// Every model of the zoo, in the order `convscope list` shows them, looked up by name.
package enum Zoo {
  package static let models: [ZooModel] = ResNet.zoo + DenseNet.zoo + SENet.zoo + SKNet.zoo + ResNeSt.zoo

  package static var names: [String] { models.map(\.name) }

  /// The model called `name`, or an error naming the valid choices.
  package static func model(named name: String) throws -> ZooModel {
    guard let model = models.first(where: { $0.name == name }) else {
      throw ZooError.unknownModel(name, valid: names)
    }
    return model
  }
}

/// A lookup in the zoo that failed.
package enum ZooError: Error, Equatable, CustomStringConvertible {
  case unknownModel(String, valid: [String])

  package var description: String {
    switch self {
    case .unknownModel(let name, let valid):
      return "unknown model '\(name)' (choose from: \(valid.joined(separator: ", ")))"
    }
  }
}
