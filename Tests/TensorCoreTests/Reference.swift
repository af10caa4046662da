// Naive reference kernels: the test oracle for every op, written straight from PyTorch's
// definitions with plain loops and Double accumulation. Kept simple on purpose; never optimise.
import Foundation
import TensorCore

/// A reference result: shape and row-major values in Double.
struct Expected {
  let shape: [Int]
  let values: [Double]
}

enum Reference {
  /// `F.conv2d`: out[n, o, y, x] = b[o] + Σ_{ci, ki, kj} in[n, g·Cg + ci, y·s − p + ki·d, x·s − p + kj·d] · w[o, ci, ki, kj].
  static func conv2d(
    _ input: Tensor, _ weight: Tensor, _ bias: Tensor?, stride s: Int, padding p: Int, dilation d: Int,
    groups: Int, relu: Bool = false
  ) -> Expected {
    let (n, c, h, w) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
    let (oc, cg, kh, kw) = (weight.shape[0], weight.shape[1], weight.shape[2], weight.shape[3])
    let oh = (h + 2 * p - d * (kh - 1) - 1) / s + 1, ow = (w + 2 * p - d * (kw - 1) - 1) / s + 1
    let ocg = oc / groups
    let x = input.array, wt = weight.array, b = bias?.array
    var out = [Double]()
    for i in 0..<n {
      for o in 0..<oc {
        let g = o / ocg
        for y in 0..<oh {
          for xx in 0..<ow {
            var sum = Double(b?[o] ?? 0)
            for ci in 0..<cg {
              for ki in 0..<kh {
                for kj in 0..<kw {
                  let iy = y * s - p + ki * d, ix = xx * s - p + kj * d
                  guard iy >= 0, iy < h, ix >= 0, ix < w else { continue }
                  let xv = x[((i * c + g * cg + ci) * h + iy) * w + ix]
                  sum += Double(xv) * Double(wt[((o * cg + ci) * kh + ki) * kw + kj])
                }
              }
            }
            out.append(relu ? max(sum, 0) : sum)
          }
        }
      }
    }
    return Expected(shape: [n, oc, oh, ow], values: out)
  }

  /// Inference batch norm: (x − mean) / sqrt(var + eps) · γ + β.
  static func batchNorm(_ input: Tensor, mean: [Float], variance: [Float], gamma: [Float], beta: [Float], eps: Float)
    -> Expected
  {
    let c = input.shape[1], plane = input.shape[2] * input.shape[3]
    let x = input.array
    let values = x.indices.map { i -> Double in
      let ch = (i / plane) % c
      return (Double(x[i]) - Double(mean[ch])) / (Double(variance[ch]) + Double(eps)).squareRoot() * Double(gamma[ch])
        + Double(beta[ch])
    }
    return Expected(shape: input.shape, values: values)
  }

  /// Output length by PyTorch's pooling rule, written with floor/ceil of real division.
  static func pooledLength(_ size: Int, k: Int, s: Int, p: Int, ceilMode: Bool) -> Int {
    let exact = Double(size + 2 * p - k) / Double(s)
    var out = Int(ceilMode ? exact.rounded(.up) : exact.rounded(.down)) + 1
    if ceilMode && (out - 1) * s >= size + p { out -= 1 }
    return out
  }

  /// Max or average pooling over every window position; average divisor per `countIncludePad`:
  /// positions inside the padded input [−p, size + p), or inside the input only.
  static func pool(_ input: Tensor, max isMax: Bool, k: Int, s: Int, p: Int, ceilMode: Bool, countIncludePad: Bool)
    -> Expected
  {
    let (n, c, h, w) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
    let oh = pooledLength(h, k: k, s: s, p: p, ceilMode: ceilMode),
      ow = pooledLength(w, k: k, s: s, p: p, ceilMode: ceilMode)
    let x = input.array
    var out = [Double]()
    for plane in 0..<(n * c) {
      for y in 0..<oh {
        for xx in 0..<ow {
          var best = -Double.infinity, sum = 0.0, inside = 0, padded = 0
          for ki in 0..<k {
            for kj in 0..<k {
              let iy = y * s - p + ki, ix = xx * s - p + kj
              if iy < h + p && ix < w + p { padded += 1 }
              guard iy >= 0, iy < h, ix >= 0, ix < w else { continue }
              let v = Double(x[(plane * h + iy) * w + ix])
              best = Swift.max(best, v)
              sum += v
              inside += 1
            }
          }
          out.append(isMax ? best : sum / Double(countIncludePad ? padded : inside))
        }
      }
    }
    return Expected(shape: [n, c, oh, ow], values: out)
  }

  /// Adaptive average pooling: bin i covers [floor(i·In/Out), ceil((i+1)·In/Out)).
  static func adaptiveAvgPool(_ input: Tensor, oh: Int, ow: Int) -> Expected {
    let (n, c, h, w) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
    let x = input.array
    var out = [Double]()
    for plane in 0..<(n * c) {
      for a in 0..<oh {
        let r0 = Int((Double(a * h) / Double(oh)).rounded(.down)),
          r1 = Int((Double((a + 1) * h) / Double(oh)).rounded(.up))
        for b in 0..<ow {
          let c0 = Int((Double(b * w) / Double(ow)).rounded(.down)),
            c1 = Int((Double((b + 1) * w) / Double(ow)).rounded(.up))
          var sum = 0.0
          for r in r0..<r1 { for col in c0..<c1 { sum += Double(x[(plane * h + r) * w + col]) } }
          out.append(sum / Double((r1 - r0) * (c1 - c0)))
        }
      }
    }
    return Expected(shape: [n, c, oh, ow], values: out)
  }

  /// y = x · Wᵀ + b.
  static func linear(_ input: Tensor, _ weight: Tensor, _ bias: Tensor?) -> Expected {
    let (n, inF, outF) = (input.shape[0], input.shape[1], weight.shape[0])
    let x = input.array, w = weight.array, b = bias?.array
    var out = [Double]()
    for i in 0..<n {
      for o in 0..<outF {
        var sum = Double(b?[o] ?? 0)
        for j in 0..<inF { sum += Double(x[i * inF + j]) * Double(w[o * inF + j]) }
        out.append(sum)
      }
    }
    return Expected(shape: [n, outF], values: out)
  }

  /// Softmax along `axis` of a row-major array of `shape`.
  static func softmax(_ input: Tensor, axis: Int) -> Expected {
    let shape = input.shape, x = input.array.map(Double.init)
    let a = axis < 0 ? axis + shape.count : axis
    let inner = shape[(a + 1)...].reduce(1, *), length = shape[a], outer = shape[..<a].reduce(1, *)
    var out = x
    for o in 0..<outer {
      for i in 0..<inner {
        let idx = (0..<length).map { (o * length + $0) * inner + i }
        let m = idx.map { x[$0] }.max() ?? 0
        let total = idx.map { exp(x[$0] - m) }.reduce(0, +)
        for j in idx { out[j] = exp(x[j] - m) / total }
      }
    }
    return Expected(shape: shape, values: out)
  }

  /// Element-wise map of a tensor.
  static func map(_ input: Tensor, _ f: (Double) -> Double) -> Expected {
    Expected(shape: input.shape, values: input.array.map { f(Double($0)) })
  }
}
