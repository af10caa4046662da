import Foundation
import TensorCore

/// Where the weights and the input of the explorer's forward pass come from.
package struct RunSource: Sendable {
  /// A safetensors file, or nil for the seeded weights of `seed`.
  package var weightsPath: String?
  package var seed: UInt64
  /// The input itself (from `--input F.npy`), or nil for an image or the synthetic input.
  package var input: Tensor?
  /// An image (PNG or JPEG) preprocessed for the model at the explorer's input size, as `run --image`.
  package var imagePath: String?
  /// How the header names the input when it came from a file.
  package var inputName: String?

  package init(
    weightsPath: String? = nil, seed: UInt64 = 0, input: Tensor? = nil, imagePath: String? = nil,
    inputName: String? = nil
  ) {
    self.weightsPath = weightsPath
    self.seed = seed
    self.input = input
    self.imagePath = imagePath
    self.inputName = inputName
  }

  /// Whether the input comes from a file (then the top classes mean something).
  package var hasFileInput: Bool { input != nil || imagePath != nil }

  /// `seeded weights (seed 0) · synthetic input`, or the file names.
  package var description: String {
    let weights =
      weightsPath.map { "weights \(URL(fileURLWithPath: $0).lastPathComponent)" } ?? "seeded weights (seed \(seed))"
    let input = inputName.map { "input \($0)" } ?? "synthetic input"
    return "\(weights) · \(input)"
  }
}
