// Antialiased bilinear resampling reproducing Pillow's Resample.c (the path torchvision's
// `Resize` takes on a PIL image) bit for bit: a triangle filter whose support grows with the
// downscale factor, weights rounded to 22-bit fixed point, a horizontal pass then a vertical
// pass, each rounding to uint8.

/// Fractional bits of the fixed-point weights (Pillow: 32 − 8 − 2, room for 8-bit pixels and sums).
private let precisionBits = 22
/// One half in that fixed point: accumulators start here so the final shift rounds to nearest.
private let half: Int32 = 1 << (precisionBits - 1)

/// One output position's taps: the first input index and the fixed-point weights that follow it.
private struct Taps {
  var first: Int
  var weights: [Int32]
}

/// The taps of every output index when `inSize` samples are resampled to `outSize`.
private func bilinearTaps(inSize: Int, outSize: Int) -> [Taps] {
  let scale = Double(inSize) / Double(outSize)
  // Downscaling stretches the triangle so every input sample contributes (antialiasing).
  let filterScale = max(scale, 1.0)
  let support = 1.0 * filterScale
  let reciprocal = 1.0 / filterScale  // Pillow multiplies by the reciprocal; keep its rounding
  return (0..<outSize).map { index in
    let center = (Double(index) + 0.5) * scale
    // Int(_:) truncates toward zero as C's (int) cast does; negative values clamp to 0 anyway.
    let lower = max(Int(center - support + 0.5), 0)
    let upper = min(Int(center + support + 0.5), inSize)
    var weights = (lower..<upper).map { x -> Double in
      let distance = abs((Double(x) - center + 0.5) * reciprocal)
      return distance < 1.0 ? 1.0 - distance : 0.0
    }
    let total = weights.reduce(0, +)
    if total != 0 { weights = weights.map { $0 / total } }
    let fixed = weights.map { weight in
      Int32(weight < 0 ? -0.5 + weight * Double(1 << precisionBits) : 0.5 + weight * Double(1 << precisionBits))
    }
    return Taps(first: lower, weights: fixed)
  }
}

/// Rounds a fixed-point accumulator (which already holds `half`) to a byte, clamping.
@inline(__always)
private func clampToByte(_ accumulator: Int32) -> UInt8 {
  if accumulator >= Int32(1 << (precisionBits + 8)) { return 255 }
  if accumulator <= 0 { return 0 }
  return UInt8(truncatingIfNeeded: accumulator >> Int32(precisionBits))
}

extension RGBImage {
  /// Resizes to `width × height` with Pillow's antialiased bilinear filter (`Image.BILINEAR`).
  package func resizedBilinear(width outWidth: Int, height outHeight: Int) -> RGBImage {
    precondition(outWidth > 0 && outHeight > 0, "resizedBilinear: empty target size")
    var image = self
    // Pillow skips a pass whose size does not change; with scale 1 that pass is the identity.
    if outWidth != width { image = image.resampledHorizontally(to: outWidth) }
    if outHeight != height { image = image.resampledVertically(to: outHeight) }
    return image
  }

  /// Horizontal pass: every row resampled from `width` to `outWidth` columns.
  private func resampledHorizontally(to outWidth: Int) -> RGBImage {
    let taps = bilinearTaps(inSize: width, outSize: outWidth)
    var out = [UInt8](repeating: 0, count: outWidth * height * 3)
    pixels.withUnsafeBufferPointer { input in
      out.withUnsafeMutableBufferPointer { output in
        for y in 0..<height {
          let row = y * width * 3
          for (x, tap) in taps.enumerated() {
            var sums = (half, half, half)
            for (offset, weight) in tap.weights.enumerated() {
              let p = row + (tap.first + offset) * 3
              sums.0 &+= Int32(input[p]) &* weight
              sums.1 &+= Int32(input[p + 1]) &* weight
              sums.2 &+= Int32(input[p + 2]) &* weight
            }
            let q = (y * outWidth + x) * 3
            output[q] = clampToByte(sums.0)
            output[q + 1] = clampToByte(sums.1)
            output[q + 2] = clampToByte(sums.2)
          }
        }
      }
    }
    return RGBImage(width: outWidth, height: height, pixels: out)
  }

  /// Vertical pass: every column resampled from `height` to `outHeight` rows.
  private func resampledVertically(to outHeight: Int) -> RGBImage {
    let taps = bilinearTaps(inSize: height, outSize: outHeight)
    let rowBytes = width * 3
    var out = [UInt8](repeating: 0, count: rowBytes * outHeight)
    pixels.withUnsafeBufferPointer { input in
      out.withUnsafeMutableBufferPointer { output in
        var sums = [Int32](repeating: 0, count: rowBytes)
        for (y, tap) in taps.enumerated() {
          for i in 0..<rowBytes { sums[i] = half }
          for (offset, weight) in tap.weights.enumerated() {
            let row = (tap.first + offset) * rowBytes
            for i in 0..<rowBytes { sums[i] &+= Int32(input[row + i]) &* weight }
          }
          for i in 0..<rowBytes { output[y * rowBytes + i] = clampToByte(sums[i]) }
        }
      }
    }
    return RGBImage(width: width, height: outHeight, pixels: out)
  }
}
