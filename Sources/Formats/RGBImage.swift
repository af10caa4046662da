/// An 8-bit RGB image, rows top to bottom, pixels interleaved: `pixels[(y * width + x) * 3 + c]`.
///
/// This is what PIL calls an image in mode "RGB"; every preprocessing step that follows works on it
/// exactly as torchvision's PIL path does.
package struct RGBImage: Equatable, Sendable {
  package let width: Int
  package let height: Int
  /// H × W × 3 bytes (R, G, B).
  package var pixels: [UInt8]

  /// Wraps interleaved RGB bytes; `pixels.count` must be `width * height * 3`.
  package init(width: Int, height: Int, pixels: [UInt8]) {
    precondition(width > 0 && height > 0 && pixels.count == width * height * 3, "RGBImage: bad buffer")
    self.width = width
    self.height = height
    self.pixels = pixels
  }

  /// The `width × height` region whose top-left corner is (`left`, `top`); it must lie inside.
  package func cropped(left: Int, top: Int, width: Int, height: Int) -> RGBImage {
    precondition(
      left >= 0 && top >= 0 && left + width <= self.width && top + height <= self.height,
      "RGBImage.cropped: region outside the image")
    var out = [UInt8](repeating: 0, count: width * height * 3)
    let rowBytes = width * 3
    for y in 0..<height {
      let from = ((top + y) * self.width + left) * 3
      out.replaceSubrange(y * rowBytes..<(y + 1) * rowBytes, with: pixels[from..<from + rowBytes])
    }
    return RGBImage(width: width, height: height, pixels: out)
  }
}
