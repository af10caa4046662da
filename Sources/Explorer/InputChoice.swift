/// The input the explorer analyses models at: a batch and, when the user chose one, a size.
package struct InputChoice: Equatable, Sendable {
  package var batch: Int
  /// nil: each model's own default (224, or 32 for the CIFAR models).
  package var size: Int?

  package init(batch: Int = 1, size: Int? = nil) {
    self.batch = batch
    self.size = size
  }

  /// Sizes and batches beyond these are refused before any analysis.
  package static let maxSize = 4096
  package static let maxBatch = 1024

  /// Parses what the `i` prompt (or `--input-size`) takes: `S`, `S B` (size then batch), or a
  /// whole input shape `B×3×S×S` (`x` also separates). `current` supplies the batch when none is given.
  package static func parse(_ text: String, current: InputChoice) throws -> InputChoice {
    let trimmed = text.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
    let shapeParts = trimmed.split { $0 == "x" || $0 == "×" || $0 == "X" }
    var size: Int, batch = current.batch
    if shapeParts.count == 4 {
      let dims = shapeParts.map { Int($0.filter { $0 != " " }) }
      guard dims.allSatisfy({ $0 != nil }) else { throw InputChoiceError.notNumbers(text) }
      let d = dims.compactMap { $0 }
      guard d[1] == 3 else { throw InputChoiceError.channels(d[1]) }
      guard d[2] == d[3] else { throw InputChoiceError.notSquare(d[2], d[3]) }
      batch = d[0]
      size = d[2]
    } else {
      let words = trimmed.split(separator: " ")
      guard (1...2).contains(words.count), let s = Int(words[0]) else { throw InputChoiceError.notNumbers(text) }
      size = s
      if words.count == 2 {
        guard let b = Int(words[1].hasPrefix("b") ? words[1].dropFirst() : words[1]) else {
          throw InputChoiceError.notNumbers(text)
        }
        batch = b
      }
    }
    return try validated(size: size, batch: batch)
  }

  /// A choice whose size (nil: the model's own) and batch are in range, or the error naming which is not.
  package static func validated(size: Int?, batch: Int) throws -> InputChoice {
    if let size, !(1...maxSize).contains(size) { throw InputChoiceError.sizeRange(size) }
    guard (1...maxBatch).contains(batch) else { throw InputChoiceError.batchRange(batch) }
    return InputChoice(batch: batch, size: size)
  }

  /// How the choice reads in prompts: `224 (the model's default), batch 1`.
  package func describe(defaultSize: Int) -> String {
    "\(size.map(String.init) ?? "\(defaultSize) (the model's default)"), batch \(batch)"
  }
}

/// Why a typed input size is not one, as one line.
package enum InputChoiceError: Error, Equatable, CustomStringConvertible {
  case notNumbers(String)
  case channels(Int)
  case notSquare(Int, Int)
  case sizeRange(Int)
  case batchRange(Int)

  package var description: String {
    switch self {
    case .notNumbers(let text): "\"\(text)\" is not an input size: type S, S B (size, batch) or B×3×S×S"
    case .channels(let c): "the zoo's models take 3 input channels, not \(c)"
    case .notSquare(let h, let w): "H and W must be equal (the zoo's inputs are square), got \(h)×\(w)"
    case .sizeRange(let s): "input size \(s) is out of range: 1 to \(InputChoice.maxSize)"
    case .batchRange(let b): "batch \(b) is out of range: 1 to \(InputChoice.maxBatch)"
    }
  }
}

/// A model that cannot take an input size, as the one line the status bar shows.
package struct InputRefusal: Error, Equatable, CustomStringConvertible {
  package var model: String
  package var reason: String
  package var description: String { "\(model): \(reason)" }

  package init(model: String, reason: String) {
    self.model = model
    self.reason = reason
  }
}
