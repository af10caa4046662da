// Locating the committed fixtures (Tests/Fixtures/…) from the test sources, and scratch directories.
import Foundation
import XCTest

/// Paths of committed fixture files and fresh temporary directories for tests.
enum Fixtures {
  /// `Tests/Fixtures/<relative>` in the source tree.
  static func path(_ relative: String) -> String {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent("Fixtures").appendingPathComponent(relative).path
  }

  /// A new empty directory under the system's temporary directory.
  static func scratchDirectory() throws -> String {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("convscope-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url.path
  }

  /// expected.json of the io fixtures: name → (shape, float32 values).
  static func expectedIO() throws -> [String: (shape: [Int], values: [Float])] {
    let data = try Data(contentsOf: URL(fileURLWithPath: path("io/expected.json")))
    let object = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: [String: Any]])
    var result: [String: (shape: [Int], values: [Float])] = [:]
    for (name, entry) in object {
      let shape = try XCTUnwrap(entry["shape"] as? [Int])
      let values = try XCTUnwrap(entry["values"] as? [String]).map { try XCTUnwrap(Float($0)) }
      result[name] = (shape, values)
    }
    return result
  }
}
