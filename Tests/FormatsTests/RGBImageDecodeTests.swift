import Formats
import Foundation
import TestSupport
import XCTest

/// Decoding against PIL's `Image.open(f).convert("RGB")`: every byte must be equal.
final class RGBImageDecodeTests: XCTestCase {
  func testDecodedPixelsEqualPIL() throws {
    let manifest = try ImageFixtures.manifest()
    XCTAssertGreaterThanOrEqual(manifest.cases.count, 12)
    for fixture in manifest.cases {
      let image = try RGBImage(contentsOfFile: ImageFixtures.path(fixture.image))
      XCTAssertEqual(image.width, fixture.width, fixture.image)
      XCTAssertEqual(image.height, fixture.height, fixture.image)
      let expected = try ImageFixtures.bytes(fixture.pixels)
      let differing = zip(image.pixels, expected).filter { $0 != $1 }.count
      XCTAssertEqual(image.pixels.count, expected.count, fixture.image)
      XCTAssertEqual(differing, 0, "\(fixture.image): \(differing) bytes differ from PIL")
    }
  }

  func testCMYKJPEGIsRejectedClearly() throws {
    let path = ImageFixtures.path("cmyk_16x16.jpg")
    XCTAssertThrowsError(try RGBImage(contentsOfFile: path)) { error in
      let text = String(describing: error)
      XCTAssertTrue(text.hasPrefix("cannot decode image \(path): "), text)
      XCTAssertTrue(text.contains("CMYK"), text)
    }
  }

  /// Every prefix-truncation of every fixture is refused with a message, never a crash or exit.
  func testTruncatedFilesGiveAnError() throws {
    for name in [
      "rgb_97x61.png", "palette_64x48.png", "photo_120x90.jpg", "progressive444_63x47.jpg", "grey_57x81.jpg",
    ] {
      let bytes = try ImageFixtures.bytes(name)
      for cut in [1, 4, 9, 40, bytes.count / 3, bytes.count / 2, bytes.count - 40] {
        XCTAssertThrowsError(try RGBImage(decoding: Array(bytes.prefix(cut)), name: name), "\(name) cut at \(cut)") {
          error in
          let text = String(describing: error)
          XCTAssertTrue(text.hasPrefix("cannot decode image \(name): "), text)
        }
      }
    }
    let jpeg = try ImageFixtures.bytes("photo_120x90.jpg")
    XCTAssertThrowsError(try RGBImage(decoding: Array(jpeg.prefix(jpeg.count / 2)), name: "half.jpg")) { error in
      XCTAssertEqual(
        String(describing: error), "cannot decode image half.jpg: file ends early (truncated or corrupt JPEG)")
    }
    let png = try ImageFixtures.bytes("rgb_97x61.png")
    XCTAssertThrowsError(try RGBImage(decoding: Array(png.prefix(png.count / 2)), name: "half.png")) { error in
      XCTAssertEqual(
        String(describing: error), "cannot decode image half.png: invalid PNG: file ends early (truncated PNG)")
    }
  }

  func testCorruptFilesGiveAnError() throws {
    // A flipped bit in a critical chunk's data breaks its CRC.
    var png = try ImageFixtures.bytes("rgb_97x61.png")
    png[20] ^= 0x01  // inside IHDR (width)
    XCTAssertThrowsError(try RGBImage(decoding: png, name: "crc.png")) { error in
      XCTAssertTrue(String(describing: error).contains("invalid PNG: IHDR: CRC error"), String(describing: error))
    }
    // JPEG signature followed by garbage.
    var garbage: [UInt8] = [0xFF, 0xD8, 0xFF]
    var state: UInt32 = 12345
    for _ in 0..<500 {
      state = state &* 1_103_515_245 &+ 12345
      garbage.append(UInt8(truncatingIfNeeded: state >> 16))
    }
    XCTAssertThrowsError(try RGBImage(decoding: garbage, name: "garbage.jpg")) { error in
      XCTAssertTrue(String(describing: error).hasPrefix("cannot decode image garbage.jpg: "), String(describing: error))
    }
    // A frame header claiming 13-bit samples.
    var jpeg = try ImageFixtures.bytes("photo_120x90.jpg")
    let sof = try XCTUnwrap((0..<jpeg.count - 1).first { jpeg[$0] == 0xFF && jpeg[$0 + 1] == 0xC0 })
    jpeg[sof + 4] = 13
    XCTAssertThrowsError(try RGBImage(decoding: jpeg, name: "sof.jpg")) { error in
      XCTAssertEqual(
        String(describing: error), "cannot decode image sof.jpg: invalid JPEG: Unsupported JPEG data precision 13")
    }
    // Neither format.
    XCTAssertThrowsError(try RGBImage(decoding: Array("GIF89a....".utf8), name: "x.gif")) { error in
      XCTAssertEqual(
        String(describing: error), "cannot decode image x.gif: not a PNG or JPEG file (unrecognised signature)")
    }
    XCTAssertThrowsError(try RGBImage(decoding: [], name: "empty.png"))
  }

  /// A PNG whose header claims 70000 × 61 pixels (CRC recomputed) is refused before allocating.
  func testOversizedHeaderIsRefused() throws {
    var png = try ImageFixtures.bytes("rgb_97x61.png")
    let width = UInt32(70_000)
    for i in 0..<4 { png[16 + i] = UInt8(truncatingIfNeeded: width >> (24 - 8 * UInt32(i))) }
    let crc = crc32(png[12..<29])  // chunk type + IHDR data
    for i in 0..<4 { png[29 + i] = UInt8(truncatingIfNeeded: crc >> (24 - 8 * UInt32(i))) }
    XCTAssertThrowsError(try RGBImage(decoding: png, name: "wide.png")) { error in
      XCTAssertEqual(
        String(describing: error),
        "cannot decode image wide.png: invalid PNG: Invalid IHDR data (Image width exceeds user limit in IHDR)")
    }
  }

  /// PNG's CRC-32 (reflected polynomial 0xEDB88320), bit by bit.
  private func crc32(_ bytes: ArraySlice<UInt8>) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in bytes {
      crc ^= UInt32(byte)
      for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
    }
    return ~crc
  }

  func testMissingFileAndDirectory() {
    XCTAssertThrowsError(try RGBImage(contentsOfFile: "/nonexistent/cat.jpg")) { error in
      XCTAssertEqual(String(describing: error), "cannot read image /nonexistent/cat.jpg: no such file")
    }
    XCTAssertThrowsError(try RGBImage(contentsOfFile: "/tmp")) { error in
      XCTAssertEqual(String(describing: error), "cannot read image /tmp: is a directory")
    }
  }

  func testCorruptJPEGDataIsRefusedAsPillowRefusesIt() throws {
    for name in ["corrupt_grey_marker_in_scan", "corrupt_photo_marker_in_scan", "corrupt_photo_random_run"] {
      let bytes = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("hostile/\(name).jpg")))
      XCTAssertThrowsError(try RGBImage(decoding: [UInt8](bytes), name: name), name) { error in
        XCTAssertTrue("\(error)".contains("invalid JPEG: Corrupt JPEG data"), "\(error)")
      }
    }
  }
}
