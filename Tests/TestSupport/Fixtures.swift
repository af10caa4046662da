// The one way tests find committed fixtures (Tests/Fixtures/…): by path in the source tree, from this file's
// own location, so no test target copies them as resources. Also scratch directories.
import Foundation
import XCTest

/// Paths of committed fixture files and fresh temporary directories for tests.
package enum Fixtures {
  /// `Tests/Fixtures/<relative>` in the source tree.
  package static func path(_ relative: String) -> String {
    url(relative).path
  }

  /// `Tests/Fixtures/<relative>` as a file URL.
  package static func url(_ relative: String) -> URL {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent("Fixtures").appendingPathComponent(relative)
  }

  /// The bytes of a fixture file.
  package static func data(_ relative: String) throws -> Data {
    try Data(contentsOf: url(relative))
  }

  /// A new empty directory under the system's temporary directory.
  package static func scratchDirectory() throws -> String {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("convscope-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url.path
  }

  /// expected.json of the io fixtures: name → (shape, float32 values).
  package static func expectedIO() throws -> [String: (shape: [Int], values: [Float])] {
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
