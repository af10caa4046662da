import Formats
import Foundation
// .npy: NumPy-written fixtures in every dtype and version, byte-identical writes, and malformed files.
import TestSupport
import XCTest

final class NPYTests: XCTestCase {
  private func decodeError(_ bytes: [UInt8]) -> NPYError? {
    do {
      _ = try NPYArray.decode(bytes)
      return nil
    } catch { return error }
  }

  /// A .npy file with the given version and header text, padded like NumPy does.
  private func npy(_ header: String, version: (UInt8, UInt8) = (1, 0), data: [UInt8] = []) -> [UInt8] {
    let h = Array(header.utf8)
    var out: [UInt8] = [0x93] + Array("NUMPY".utf8) + [version.0, version.1]
    ScalarBytes.appendUIntLE(UInt64(h.count), count: version.0 == 1 ? 2 : 4, to: &out)
    return out + h + data
  }

  func testReadsWhatNumPyWrote() throws {
    let expected = try Fixtures.expectedIO()
    for name in ["f4.npy", "f8.npy", "f2.npy", "scalar.npy", "v2.npy"] {
      let array = try NPYArray.read(path: Fixtures.path("io/" + name))
      let want = try XCTUnwrap(expected[name], name)
      XCTAssertEqual(array.shape, want.shape, name)
      XCTAssertEqual(array.values.map(\.bitPattern), want.values.map(\.bitPattern), name)
    }
  }

  func testWritesTheSameBytesAsNumPy() throws {
    let numpy = try FileBytes.read(Fixtures.path("io/f4.npy"))
    let array = try NPYArray.decode(numpy)
    XCTAssertEqual(array.encoded(), numpy)
    let scalar = try FileBytes.read(Fixtures.path("io/scalar.npy"))
    XCTAssertEqual(try NPYArray.decode(scalar).encoded(), scalar)
  }

  func testRoundTripsThroughDisk() throws {
    let dir = try Fixtures.scratchDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    for shape in [[5], [2, 3, 4, 1], [], [0, 3], [1, 1000, 1, 1]] {
      let count = shape.reduce(1, *)
      let array = NPYArray(shape: shape, values: (0..<count).map { Float($0) * 0.5 - 3 })
      let bytes = array.encoded()
      let headerEnd = 10 + Int(ScalarBytes.uintLE(bytes, at: 8, count: 2))
      XCTAssertEqual(headerEnd % 64, 0, "data aligned to 64 bytes as NumPy writes it")
      XCTAssertEqual(bytes[headerEnd - 1], 0x0A)
      try array.write(path: dir + "/a.npy")
      XCTAssertEqual(try NPYArray.read(path: dir + "/a.npy"), array)
    }
    XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir), ["a.npy"])
  }

  func testRejectsFortranOrderAndOtherDTypes() throws {
    XCTAssertThrowsError(try NPYArray.read(path: Fixtures.path("io/fortran.npy"))) { error in
      XCTAssertEqual(error as? NPYError, .fortranOrder)
      XCTAssertTrue("\(error)".contains("Fortran order"))
    }
    XCTAssertThrowsError(try NPYArray.read(path: Fixtures.path("io/int32.npy"))) { error in
      XCTAssertEqual(error as? NPYError, .unsupportedDType("<i4"))
      XCTAssertTrue("\(error)".contains("'<i4'"))
    }
    let big = npy("{'descr': '>f4', 'fortran_order': False, 'shape': (1,), }\n", data: [0, 0, 0, 0])
    XCTAssertEqual(decodeError(big), .unsupportedDType(">f4"))
  }

  func testRejectsBadMagicVersionsAndTruncation() {
    XCTAssertEqual(decodeError([]), .badMagic)
    XCTAssertEqual(decodeError(Array("PK\u{3}\u{4}whatever".utf8)), .badMagic)
    XCTAssertEqual(decodeError(npy("{}", version: (4, 0))), .unsupportedVersion(major: 4, minor: 0))
    XCTAssertEqual(decodeError([0x93] + Array("NUMPY".utf8) + [1, 0, 10]), .truncatedHeader(needed: 10, available: 9))
    var cut = npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }\n")
    cut[8] = 200
    XCTAssertEqual(decodeError(cut), .truncatedHeader(needed: 210, available: cut.count))
    let header = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }\n"
    XCTAssertEqual(
      decodeError(npy(header, data: .init(repeating: 0, count: 20))),
      .dataSize(shape: [2, 3], dtype: "<f4", expected: 24, found: 20))
    XCTAssertEqual(
      decodeError(npy(header, data: .init(repeating: 0, count: 28))),
      .dataSize(shape: [2, 3], dtype: "<f4", expected: 24, found: 28))
    let hostile = "{'descr': '<f4', 'fortran_order': False, 'shape': (4611686018427387904, 4), }\n"
    XCTAssertNotNil(decodeError(npy(hostile, data: [0, 0, 0, 0])))
    XCTAssertTrue(decodeError(npy(header, data: [1]))!.description.contains("needs 24 bytes, the file has 1"))
  }

  func testRejectsMalformedHeaders() {
    let bad = [
      "", "{", "{'descr': '<f4'}", "{'descr': '<f4', 'fortran_order': False}",
      "{'descr': '<f4', 'fortran_order': Maybe, 'shape': (1,)}",
      "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'extra': 1}",
      "{'descr': '<f4', 'fortran_order': False, 'shape': (-1,)}",
      "{'descr': '<f4', 'fortran_order': False, 'shape': [1]}",
      "{'descr': '<f4, 'fortran_order': False, 'shape': (1,)}",
      "{'descr': '<f4', 'fortran_order': False, 'shape': (1,)} trailing",
    ]
    for header in bad {
      guard case .badHeader(let reason) = decodeError(npy(header, data: [0, 0, 0, 0])) else {
        XCTFail("accepted header \(header)")
        continue
      }
      XCTAssertFalse(reason.isEmpty)
    }
    // Python 2 longs and no trailing comma are still valid headers.
    XCTAssertEqual(
      try NPYArray.decode(npy("{'descr':'<f4','fortran_order':False,'shape':(1L, 1)}", data: [0, 0, 128, 63])),
      NPYArray(shape: [1, 1], values: [1]))
  }

  func testANineteenDigitDimensionIsTooLargeNotMissing() {
    let header = "{'descr': '<f4', 'fortran_order': False, 'shape': (1234567890123456789,)}"
    guard case .badHeader(let reason) = decodeError(npy(header, data: [0, 0, 0, 0])) else {
      return XCTFail("accepted a 19-digit dimension")
    }
    XCTAssertEqual(reason, "dimension 1234567890123456789 at byte 51 is too large")
  }
}
