// Folders and files whose names are not UTF-8, listed and opened by their bytes.
import Formats
import Foundation
import TestSupport
import XCTest

final class RawPathsTests: XCTestCase {
  /// `bytes` as a C path (the test makes the names Swift strings cannot hold).
  private func cPath(_ bytes: [UInt8]) -> [CChar] { bytes.map { CChar(bitPattern: $0) } + [0] }

  private func write(_ contents: [UInt8], to path: [UInt8]) {
    let fd = open(cPath(path), O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    XCTAssertGreaterThanOrEqual(fd, 0)
    XCTAssertEqual(contents.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }, contents.count)
    close(fd)
  }

  func testFolderAndFileNamesThatAreNotUTF8OpenByTheirBytes() throws {
    let scratch = Array(try Fixtures.scratchDirectory().utf8)
    let folder = scratch + Array("/caf".utf8) + [0xE9]  // Latin-1 "café"
    XCTAssertEqual(mkdir(cPath(folder), 0o700), 0)
    write([1, 2, 3], to: folder + Array("/x".utf8) + [0xFF] + Array(".png".utf8))
    write([4, 5], to: folder + Array("/plain.png".utf8))

    let top = try RawPaths.paths(in: String(decoding: scratch, as: UTF8.self))
    let found = try XCTUnwrap(top.first { $0.hasSuffix("/caf\u{FFFD}") })
    let inside = try RawPaths.paths(in: found).sorted()
    XCTAssertEqual(inside, [found + "/plain.png", found + "/x\u{FFFD}.png"])
    XCTAssertEqual(try FileBytes.read(inside[0]), [4, 5])
    XCTAssertEqual(try FileBytes.read(inside[1]), [1, 2, 3])
  }

  func testNamesThatDifferOnlyInTheirNonUTF8BytesAreRefused() throws {
    let scratch = try Fixtures.scratchDirectory()
    write([1], to: Array((scratch + "/a").utf8) + [0xFE] + Array(".png".utf8))
    write([2], to: Array((scratch + "/a").utf8) + [0xFF] + Array(".png".utf8))
    XCTAssertThrowsError(try RawPaths.paths(in: scratch)) { error in
      XCTAssertEqual(
        "\(error)", "\(scratch)/a\u{FFFD}.png: two names in this folder differ only in bytes that are not UTF-8")
    }
  }

  func testAMissingFolderIsRefusedWithTheSystemsReason() {
    XCTAssertThrowsError(try RawPaths.paths(in: "/nonexistent/convscope")) { error in
      XCTAssertEqual("\(error)", "/nonexistent/convscope: No such file or directory")
    }
  }
}
