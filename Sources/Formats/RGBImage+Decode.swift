import CImage
import Foundation

// The only Swift file that talks to libpng/libjpeg (through the CImage target): decoding, and writing PNGs.
extension RGBImage {
  /// Reads and decodes a PNG or JPEG file (format chosen by its first bytes, not its name).
  package init(contentsOfFile path: String) throws(ImageError) {
    // stat by the path's bytes (a name that is not UTF-8 still opens); FileBytes refuses other non-regular files.
    var info = stat()
    guard stat(RawPaths.cString(path), &info) == 0 else {
      throw .unreadable(path: path, reason: errno == ENOENT ? "no such file" : String(cString: strerror(errno)))
    }
    guard (info.st_mode & S_IFMT) != S_IFDIR else { throw .unreadable(path: path, reason: "is a directory") }
    let bytes: [UInt8]
    do { bytes = try FileBytes.read(path) } catch { throw .unreadable(path: path, reason: error.reason) }
    try self.init(decoding: bytes, name: path)
  }

  /// Decodes PNG or JPEG bytes held in memory; `name` only labels errors.
  package init(decoding bytes: [UInt8], name: String = "<memory>") throws(ImageError) {
    var result = cimage_rgb()
    let status = bytes.withUnsafeBufferPointer { buffer in
      cimage_decode(buffer.baseAddress, buffer.count, &result)
    }
    defer { cimage_free(&result) }
    guard status == 0, let pixels = result.pixels else {
      throw .undecodable(path: name, reason: Self.message(of: &result))
    }
    let count = Int(result.width) * Int(result.height) * 3
    self.init(
      width: Int(result.width), height: Int(result.height),
      pixels: [UInt8](UnsafeBufferPointer(start: pixels, count: count)))
  }

  /// Writes the image as an 8-bit RGB PNG (libpng).
  package func writePNG(path: String) throws(ImageError) {
    var error = [CChar](repeating: 0, count: 200)
    let status = pixels.withUnsafeBufferPointer { rgb in
      error.withUnsafeMutableBufferPointer {
        cimage_write_png(path, rgb.baseAddress, Int32(width), Int32(height), $0.baseAddress)
      }
    }
    guard status == 0 else {
      let bytes = error.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
      throw .unwritable(
        path: path, reason: bytes.isEmpty ? "unknown encoder error" : String(decoding: bytes, as: UTF8.self))
    }
  }

  /// The C side's NUL-terminated error text.
  private static func message(of result: inout cimage_rgb) -> String {
    withUnsafeBytes(of: &result.error) { raw in
      let bytes = raw.prefix { $0 != 0 }
      return bytes.isEmpty ? "unknown decoder error" : String(decoding: bytes, as: UTF8.self)
    }
  }
}
