import Foundation
import TensorCore

/// `bench --winograd`: every distinct 3×3 stride-1 conv of ResNet-18/-50, DenseNet-121 and ResNeSt's deep stem
/// (224×224 input, `--batch`), timed by the direct path and by Winograd F(4×4, 3×3) in alternation, with each
/// one's error against a float64 conv (over the first output channels, with BN-like weights): the figures
/// behind `Conv2dGeometry.winogradPays` and the per-shape error table of benchmarks/RESULTS.md.
struct WinogradBenchmark {
  /// One 3×3 stride-1 padding-1 conv shape and the models that run it.
  struct Layer {
    let cin: Int, cout: Int, size: Int
    let models: String
  }

  static let layers: [Layer] = [
    Layer(cin: 64, cout: 64, size: 56, models: "resnet18, resnet50"),
    Layer(cin: 128, cout: 128, size: 28, models: "resnet18, resnet50"),
    Layer(cin: 256, cout: 256, size: 14, models: "resnet18, resnet50"),
    Layer(cin: 512, cout: 512, size: 7, models: "resnet18, resnet50"),
    Layer(cin: 128, cout: 32, size: 56, models: "densenet121"),
    Layer(cin: 128, cout: 32, size: 28, models: "densenet121"),
    Layer(cin: 128, cout: 32, size: 14, models: "densenet121"),
    Layer(cin: 128, cout: 32, size: 7, models: "densenet121"),
    Layer(cin: 32, cout: 32, size: 112, models: "resnest50d stem"),
    Layer(cin: 32, cout: 64, size: 112, models: "resnest50d stem"),
  ]

  struct Row {
    let layer: Layer
    let geometry: Conv2dGeometry
    let directSeconds: Double, winogradSeconds: Double
    /// max |y − y₆₄| / max |y₆₄| over the checked channels.
    let directError: Double, winogradError: Double
  }

  let repeats: Int
  let batch: Int
  /// Output channels checked against float64.
  static let checkedChannels = 8

  func run() throws -> [Row] {
    let workspace = ConvWorkspace()
    var rng = SeededGenerator(seed: 16)
    return try Self.layers.map { layer in
      let x = try Tensor.normal([batch, layer.cin, layer.size, layer.size], generator: &rng)
      // He-initialised weights, as a trained net's are in scale: outputs of the input's magnitude.
      let std = Float((2.0 / Double(9 * layer.cin)).squareRoot())
      let weight = try Tensor.normal([layer.cout, layer.cin, 3, 3], std: std, generator: &rng)
      let g = try Conv2dGeometry(input: x.shape, weight: weight.shape, padding: 1)
      let direct = try Tensor(uninitialized: g.outputShape), wino = try Tensor(uninitialized: g.outputShape)
      func conv(_ algorithm: ConvAlgorithm, _ out: Tensor) throws -> Double {
        ConvAlgorithm.current = algorithm
        return try ConvBenchmark.seconds(try Ops.conv2d(x, weight: weight, padding: 1, into: out, workspace: workspace))
      }
      let saved = ConvAlgorithm.current
      defer { ConvAlgorithm.current = saved }
      var directTimes: [Double] = [], winogradTimes: [Double] = []
      for round in 0...repeats {  // round 0 warms the workspace and caches; not recorded
        let d = try conv(.direct, direct), w = try conv(.winograd, wino)
        if round > 0 { directTimes.append(d); winogradTimes.append(w) }
      }
      let exact = Self.reference(x: x, weight: weight, channels: min(Self.checkedChannels, layer.cout))
      return Row(
        layer: layer, geometry: g, directSeconds: ConvBenchmark.median(directTimes),
        winogradSeconds: ConvBenchmark.median(winogradTimes), directError: Self.error(direct, exact, g),
        winogradError: Self.error(wino, exact, g))
    }
  }

  /// The conv in float64 for output channels 0..<channels of every sample: N × channels × OH × OW.
  static func reference(x: Tensor, weight: Tensor, channels: Int) -> [Double] {
    let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    let xs = x.array.map(Double.init), ws = weight.array.map(Double.init)
    var out = [Double](repeating: 0, count: n * channels * h * w)
    for s in 0..<n {
      for o in 0..<channels {
        let dst = (s * channels + o) * h * w
        for ci in 0..<c {
          let plane = (s * c + ci) * h * w
          for ki in 0..<3 {
            for kj in 0..<3 {
              let wv = ws[((o * c + ci) * 3 + ki) * 3 + kj]
              for y in max(0, 1 - ki)..<min(h, h + 1 - ki) {
                let row = plane + (y + ki - 1) * w + kj - 1
                for xx in max(0, 1 - kj)..<min(w, w + 1 - kj) { out[dst + y * w + xx] += wv * xs[row + xx] }
              }
            }
          }
        }
      }
    }
    return out
  }

  /// max |y − exact| / max |exact| over the channels `exact` holds.
  static func error(_ y: Tensor, _ exact: [Double], _ g: Conv2dGeometry) -> Double {
    let channels = exact.count / (g.n * g.ohw)
    var worst = 0.0, largest = 0.0
    for s in 0..<g.n {
      let values = y.sample(s)
      for i in 0..<(channels * g.ohw) {
        let e = exact[s * channels * g.ohw + i]
        worst = max(worst, abs(Double(values[i]) - e))
        largest = max(largest, abs(e))
      }
    }
    return largest > 0 ? worst / largest : 0
  }

  /// The table printed by `bench --winograd` (also pasted into benchmarks/RESULTS.md).
  static func table(_ rows: [Row]) -> String {
    var lines = [
      "| 3×3/1 conv (Cin→Cout, H×W) | models | tiles | direct ms | Winograd ms | speed-up | automatic picks "
        + "| direct error | Winograd error |",
      "|---|---|--:|--:|--:|--:|:-:|--:|--:|",
    ]
    let fmt = ConvBenchmark.fmt
    for r in rows {
      let l = r.layer
      let picks = r.geometry.winogradPays ? "Winograd" : "direct"
      lines.append(
        "| \(l.cin)→\(l.cout), \(l.size)×\(l.size) | \(l.models) | \(r.geometry.winogradTiles) "
          + "| \(fmt(r.directSeconds * 1e3, 3)) | \(fmt(r.winogradSeconds * 1e3, 3)) "
          + "| \(fmt(r.directSeconds / r.winogradSeconds, 2))× | \(picks) "
          + "| \(String(format: "%.1e", r.directError)) | \(String(format: "%.1e", r.winogradError)) |")
    }
    return lines.joined(separator: "\n")
  }
}
