import Formats
import Foundation
import Runtime
import TensorCore

/// What `convscope cam` writes: Grad-CAM (Selvaraju et al. 2017) of one class at one layer, as JSON, a text map,
/// and the model's input blended with the map through a perceptual colour map (viridis).
package struct CAMResult {
  package var model: String
  /// The class explained.
  package var target: Int
  /// The layer's module path, or `pool_input` for the map that enters the head's global average pool.
  package var layer: String
  package var gradient: CAMGradient

  package init(model: String, target: Int, layer: String, gradient: CAMGradient) {
    self.model = model
    self.target = target
    self.layer = layer
    self.gradient = gradient
  }

  /// `class`, `layer`, `alpha` (one per channel) and `cam` (H×W rows: sample 0, ReLU applied, at the layer's
  /// resolution, neither upsampled nor normalised).
  package func json() -> String {
    let map = gradient.map
    let rows = (0..<map.height).map { y in
      JSONValue.array((0..<map.width).map { .number(Double(map.values[y * map.width + $0])) })
    }
    return JSONValue.object([
      ("class", .integer(Int64(target))), ("layer", .string(layer)),
      ("alpha", .array(gradient.alpha.map { .number($0) })), ("cam", .array(rows)),
    ]).text(.compact) + "\n"
  }

  /// A short text report: class, layer, map size and the map, normalised to its maximum, in rows.
  package func table() -> String {
    let map = gradient.map
    let peak = map.values.max() ?? 0
    var out =
      "\(model) · Grad-CAM of class \(target) at \(layer) · \(map.height)×\(map.width) · max \(String(format: "%.4g", Double(peak)))\n"
    for y in 0..<map.height {
      out +=
        (0..<map.width).map { String(format: "%5.2f", peak > 0 ? Double(map.values[y * map.width + $0] / peak) : 0) }
        .joined(separator: " ") + "\n"
    }
    return out
  }

  /// The map upsampled bilinearly (align_corners = false, as `F.interpolate`) to `height`×`width` and divided
  /// by its maximum (an all-zero map stays zero).
  package func upsampled(height: Int, width: Int) -> [Float] {
    let map = gradient.map
    func taps(_ out: Int, _ inSize: Int) -> [(Int, Int, Float)] {
      (0..<out).map { o in
        let source = max(0, (Float(o) + 0.5) * Float(inSize) / Float(out) - 0.5)
        let i0 = min(Int(source), inSize - 1)
        return (i0, min(i0 + 1, inSize - 1), source - Float(i0))
      }
    }
    let (rows, cols) = (taps(height, map.height), taps(width, map.width))
    var out = [Float](repeating: 0, count: height * width)
    for (y, r) in rows.enumerated() {
      for (x, c) in cols.enumerated() {
        let v = { (i: Int, j: Int) in map.values[i * map.width + j] }
        let top = v(r.0, c.0) * (1 - c.2) + v(r.0, c.1) * c.2
        let bottom = v(r.1, c.0) * (1 - c.2) + v(r.1, c.1) * c.2
        out[y * width + x] = top * (1 - r.2) + bottom * r.2
      }
    }
    let peak = out.max() ?? 0
    return peak > 0 ? out.map { $0 / peak } : out
  }

  /// Sample 0 of the model's input, un-normalised with `mean` and `std`, blended half and half with the map.
  package func overlay(input: Tensor, mean: [Float], std: [Float]) -> RGBImage {
    let (h, w) = (input.shape[2], input.shape[3])
    let heat = upsampled(height: h, width: w)
    let x = input.contiguous.sample(0)
    var pixels = [UInt8](repeating: 0, count: h * w * 3)
    for i in 0..<(h * w) {
      let colour = Self.viridis(heat[i])
      for c in 0..<3 {
        let value = (x[c * h * w + i] * std[c] + mean[c]) * 255
        let blended = 0.5 * min(max(value, 0), 255) + 0.5 * colour[c]
        pixels[i * 3 + c] = UInt8(min(max(blended.rounded(), 0), 255))
      }
    }
    return RGBImage(width: w, height: h, pixels: pixels)
  }

  /// matplotlib's viridis (perceptually uniform) at t in [0, 1], from 9 of its stops, linearly interpolated.
  static func viridis(_ t: Float) -> [Float] {
    let stops: [[Float]] = [
      [68, 1, 84], [71, 44, 122], [59, 81, 139], [44, 113, 142], [33, 144, 141], [39, 173, 129], [92, 200, 99],
      [170, 220, 50], [253, 231, 37],
    ]
    let s = min(max(t, 0), 1) * Float(stops.count - 1)
    let i = min(Int(s), stops.count - 2)
    let f = s - Float(i)
    return (0..<3).map { stops[i][$0] * (1 - f) + stops[i + 1][$0] * f }
  }
}
