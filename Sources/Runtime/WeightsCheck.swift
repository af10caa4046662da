// Strict matching of a weights file against a model's expected state-dict entries.
import Formats

/// One entry a model expects in its state dict: the key, the shape, and whether it is a counter
/// (BatchNorm's `num_batches_tracked`, I64 in PyTorch, unused at inference and allowed to be absent).
package struct ParameterSpec: Equatable, Sendable {
  package var key: String
  package var shape: [Int]
  package var isCounter: Bool

  package init(key: String, shape: [Int], isCounter: Bool = false) {
    self.key = key
    self.shape = shape
    self.isCounter = isCounter
  }
}

/// Everything that keeps a weights file from loading into a model, reported together by key.
package struct WeightsMismatchError: Error, CustomStringConvertible, Equatable {
  /// A key whose stored shape or dtype is not what the model needs.
  package struct Mismatch: Equatable, Sendable {
    package var key: String
    package var expected: String
    package var found: String

    package init(key: String, expected: String, found: String) {
      self.key = key
      self.expected = expected
      self.found = found
    }
  }

  package var model: String
  package var missing: [ParameterSpec] = []
  package var unexpected: [(key: String, shape: [Int])] = []
  package var shapeMismatches: [Mismatch] = []
  package var dtypeMismatches: [Mismatch] = []

  package var isEmpty: Bool {
    missing.isEmpty && unexpected.isEmpty && shapeMismatches.isEmpty && dtypeMismatches.isEmpty
  }

  package static func == (a: WeightsMismatchError, b: WeightsMismatchError) -> Bool {
    a.model == b.model && a.missing == b.missing && a.shapeMismatches == b.shapeMismatches
      && a.dtypeMismatches == b.dtypeMismatches
      && a.unexpected.elementsEqual(b.unexpected) { $0.key == $1.key && $0.shape == $1.shape }
  }

  /// One line: each kind of problem with its count and up to `listed` keys, with shapes.
  package var description: String {
    let listed = 6
    func list(_ items: [String]) -> String {
      let shown = items.prefix(listed).joined(separator: ", ")
      return items.count > listed ? shown + ", … (\(items.count - listed) more)" : shown
    }
    var parts: [String] = []
    if !missing.isEmpty {
      parts.append("\(missing.count) missing: " + list(missing.map { "\($0.key) \(ScalarBytes.describe($0.shape))" }))
    }
    if !unexpected.isEmpty {
      parts.append(
        "\(unexpected.count) unexpected: " + list(unexpected.map { "\($0.key) \(ScalarBytes.describe($0.shape))" }))
    }
    if !shapeMismatches.isEmpty {
      parts.append(
        "\(shapeMismatches.count) shape mismatch\(shapeMismatches.count == 1 ? "" : "es"): "
          + list(shapeMismatches.map { "\($0.key) model \($0.expected) file \($0.found)" }))
    }
    if !dtypeMismatches.isEmpty {
      parts.append(
        "\(dtypeMismatches.count) dtype mismatch\(dtypeMismatches.count == 1 ? "" : "es"): "
          + list(dtypeMismatches.map { "\($0.key) model \($0.expected) file \($0.found)" }))
    }
    return "weights do not fit \(model): " + parts.joined(separator: "; ")
  }
}

extension SafetensorsFile {
  /// The float values of every non-counter entry of `specs`, or every problem at once:
  /// missing and unexpected keys, shape mismatches and dtype mismatches.
  package func values(matching specs: [ParameterSpec], model: String) throws(WeightsMismatchError)
    -> [String: [Float]]
  {
    var error = WeightsMismatchError(model: model)
    var stored: [String: StoredTensor] = [:]
    for (name, tensor) in tensors { stored[name] = tensor }
    var result: [String: [Float]] = [:]
    var expectedKeys = Set<String>()
    for spec in specs {
      expectedKeys.insert(spec.key)
      guard let tensor = stored[spec.key] else {
        if !spec.isCounter { error.missing.append(spec) }
        continue
      }
      if tensor.shape != spec.shape {
        error.shapeMismatches.append(
          .init(key: spec.key, expected: ScalarBytes.describe(spec.shape), found: ScalarBytes.describe(tensor.shape)))
        continue
      }
      if spec.isCounter { continue }  // any dtype: the count is never used at inference
      guard let floats = tensor.floats else {
        error.dtypeMismatches.append(.init(key: spec.key, expected: "F32", found: tensor.dtype.rawValue))
        continue
      }
      result[spec.key] = floats
    }
    for (name, tensor) in tensors where !expectedKeys.contains(name) {
      error.unexpected.append((name, tensor.shape))
    }
    guard error.isEmpty else { throw error }
    return result
  }
}
