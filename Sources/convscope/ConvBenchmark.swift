import Foundation
import TensorCore

/// `bench --ops`: every distinct convolution of ResNet-50 (224×224, batch 1) timed against a bare
/// sgemm of the same M×N×K, to show how much the im2col/epilogue machinery costs over BLAS itself.
struct ConvBenchmark {
  /// One distinct convolution and how many times ResNet-50 runs it.
  struct Layer: Hashable {
    let cin: Int, cout: Int, kernel: Int, stride: Int, padding: Int, h: Int, w: Int
    var count = 1

    var geometry: Conv2dGeometry {
      get throws {
        try Conv2dGeometry(
          input: [1, cin, h, w], weight: [cout, cin, kernel, kernel], stride: stride, padding: padding)
      }
    }
    var key: [Int] { [cin, cout, kernel, stride, padding, h, w] }
  }

  /// ResNet-50's convolutions derived from torchvision's recipe, not typed in: the 7×7/2 stem, then
  /// stages of [3, 4, 6, 3] bottlenecks (1×1 reduce, 3×3 with the stage's stride on the first block,
  /// 1×1 expand ×4) whose first block also has a 1×1 downsample with that stride.
  static func resnet50Layers(inputSize: Int = 224) -> [Layer] {
    var layers = [Layer(cin: 3, cout: 64, kernel: 7, stride: 2, padding: 3, h: inputSize, w: inputSize)]
    var size = (inputSize + 1) / 2 / 2  // stem /2, max pool 3×3/2 pad 1 /2: 224 → 112 → 56
    var inplanes = 64
    for (stage, blocks) in [3, 4, 6, 3].enumerated() {
      let width = 64 << stage, outplanes = width * 4
      for block in 0..<blocks {
        let stride = block == 0 && stage > 0 ? 2 : 1
        let outSize = (size - 1) / stride + 1
        layers.append(Layer(cin: inplanes, cout: width, kernel: 1, stride: 1, padding: 0, h: size, w: size))
        layers.append(Layer(cin: width, cout: width, kernel: 3, stride: stride, padding: 1, h: size, w: size))
        layers.append(Layer(cin: width, cout: outplanes, kernel: 1, stride: 1, padding: 0, h: outSize, w: outSize))
        if block == 0 {
          layers.append(Layer(cin: inplanes, cout: outplanes, kernel: 1, stride: stride, padding: 0, h: size, w: size))
        }
        inplanes = outplanes
        size = outSize
      }
    }
    // Distinct shapes in first-seen order, with their multiplicity.
    var distinct: [Layer] = []
    for layer in layers {
      if let i = distinct.firstIndex(where: { $0.key == layer.key }) {
        distinct[i].count += 1
      } else {
        distinct.append(layer)
      }
    }
    return distinct
  }

  /// Timings of one layer: medians over the repeats, in seconds.
  struct Row {
    let layer: Layer
    let geometry: Conv2dGeometry
    let convSeconds: Double
    /// The faster of C(M×N) = A·B and C(N×M) = Bᵀ·Aᵀ with M = OC, N = OH·OW, K = Cin·KH·KW.
    let gemmSeconds: Double
    /// Whether C(N×M) = Bᵀ·Aᵀ was the faster orientation.
    let gemmSwappedWins: Bool
    var flop: Double { 2 * Double(geometry.macs) }
  }

  let repeats: Int

  /// Times every layer, alternating conv and the two sgemm orientations so that noise hits all alike.
  func run(_ layers: [Layer]) throws -> [Row] {
    let workspace = ConvWorkspace()
    var rng = SeededGenerator(seed: 1)
    return try layers.map { layer in
      let g = try layer.geometry
      let x = try Tensor.normal([1, layer.cin, layer.h, layer.w], generator: &rng)
      let weight = try Tensor.normal([layer.cout, layer.cin, layer.kernel, layer.kernel], std: 0.05, generator: &rng)
      let out = try Tensor(uninitialized: g.outputShape)
      let (m, n, k) = (g.oc, g.ohw, g.k)
      let a = try Tensor.normal([m * k], generator: &rng), b = try Tensor.normal([k * n], generator: &rng)
      let c = try Tensor(uninitialized: [m * n])
      var conv: [Double] = [], gemm1: [Double] = [], gemm2: [Double] = []
      for round in 0...repeats {  // round 0 warms caches and OpenBLAS's threads; not recorded
        let t0 = try Self.seconds(
          try Ops.conv2d(
            x, weight: weight, stride: layer.stride, padding: layer.padding, into: out,
            workspace: workspace))
        let t1 = Self.seconds(
          GEMM.sgemm(
            m: m, n: n, k: k, a: a.sample(0), lda: k, b: b.sample(0), ldb: n,
            c: c.sample(0), ldc: n))
        let t2 = Self.seconds(
          GEMM.sgemm(
            m: n, n: m, k: k, a: b.sample(0), lda: k, b: a.sample(0), ldb: m,
            c: c.sample(0), ldc: m))
        if round > 0 { conv.append(t0); gemm1.append(t1); gemm2.append(t2) }
      }
      withExtendedLifetime((a, b, c)) {}
      let (direct, swapped) = (Self.median(gemm1), Self.median(gemm2))
      return Row(
        layer: layer, geometry: g, convSeconds: Self.median(conv), gemmSeconds: min(direct, swapped),
        gemmSwappedWins: swapped < direct)
    }
  }

  /// Σ count·(sgemm time) / Σ count·(conv time): the share of BLAS speed the convs reach over a forward pass.
  static func ratio(_ rows: [Row]) -> Double {
    let gemm = rows.reduce(0) { $0 + Double($1.layer.count) * $1.gemmSeconds }
    let conv = rows.reduce(0) { $0 + Double($1.layer.count) * $1.convSeconds }
    return gemm / conv
  }

  /// The table printed by `bench --ops` (also pasted into benchmarks/RESULTS.md).
  static func table(_ rows: [Row]) -> String {
    var lines = [
      "| conv (Cin→Cout, k/s, pad, H×W) | × | sgemm M×N×K | conv ms | conv GFLOP/s | sgemm ms | sgemm GFLOP/s | faster | sgemm/conv |",
      "|---|--:|---|--:|--:|--:|--:|:-:|--:|",
    ]
    for r in rows {
      let l = r.layer, g = r.geometry
      let shape = "\(l.cin)→\(l.cout), \(l.kernel)×\(l.kernel)/\(l.stride), p\(l.padding), \(l.h)×\(l.w)"
      lines.append(
        "| \(shape) | \(l.count) | \(g.oc)×\(g.ohw)×\(g.k) | \(fmt(r.convSeconds * 1e3, 3)) | \(fmt(r.flop / r.convSeconds / 1e9, 1)) "
          + "| \(fmt(r.gemmSeconds * 1e3, 3)) | \(fmt(r.flop / r.gemmSeconds / 1e9, 1)) "
          + "| \(r.gemmSwappedWins ? "Bᵀ·Aᵀ" : "A·B") | \(fmt(r.gemmSeconds / r.convSeconds, 2)) |")
    }
    let convTotal = rows.reduce(0) { $0 + Double($1.layer.count) * $1.convSeconds }
    let flopTotal = rows.reduce(0) { $0 + Double($1.layer.count) * $1.flop }
    lines.append("")
    lines.append(
      "All \(rows.reduce(0) { $0 + $1.layer.count }) convolutions of ResNet-50: \(fmt(convTotal * 1e3, 1)) ms, "
        + "\(fmt(flopTotal / convTotal / 1e9, 1)) GFLOP/s; Σ(sgemm time)/Σ(conv time), weighted by occurrence: \(fmt(ratio(rows), 3))"
    )
    return lines.joined(separator: "\n")
  }

  static func fmt(_ v: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", v) }

  static func seconds(_ body: @autoclosure () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
  }

  static func median(_ values: [Double]) -> Double {
    let s = values.sorted()
    return s.isEmpty ? .nan : s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
  }
}
