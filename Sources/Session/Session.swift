// The one place that decides a forward pass's weights, input and preprocessing: `run`, `bench`,
// `export-weights`, `summary` and the explorer's worker all go through a Session.
import Analysis
import Formats
import Foundation
import Graph
import Models
import Runtime
import TensorCore

/// A refused session input, as one line naming the flag and file.
package struct SessionError: Error, CustomStringConvertible, Equatable {
  package let description: String

  package init(_ description: String) { self.description = description }
}

/// What one forward pass needs: the model spec, where weights and input come from, the network built
/// once, its input shape and (when asked for) the executor with weights and input set.
///
/// Built once per command or per model the explorer shows. Building the executor reads the files, so
/// a session can be made (and its shape checked) before anything large is allocated.
package final class Session: @unchecked Sendable {
  package let spec: ModelSpec
  package let source: SessionSource
  /// The module tree, built once.
  package let network: Network
  /// N×3×H×W: the array's own shape, else the requested batch and size (the model's own size when nil).
  package let inputShape: [Int]

  /// A session for `spec` at `batch` × `size` (ignored when the source is an array, which has its own shape).
  package init(spec: ModelSpec, source: SessionSource = SessionSource(), batch: Int = 1, size: Int? = nil) {
    self.spec = spec
    self.source = source
    network = spec.build()
    var batch = batch
    if case .images(let paths, _) = source.input { batch = paths.count }
    inputShape = source.array?.shape ?? spec.inputShape(batch: batch, size: size)
  }

  /// Static analysis of the network at the session's input shape.
  package func analysis() throws -> Analysis {
    try spec.analyze(network, inputShape: inputShape)
  }

  /// Refuses a pass that would not fit in memory, before any tensor of the input's size exists.
  package func checkMemory(keepingEveryOutput: Bool = false) throws {
    try analysis().checkMemory(network: network, keepingEveryOutput: keepingEveryOutput)
  }

  /// A new executor with the session's weights and input set. NaN or infinite values in either, and negative
  /// batch-norm variances, are listed in ``warnings`` (once per tensor); with `strict` they are an error.
  package func makeExecutor(strict: Bool = false) throws -> Executor {
    let executor = try Executor(network: network)
    var found = try loadWeights(into: executor)
    let input = try inputTensor()
    let bad = Self.nonFinite(input.array)
    if bad > 0 { found.append("input: \(bad) of \(input.count) values are NaN or infinite") }
    try executor.setInput(input)
    if strict, let first = found.first {
      throw SessionError(first + (found.count > 1 ? " (+\(found.count - 1) more)" : "") + "; --strict refuses it")
    }
    warnings = found
    return executor
  }

  /// What the last ``makeExecutor(strict:)`` found wrong in the weights and input, one line each.
  package private(set) var warnings: [String] = []

  /// The weights file's tensors, or the seeded weights of `source.seed`; returns what is wrong in the file.
  @discardableResult
  package func loadWeights(into executor: Executor) throws -> [String] {
    guard let path = source.weightsPath else {
      try executor.setSeededWeights(seed: source.seed)
      return []
    }
    let file = try Self.readWeights(path)
    try executor.load(file, modelName: spec.displayName)
    return Self.problems(in: file, path: path)
  }

  /// NaN / infinite values per tensor, and negative running variances, as one line each.
  package static func problems(in file: SafetensorsFile, path: String) -> [String] {
    file.tensors.compactMap { name, tensor -> String? in
      guard let values = tensor.floats else { return nil }
      let bad = nonFinite(values)
      if bad > 0 { return "--weights \(path): \(name) has \(bad) of \(values.count) values NaN or infinite" }
      let negative = name.hasSuffix("running_var") ? values.filter { $0 < 0 }.count : 0
      return negative > 0 ? "--weights \(path): \(name) has \(negative) negative variances" : nil
    }
  }

  private static func nonFinite(_ values: [Float]) -> Int { values.reduce(0) { $0 + ($1.isFinite ? 0 : 1) } }

  /// The input tensor: the array as is, the image preprocessed for the model, or the synthetic input.
  package func inputTensor() throws -> Tensor {
    switch source.input {
    case .array(let tensor, _):
      return tensor
    case .image(let path):
      // The CIFAR nets get CIFAR's transform, the others ImageNet's.
      let preprocessing = try ImagePreprocessing.forModel(cifar: spec.isCIFAR, inputSize: inputShape[2])
      return try preprocessing.tensor(contentsOfFile: path, batch: inputShape[0])
    case .images(let paths, _):
      let preprocessing = try ImagePreprocessing.forModel(cifar: spec.isCIFAR, inputSize: inputShape[2])
      var data: [Float] = []
      for path in paths { data += try preprocessing.tensor(contentsOfFile: path).array }
      return try Tensor(shape: inputShape, data: data)
    case .synthetic:
      return try Tensor(shape: inputShape, data: WeightInit.input(seed: 0, shape: inputShape))
    }
  }

  /// The parameter values the executor would get (state-dict key → floats), checked strictly as it checks them.
  package func parameterValues() throws -> [String: [Float]] {
    let specs = network.root.parameterSpecs
    guard let path = source.weightsPath else {
      return try WeightInit.stateDict(specs: specs, seed: source.seed).values(matching: specs, model: spec.baseName)
    }
    return try Self.readWeights(path).values(matching: specs, model: spec.baseName)
  }

  // MARK: - Reading files

  /// A safetensors file; format errors get `--weights PATH:` in front (I/O errors already name the file).
  package static func readWeights(_ path: String) throws -> SafetensorsFile {
    do { return try SafetensorsFile.read(path: path) } catch {
      if case .io = error { throw error }
      throw SessionError("--weights \(path): \(error)")
    }
  }

  /// An N×3×H×W float array from a `.npy` file, with a hint for the common wrong layouts.
  package static func readArray(_ path: String) throws -> Tensor {
    let array: NPYArray
    do { array = try NPYArray.read(path: path) } catch {
      if case .io = error { throw error }
      throw SessionError("--input \(path): \(error)")
    }
    guard array.shape.count == 4, array.shape[1] == 3, array.shape[0] >= 1 else {
      throw SessionError(
        "--input \(path) must be N×3×H×W, got \(ScalarBytes.describe(array.shape))" + layoutHint(array.shape))
    }
    return try Tensor(shape: array.shape, data: array.values)
  }

  /// What to do with the common wrong layouts of an image array: channels last, or no batch dimension.
  static func layoutHint(_ shape: [Int]) -> String {
    if shape.count == 4 && shape[3] == 3 { return " (channels last? use x.transpose(0, 3, 1, 2))" }
    if shape.count == 3 && shape[0] == 3 { return " (one image? add the batch dimension: x[None])" }
    return ""
  }
}
