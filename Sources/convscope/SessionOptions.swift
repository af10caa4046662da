import ArgumentParser
import Formats
import Foundation
import Models
import Session

/// Where a headless pass's weights and input come from (`lesion`, `reuse`): the options `run` also takes,
/// plus `--images DIR` (every PNG/JPEG in a folder, one sample each).
struct SessionOptions: ParsableArguments {
  @Option(help: "Weights (.safetensors with the model's state-dict keys); default: the seeded weights of --seed.")
  var weights: String?

  @Option(parsing: .unconditional, help: "Weight seed (the weights `export-weights --seed N` writes).")
  var seed: UInt64 = 0

  @Option(help: "Input array (.npy, N×3×H×W float, used as is); default: a synthetic input of --input-size.")
  var input: String?

  @Option(help: "An image (PNG or JPEG), preprocessed as torchvision does for the model.")
  var image: String?

  @Option(help: "A folder of PNG/JPEG images, one sample each (sorted by name).")
  var images: String?

  @Option(parsing: .unconditional, help: "Input height = width (default: the model's own, 224 or 32).")
  var inputSize: Int?

  @Option(parsing: .unconditional, help: "Batch size of the synthetic input, or copies of --image.")
  var batch: Int = 1

  func validate() throws {
    guard batch >= 1 else { throw ValidationError("--batch must be 1 or more, got \(batch)") }
    if let inputSize, inputSize < 1 { throw ValidationError("--input-size must be 1 or more, got \(inputSize)") }
    if [input, image, images].compactMap({ $0 }).count > 1 {
      throw ValidationError("--input, --image and --images exclude each other; give one")
    }
    if input != nil && (inputSize != nil || batch != 1) {
      throw ValidationError("--input gives batch and size itself; drop --input-size/--batch")
    }
    if images != nil && batch != 1 { throw ValidationError("--images gives the batch itself (one per image)") }
  }

  /// The session these options name for `spec`.
  func session(_ spec: ModelSpec) throws -> Session {
    let source: SessionSource.Input
    if let input {
      source = .array(try Session.readArray(input), name: URL(fileURLWithPath: input).lastPathComponent)
    } else if let image {
      source = .image(path: image)
    } else if let images {
      source = .images(paths: try Self.imageFiles(in: images), name: URL(fileURLWithPath: images).lastPathComponent)
    } else {
      source = .synthetic
    }
    return Session(
      spec: spec, source: SessionSource(weightsPath: weights, seed: seed, input: source), batch: batch,
      size: inputSize)
  }

  /// The PNG and JPEG files of `directory`, sorted by name; refused when there are none.
  static func imageFiles(in directory: String) throws -> [String] {
    // Listed by bytes (RawPaths), so a folder or file name that is not UTF-8 still opens.
    let paths: [String]
    do { paths = try RawPaths.paths(in: directory) } catch {
      throw CommandError("--images " + (error.path == directory ? "\(directory): not a readable folder" : "\(error)"))
    }
    let images = paths.filter { ["png", "jpg", "jpeg"].contains(($0 as NSString).pathExtension.lowercased()) }
    guard !images.isEmpty else { throw CommandError("--images \(directory): no .png, .jpg or .jpeg files in it") }
    return images.sorted()
  }
}
