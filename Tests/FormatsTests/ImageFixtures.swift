import Foundation
import TestSupport

/// The files written by scripts/make_image_fixtures.py and its manifest.
enum ImageFixtures {
  struct TensorCase: Decodable {
    let preset: String
    let size: Int
    let file: String
  }
  /// An image with its expected pixels (decoded size, or the resize target for `resize`).
  struct Case: Decodable {
    let image: String
    let width: Int
    let height: Int
    let pixels: String
    let tensors: [TensorCase]?
  }
  struct Summary: Decodable {
    let image: String
    let size: Int
    let stride: Int
    let samples: [Float]
    let channel_means: [Double]
  }
  struct Manifest: Decodable {
    let cases: [Case]
    let resize: Case
    let summary224: Summary
    let rejected: [String: String]
  }

  static let directory = Fixtures.url("images")

  static func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

  static func bytes(_ name: String) throws -> [UInt8] {
    [UInt8](try Data(contentsOf: directory.appendingPathComponent(name)))
  }

  /// A raw little-endian float32 file.
  static func floats(_ name: String) throws -> [Float] {
    let raw = try bytes(name)
    return stride(from: 0, to: raw.count, by: 4).map { i in
      Float(bitPattern: UInt32(raw[i]) | UInt32(raw[i + 1]) << 8 | UInt32(raw[i + 2]) << 16 | UInt32(raw[i + 3]) << 24)
    }
  }

  static func manifest() throws -> Manifest {
    try JSONDecoder().decode(Manifest.self, from: Data(contentsOf: directory.appendingPathComponent("manifest.json")))
  }
}
