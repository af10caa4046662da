import Foundation
import TensorCore

/// Where a session's weights and input come from, as the user gave them.
package struct SessionSource: Sendable {
  /// The input of the forward pass.
  package enum Input: Sendable {
    /// The seeded synthetic input (seed 0 whatever the weight seed, so `run` and the explorer agree).
    case synthetic
    /// An array read from a `.npy` file, used as is; `name` is how headers name it.
    case array(Tensor, name: String)
    /// A PNG or JPEG file, preprocessed for the model at the session's input size.
    case image(path: String)
    /// Several PNG/JPEG files (a folder's), one sample each; `name` is how headers name them.
    case images(paths: [String], name: String)
  }

  /// A safetensors file, or nil for the seeded weights of `seed`.
  package var weightsPath: String?
  package var seed: UInt64
  package var input: Input

  package init(weightsPath: String? = nil, seed: UInt64 = 0, input: Input = .synthetic) {
    self.weightsPath = weightsPath
    self.seed = seed
    self.input = input
  }

  /// The array given as input, if any (it fixes batch and size).
  package var array: Tensor? {
    if case .array(let tensor, _) = input { return tensor }
    return nil
  }

  /// Whether the input comes from a file (then the top classes mean something).
  package var hasFileInput: Bool {
    switch input {
    case .synthetic: false
    case .array, .image, .images: true
    }
  }

  /// `seeded weights (seed 0) · synthetic input`, or the file names.
  package var description: String {
    let weights =
      weightsPath.map { "weights \(URL(fileURLWithPath: $0).lastPathComponent)" } ?? "seeded weights (seed \(seed))"
    let shown: String
    switch input {
    case .synthetic: shown = "synthetic input"
    case .array(_, let name): shown = "input \(name)"
    case .image(let path): shown = "input \(URL(fileURLWithPath: path).lastPathComponent)"
    case .images(let paths, let name): shown = "input \(name) (\(paths.count) images)"
    }
    return "\(weights) · \(shown)"
  }
}
