import Formats
import Foundation
import Presentation
import Runtime
import TensorCore
// Safetensors: PyTorch-written fixture, round trips, strict matching, and hostile files of every kind.
import TestSupport
import XCTest

final class SafetensorsTests: XCTestCase {
  /// A file from a header text and data bytes, with an optional forged header length.
  private func file(_ header: String, data: [UInt8] = [], length: UInt64? = nil) -> [UInt8] {
    let h = Array(header.utf8)
    var out: [UInt8] = []
    ScalarBytes.appendUIntLE(length ?? UInt64(h.count), count: 8, to: &out)
    return out + h + data
  }

  private func decodeError(_ bytes: [UInt8]) -> SafetensorsError? {
    do {
      _ = try SafetensorsFile.decode(bytes)
      return nil
    } catch { return error }
  }

  private func assertRejects(
    _ bytes: [UInt8], _ expected: SafetensorsError, mentions: String, file: StaticString = #filePath, line: UInt = #line
  ) {
    guard let error = decodeError(bytes) else { return XCTFail("accepted a bad file", file: file, line: line) }
    XCTAssertEqual(error, expected, file: file, line: line)
    XCTAssertTrue(error.description.contains(mentions), error.description, file: file, line: line)
    XCTAssertFalse(error.description.contains("\n"), file: file, line: line)
  }

  func testReadsTheFileSafetensorsWroteFromPyTorch() throws {
    let expected = try Fixtures.expectedIO()
    let loaded = try SafetensorsFile.read(path: Fixtures.path("io/torch.safetensors"))
    XCTAssertEqual(loaded.metadata.first?.0, "format")
    XCTAssertEqual(loaded.metadata.first?.1, "pt")
    XCTAssertEqual(loaded["half.weight"]?.dtype, .f16)
    XCTAssertEqual(loaded["bf16.special"]?.dtype, .bf16)
    XCTAssertEqual(loaded["bn.num_batches_tracked"], StoredTensor(shape: [], int64s: [7]))
    var checked = 0
    for (name, want) in expected where name.hasPrefix("safetensors:") {
      let tensor = try XCTUnwrap(loaded[String(name.dropFirst("safetensors:".count))], name)
      XCTAssertEqual(tensor.shape, want.shape, name)
      let got = try XCTUnwrap(tensor.floats, name)
      XCTAssertEqual(got.map(\.bitPattern), want.values.map(\.bitPattern), name)
      checked += 1
    }
    XCTAssertEqual(checked, 7)
  }

  func testDecodesF64AndI64ByHand() throws {
    var data: [UInt8] = []
    for v in [0.1, -2.5e10] { ScalarBytes.appendUIntLE(v.bitPattern, count: 8, to: &data) }
    for v: Int64 in [-3, 1 << 40] { ScalarBytes.appendUIntLE(UInt64(bitPattern: v), count: 8, to: &data) }
    let header =
      "{\"d\": {\"dtype\": \"F64\", \"shape\": [2], \"data_offsets\": [0, 16]}, "
      + "\"n\": {\"dtype\": \"I64\", \"shape\": [2, 1], \"data_offsets\": [16, 32]}}"
    let decoded = try SafetensorsFile.decode(file(header, data: data))
    XCTAssertEqual(decoded["d"]?.floats, [Float(0.1), Float(-2.5e10)])
    XCTAssertEqual(decoded["d"]?.dtype, .f64)
    XCTAssertEqual(decoded["n"], StoredTensor(shape: [2, 1], int64s: [-3, 1 << 40]))
  }

  func testHalfConversionCoversSubnormalsInfinityAndNaN() {
    XCTAssertEqual(ScalarBytes.floatFromHalf(0x3C00), 1)
    XCTAssertEqual(ScalarBytes.floatFromHalf(0xC000), -2)
    XCTAssertEqual(ScalarBytes.floatFromHalf(0x7BFF), 65504)
    XCTAssertEqual(ScalarBytes.floatFromHalf(0x0001), 0x1p-24)
    XCTAssertEqual(ScalarBytes.floatFromHalf(0x03FF), 1023 * 0x1p-24)
    XCTAssertEqual(ScalarBytes.floatFromHalf(0x8000).bitPattern, (-Float(0)).bitPattern)
    XCTAssertEqual(ScalarBytes.floatFromHalf(0x7C00), .infinity)
    XCTAssertEqual(ScalarBytes.floatFromHalf(0xFC00), -.infinity)
    XCTAssertTrue(ScalarBytes.floatFromHalf(0x7E00).isNaN)
    XCTAssertEqual(ScalarBytes.floatFromBFloat16(0x3F80), 1)
    XCTAssertEqual(ScalarBytes.floatFromBFloat16(0xC0A0), -5)
  }

  func testRoundTripThroughBytesAndDisk() throws {
    let original = SafetensorsFile(
      metadata: [("format", "pt"), ("note", "a \"quoted\" value\n")],
      tensors: [
        ("layer.0.weight", StoredTensor(shape: [2, 1, 3, 1], floats: [1, -2, 3.5, .leastNonzeroMagnitude, -0, 1e30])),
        ("layer.1.num_batches_tracked", StoredTensor(shape: [], int64s: [-5])),
        ("empty", StoredTensor(shape: [0, 4], floats: [])),
        ("ünïcode.bias", StoredTensor(shape: [1], floats: [0.25])),
      ])
    let bytes = original.encoded()
    XCTAssertEqual(ScalarBytes.uintLE(bytes, at: 0, count: 8) % 8, 0, "header padded to 8 bytes")
    let decoded = try SafetensorsFile.decode(bytes)
    XCTAssertEqual(decoded.tensors.map(\.name), original.tensors.map(\.name))
    XCTAssertEqual(decoded, original)

    let dir = try Fixtures.scratchDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let path = dir + "/w.safetensors"
    try original.write(path: path)
    XCTAssertEqual(try SafetensorsFile.read(path: path), original)
    // Overwriting goes through a temp file and a rename: nothing else is left in the directory.
    try SafetensorsFile(tensors: [("x", StoredTensor(shape: [1], floats: [2]))]).write(path: path)
    XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir), ["w.safetensors"])
    XCTAssertEqual(try SafetensorsFile.read(path: path)["x"]?.floats, [2])
  }

  func testWriteIntoAMissingDirectoryIsAClearError() {
    let file = SafetensorsFile(tensors: [("x", StoredTensor(shape: [1], floats: [2]))])
    XCTAssertThrowsError(try file.write(path: "/nonexistent-dir-for-test/w.safetensors")) { error in
      XCTAssertTrue("\(error)".contains("/nonexistent-dir-for-test/w.safetensors"), "\(error)")
    }
    XCTAssertThrowsError(try SafetensorsFile.read(path: "/nonexistent-dir-for-test/w.safetensors")) { error in
      XCTAssertTrue("\(error)".contains("No such file"), "\(error)")
    }
  }

  func testRejectsBadHeaderBounds() {
    assertRejects([1, 2, 3], .tooShort(size: 3), mentions: "too short")
    assertRejects(file("{}", length: 1 << 62), .headerTooLarge(length: 1 << 62), mentions: "limit")
    assertRejects(file("{}", length: UInt64.max), .headerTooLarge(length: .max), mentions: "limit")
    assertRejects(file("{}", length: 100_000_001), .headerTooLarge(length: 100_000_001), mentions: "100000000")
    assertRejects(file("{}", length: 3), .headerPastEnd(length: 3, available: 2), mentions: "past the end")
    assertRejects(
      file("{}", length: 50_000_000), .headerPastEnd(length: 50_000_000, available: 2), mentions: "past the end")
  }

  func testRejectsHeadersThatAreNotAJSONObject() throws {
    for text in ["{", "{\"a\": }", "not json", "{\"a\": 1} x", "{\"a\":1,\"a\":2}", "\u{FF}", ""] {
      guard case .headerNotJSON = try XCTUnwrap(decodeError(file(text)), text) else {
        return XCTFail("\(text) should be rejected as not JSON")
      }
    }
    let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
    guard case .headerNotJSON(let e) = try XCTUnwrap(decodeError(file("{\"a\":" + deep + "}"))) else {
      return XCTFail("deep nesting accepted")
    }
    XCTAssertTrue(e.description.contains("nested deeper"))
    assertRejects(file("[1, 2]"), .headerNotObject, mentions: "not a JSON object")
    assertRejects(file("  \"text\"  "), .headerNotObject, mentions: "not a JSON object")
  }

  func testRejectsBadMetadataAndEntries() {
    assertRejects(file("{\"__metadata__\": [1]}"), .badMetadata("is not an object"), mentions: "__metadata__")
    assertRejects(
      file("{\"__metadata__\": {\"k\": 1}}"), .badMetadata("value of 'k' is not a string"), mentions: "'k'")
    let cases: [(String, String)] = [
      ("{\"t\": 5}", "entry is not an object"),
      ("{\"t\": {\"shape\": [1], \"data_offsets\": [0, 4]}}", "missing or non-string dtype"),
      ("{\"t\": {\"dtype\": \"F99\", \"shape\": [1], \"data_offsets\": [0, 4]}}", "unknown dtype F99"),
      ("{\"t\": {\"dtype\": \"F32\", \"data_offsets\": [0, 4]}}", "missing shape"),
      ("{\"t\": {\"dtype\": \"F32\", \"shape\": [-1], \"data_offsets\": [0, 4]}}", "shape [-1] is not a list of sizes"),
      (
        "{\"t\": {\"dtype\": \"F32\", \"shape\": [1.5], \"data_offsets\": [0, 4]}}",
        "shape [1.5] is not a list of sizes"
      ),
      ("{\"t\": {\"dtype\": \"F32\", \"shape\": [1]}}", "data_offsets is not a pair of byte offsets"),
      (
        "{\"t\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [0, 4, 8]}}",
        "data_offsets is not a pair of byte offsets"
      ),
      (
        "{\"t\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [-4, 0]}}",
        "data_offsets is not a pair of byte offsets"
      ),
      ("{\"t\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [0, 4], \"x\": 1}}", "unknown field 'x'"),
    ]
    for (header, reason) in cases {
      assertRejects(file(header, data: [0, 0, 0, 0]), .badEntry(name: "t", reason: reason), mentions: "'t'")
    }
    assertRejects(
      file("{\"t\": {\"dtype\": \"U8\", \"shape\": [4], \"data_offsets\": [0, 4]}}", data: [0, 0, 0, 0]),
      .unsupportedDType(name: "t", dtype: "U8"), mentions: "U8")
  }

  func testRejectsSizesThatDoNotMatchDTypeTimesShape() {
    assertRejects(
      file(
        "{\"t\": {\"dtype\": \"F32\", \"shape\": [2, 2], \"data_offsets\": [0, 12]}}",
        data: .init(repeating: 0, count: 12)),
      .sizeMismatch(name: "t", dtype: .f32, shape: [2, 2], bytes: 12), mentions: "[2, 2]")
    assertRejects(
      file(
        "{\"t\": {\"dtype\": \"F16\", \"shape\": [3], \"data_offsets\": [0, 4]}}", data: .init(repeating: 0, count: 4)),
      .sizeMismatch(name: "t", dtype: .f16, shape: [3], bytes: 4), mentions: "needs 3 × 2 bytes")
    // A shape whose product overflows must not allocate: it is a size mismatch.
    let huge = [1 << 40, 1 << 40]
    assertRejects(
      file(
        "{\"t\": {\"dtype\": \"F32\", \"shape\": [1099511627776, 1099511627776], \"data_offsets\": [0, 4]}}",
        data: [0, 0, 0, 0]),
      .sizeMismatch(name: "t", dtype: .f32, shape: huge, bytes: 4), mentions: "overflowing")
    let big = 1 << 61
    assertRejects(
      file(
        "{\"t\": {\"dtype\": \"F64\", \"shape\": [\(big)], \"data_offsets\": [0, 8]}}",
        data: .init(repeating: 0, count: 8)),
      .sizeMismatch(name: "t", dtype: .f64, shape: [big], bytes: 8), mentions: "'t'")
  }

  func testRejectsOffsetsOutsideReversedOverlappingOrWithHoles() {
    let four: [UInt8] = [0, 0, 128, 63]
    func entry(_ name: String, _ b: Int, _ e: Int, count: Int = 1) -> String {
      "\"\(name)\": {\"dtype\": \"F32\", \"shape\": [\(count)], \"data_offsets\": [\(b), \(e)]}"
    }
    assertRejects(
      file("{\(entry("a", 4, 0))}", data: four), .offsetsReversed(name: "a", begin: 4, end: 0), mentions: "reversed")
    assertRejects(
      file("{\(entry("a", 0, 4)), \(entry("b", 4, 8))}", data: four),
      .offsetsOutside(name: "b", begin: 4, end: 8, dataSize: 4), mentions: "outside the 4-byte data")
    assertRejects(
      file("{\(entry("a", 4, 8))}", data: four + four), .hole(before: "a", begin: 4, gapStart: 0), mentions: "hole")
    assertRejects(
      file("{\(entry("a", 0, 4)), \(entry("b", 8, 12))}", data: four + four + four),
      .hole(before: "b", begin: 8, gapStart: 4), mentions: "bytes 4..<8")
    assertRejects(
      file("{\(entry("a", 0, 8, count: 2)), \(entry("b", 4, 8))}", data: four + four),
      .overlap(name: "b", other: "a", begin: 4, otherEnd: 8), mentions: "overlapping 'a'")
    assertRejects(
      file("{\(entry("a", 0, 4)), \(entry("b", 0, 4))}", data: four),
      .overlap(name: "b", other: "a", begin: 0, otherEnd: 4), mentions: "overlapping")
    assertRejects(
      file("{\(entry("a", 0, 4))}", data: four + four), .trailingBytes(covered: 4, dataSize: 8),
      mentions: "cover only 4")
    // Offsets need not follow key order; only their tiling matters.
    XCTAssertNoThrow(try SafetensorsFile.decode(file("{\(entry("b", 4, 8)), \(entry("a", 0, 4))}", data: four + four)))
  }

  func testTruncatedAndMutatedFilesNeverCrash() throws {
    let valid = SafetensorsFile(tensors: [
      ("a.weight", StoredTensor(shape: [3, 2], floats: [1, 2, 3, 4, 5, 6])),
      ("a.num_batches_tracked", StoredTensor(shape: [], int64s: [3])),
    ]).encoded()
    for cut in stride(from: 0, to: valid.count, by: 1) {
      XCTAssertNotNil(decodeError(Array(valid[..<cut])), "truncated at \(cut) accepted")
    }
    var generator = SeededGenerator(seed: 42)
    var accepted = 0
    for _ in 0..<3000 {
      var bytes = valid
      for _ in 0..<(1 + Int(generator.next() % 3)) {
        bytes[Int(generator.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: generator.next())
      }
      if let decoded = try? SafetensorsFile.decode(bytes) {
        accepted += 1
        XCTAssertEqual(decoded.encoded().count <= bytes.count + 64, true)
      }
    }
    XCTAssertLessThan(accepted, 3000)
  }

  func testMatchingAgainstAModelReportsEveryProblemByKey() throws {
    let file = SafetensorsFile(tensors: [
      ("conv1.weight", StoredTensor(shape: [64, 3, 3, 3], floats: .init(repeating: 0, count: 64 * 27))),
      ("bn1.weight", StoredTensor(shape: [64], int64s: .init(repeating: 1, count: 64))),
      ("bn1.num_batches_tracked", StoredTensor(shape: [], int64s: [0])),
      ("extra.bias", StoredTensor(shape: [5], floats: .init(repeating: 0, count: 5))),
    ])
    let specs = [
      ParameterSpec(key: "conv1.weight", shape: [64, 3, 7, 7]),
      ParameterSpec(key: "bn1.weight", shape: [64]),
      ParameterSpec(key: "bn1.bias", shape: [64]),
      ParameterSpec(key: "bn1.num_batches_tracked", shape: [], isCounter: true),
      ParameterSpec(key: "bn2.num_batches_tracked", shape: [], isCounter: true),
    ]
    XCTAssertThrowsError(try file.values(matching: specs, model: "resnet50")) { error in
      guard let mismatch = error as? WeightsMismatchError else { return XCTFail("\(error)") }
      XCTAssertEqual(mismatch.missing.map(\.key), ["bn1.bias"])
      XCTAssertEqual(mismatch.unexpected.map(\.key), ["extra.bias"])
      XCTAssertEqual(
        mismatch.shapeMismatches, [.init(key: "conv1.weight", expected: "[64, 3, 7, 7]", found: "[64, 3, 3, 3]")])
      XCTAssertEqual(mismatch.dtypeMismatches, [.init(key: "bn1.weight", expected: "F32", found: "I64")])
      XCTAssertEqual(
        mismatch.description,
        "weights do not fit resnet50: 1 missing: bn1.bias [64]; 1 unexpected: extra.bias [5]; "
          + "1 shape mismatch: conv1.weight model [64, 3, 7, 7] file [64, 3, 3, 3]; 1 dtype mismatch: bn1.weight model F32 file I64"
      )
    }
    // Counters may be absent or present; everything else must match exactly.
    let good = SafetensorsFile(tensors: [("w", StoredTensor(shape: [2], floats: [1, 2]))])
    let values = try good.values(
      matching: [ParameterSpec(key: "w", shape: [2]), ParameterSpec(key: "n", shape: [], isCounter: true)], model: "m")
    XCTAssertEqual(values, ["w": [1, 2]])
  }

  func testLongMismatchListsAreShortenedToOneLine() {
    let specs = (0..<20).map { ParameterSpec(key: "layer.\($0).weight", shape: [$0]) }
    XCTAssertThrowsError(try SafetensorsFile(tensors: []).values(matching: specs, model: "m")) { error in
      let text = "\(error)"
      XCTAssertTrue(text.contains("20 missing"), text)
      XCTAssertTrue(text.contains("(14 more)"), text)
      XCTAssertFalse(text.contains("\n"))
    }
  }
}

/// A file of another format given as weights says what it is instead of a header-length error.
final class SafetensorsSignatureTests: XCTestCase {
  func testOtherFormatsAreNamed() {
    let cases: [([UInt8], String)] = [
      ([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0], "not a safetensors file: starts with a PNG signature"),
      (
        [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0, 0x76, 0],
        "not a safetensors file: starts with a NumPy .npy signature"
      ),
      ([0x50, 0x4B, 0x03, 0x04, 0x14, 0, 0, 0, 8, 0], "not a safetensors file: starts with a zip"),
    ]
    for (bytes, message) in cases {
      XCTAssertThrowsError(try SafetensorsFile.decode(bytes + [UInt8](repeating: 0, count: 40))) { error in
        XCTAssertTrue("\(error)".hasPrefix(message), "\(error)")
      }
    }
  }
}
