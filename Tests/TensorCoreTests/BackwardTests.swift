// Every backward op against a plain-loop reference written from the forward's definition (Double sums), over
// sweeps of the parameters the zoo uses. Bound: `assertClose`'s √terms · 4ε (Tolerance.swift).
import Foundation
import TensorCore
import XCTest

final class BackwardTests: XCTestCase {
  private func values(_ t: Tensor) -> [Double] { t.array.map(Double.init) }

  /// conv2d's three gradients by the definition: every (output, tap) pair that the forward multiplies adds
  /// dy·w to dx and dy·x to dw.
  func testConv2dBackwardMatchesPlainLoops() throws {
    var rng = SeededGenerator(seed: 11)
    // (n, c, h, w, oc, k, stride, padding, dilation, groups)
    let cases = [
      (2, 3, 9, 8, 4, 3, 1, 1, 1, 1), (1, 4, 10, 10, 6, 3, 2, 1, 1, 2), (2, 4, 7, 9, 4, 3, 1, 2, 2, 4),
      (1, 8, 6, 6, 8, 1, 1, 0, 1, 1), (2, 6, 11, 11, 4, 1, 2, 0, 1, 2), (1, 3, 13, 12, 5, 7, 2, 3, 1, 1),
      (2, 8, 8, 8, 16, 3, 1, 1, 1, 8), (2, 8, 5, 5, 6, 1, 1, 0, 1, 2), (2, 8, 5, 5, 6, 1, 1, 0, 1, 1),
    ]
    let workspace = ConvWorkspace()  // shared, so each case starts on the previous one's leftovers
    for (index, (n, c, h, w, oc, k, s, p, d, g)) in cases.enumerated() {
      let x = try Tensor.normal([n, c, h, w], generator: &rng)
      let weight = try Tensor.normal([oc, c / g, k, k], generator: &rng)
      let geometry = try Conv2dGeometry(
        input: x.shape, weight: weight.shape, stride: s, padding: p, dilation: d, groups: g)
      let dy = try Tensor.normal(geometry.outputShape, generator: &rng)
      let grads = try Ops.conv2dBackward(
        x, weight: weight, gradOutput: dy, stride: s, padding: p, dilation: d, groups: g,
        workspace: index % 2 == 0 ? workspace : nil)
      var dx = [Double](repeating: 0, count: x.count), dw = [Double](repeating: 0, count: weight.count)
      var db = [Double](repeating: 0, count: oc)
      let (xv, wv, gv) = (values(x), values(weight), values(dy))
      let (cg, ocg, oh, ow) = (c / g, oc / g, geometry.oh, geometry.ow)
      for i in 0..<n {
        for o in 0..<oc {
          for y in 0..<oh {
            for z in 0..<ow {
              let gy = gv[((i * oc + o) * oh + y) * ow + z]
              db[o] += gy
              for ci in 0..<cg {
                for ki in 0..<k {
                  for kj in 0..<k {
                    let (r, q) = (y * s - p + ki * d, z * s - p + kj * d)
                    guard r >= 0, r < h, q >= 0, q < w else { continue }
                    let xi = ((i * c + (o / ocg) * cg + ci) * h + r) * w + q
                    let wi = ((o * cg + ci) * k + ki) * k + kj
                    dx[xi] += gy * wv[wi]
                    dw[wi] += gy * xv[xi]
                  }
                }
              }
            }
          }
        }
      }
      let label = "conv2d \(n)×\(c)×\(h)×\(w) oc \(oc) k \(k) s \(s) p \(p) d \(d) g \(g)"
      assertClose(try XCTUnwrap(grads.input), Expected(shape: x.shape, values: dx), terms: oc * k * k, label + " dx")
      assertClose(grads.weight, Expected(shape: weight.shape, values: dw), terms: n * oh * ow, label + " dw")
      assertClose(grads.bias, Expected(shape: [oc], values: db), terms: n * oh * ow, label + " db")
    }
  }

  func testBatchNormLinearAndScaleBackwardMatchPlainLoops() throws {
    var rng = SeededGenerator(seed: 12)
    let (n, c, h, w) = (2, 5, 4, 3)
    let x = try Tensor.normal([n, c, h, w], generator: &rng), dy = try Tensor.normal([n, c, h, w], generator: &rng)
    let mean = try Tensor.normal([c], generator: &rng), gamma = try Tensor.normal([c], generator: &rng)
    let variance = try Tensor.uniform([c], low: 0.5, high: 2, generator: &rng)
    let bn = try Ops.batchNorm2dBackward(x, gradOutput: dy, runningMean: mean, runningVar: variance, weight: gamma)
    var dx = [Double](repeating: 0, count: x.count), dg = [Double](repeating: 0, count: c)
    var db = [Double](repeating: 0, count: c)
    let (xv, gv) = (values(x), values(dy))
    for i in 0..<x.count {
      let ch = (i / (h * w)) % c
      let inv = 1 / (Double(variance.array[ch]) + 1e-5).squareRoot()
      dx[i] = gv[i] * Double(gamma.array[ch]) * inv
      dg[ch] += gv[i] * (xv[i] - Double(mean.array[ch])) * inv
      db[ch] += gv[i]
    }
    assertClose(bn.input, Expected(shape: x.shape, values: dx), terms: 1, "batchNorm dx")
    assertClose(bn.weight, Expected(shape: [c], values: dg), terms: n * h * w, "batchNorm dγ")
    assertClose(bn.bias, Expected(shape: [c], values: db), terms: n * h * w, "batchNorm dβ")

    let s = try Tensor.normal([n, c, 1, 1], generator: &rng)
    let scaled = try Ops.multiplyBackward(x, channelScale: s, gradOutput: dy)
    var ds = [Double](repeating: 0, count: n * c)
    for i in 0..<x.count { ds[i / (h * w)] += gv[i] * xv[i] }
    let sx = (0..<x.count).map { gv[$0] * Double(s.array[$0 / (h * w)]) }
    assertClose(scaled.input, Expected(shape: x.shape, values: sx), terms: 1, "multiply dx")
    assertClose(scaled.scale, Expected(shape: [n, c, 1, 1], values: ds), terms: h * w, "multiply ds")

    let (inF, outF) = (7, 4)
    let a = try Tensor.normal([n, inF], generator: &rng), wt = try Tensor.normal([outF, inF], generator: &rng)
    let g = try Tensor.normal([n, outF], generator: &rng)
    let lin = try Ops.linearBackward(a, weight: wt, gradOutput: g)
    let (av, wv, lg) = (values(a), values(wt), values(g))
    let ldx = (0..<(n * inF)).map { i in
      (0..<outF).reduce(0.0) { $0 + lg[(i / inF) * outF + $1] * wv[$1 * inF + i % inF] }
    }
    let ldw = (0..<(outF * inF)).map { i in
      (0..<n).reduce(0.0) { $0 + lg[$1 * outF + i / inF] * av[$1 * inF + i % inF] }
    }
    let ldb = (0..<outF).map { o in (0..<n).reduce(0.0) { $0 + lg[$1 * outF + o] } }
    assertClose(lin.input, Expected(shape: [n, inF], values: ldx), terms: outF, "linear dx")
    assertClose(lin.weight, Expected(shape: [outF, inF], values: ldw), terms: n, "linear dW")
    assertClose(lin.bias, Expected(shape: [outF], values: ldb), terms: n, "linear db")
  }

  /// Pools: each output's gradient to its window's first maximum, or spread by the forward's divisor.
  func testPoolBackwardMatchesPlainLoops() throws {
    var rng = SeededGenerator(seed: 13)
    for (k, s, p, ceil, include) in [
      (3, 2, 1, false, true), (2, 2, 0, false, true), (3, 2, 1, true, false), (3, 1, 1, false, false),
    ] {
      let x = try Tensor.normal([2, 3, 7, 6], generator: &rng)
      let shape = try Ops.poolOutputShape("pool", input: x.shape, kernelSize: k, stride: s, padding: p, ceilMode: ceil)
      let dy = try Tensor.normal(shape, generator: &rng)
      let maxGrad = try Ops.maxPool2dBackward(x, gradOutput: dy, kernelSize: k, stride: s, padding: p, ceilMode: ceil)
      let avgGrad = try Ops.avgPool2dBackward(
        inputShape: x.shape, gradOutput: dy, kernelSize: k, stride: s, padding: p, ceilMode: ceil,
        countIncludePad: include)
      var dMax = [Double](repeating: 0, count: x.count), dAvg = [Double](repeating: 0, count: x.count)
      let (xv, gv) = (values(x), values(dy))
      let (h, w, oh, ow) = (7, 6, shape[2], shape[3])
      for plane in 0..<6 {
        for i in 0..<oh {
          for j in 0..<ow {
            let g = gv[(plane * oh + i) * ow + j]
            var cells: [Int] = []
            for r in (i * s - p)..<(i * s - p + k) where r >= 0 && r < h {
              for q in (j * s - p)..<(j * s - p + k) where q >= 0 && q < w { cells.append((plane * h + r) * w + q) }
            }
            if let best = cells.max(by: { xv[$0] < xv[$1] || (xv[$0] == xv[$1] && $0 > $1) }) { dMax[best] += g }
            let rows = min(i * s - p + k, h + p) - (i * s - p), cols = min(j * s - p + k, w + p) - (j * s - p)
            let divisor = include ? rows * cols : cells.count
            for cell in cells { dAvg[cell] += g / Double(divisor) }
          }
        }
      }
      assertClose(
        maxGrad, Expected(shape: x.shape, values: dMax), terms: k * k, "maxPool k \(k) s \(s) p \(p) ceil \(ceil)")
      assertClose(
        avgGrad, Expected(shape: x.shape, values: dAvg), terms: k * k, "avgPool k \(k) s \(s) p \(p) ceil \(ceil)")
    }
    let x = try Tensor.normal([2, 3, 4, 5], generator: &rng), dy = try Tensor.normal([2, 3, 1, 1], generator: &rng)
    let global = try Ops.globalAvgPoolBackward(inputShape: x.shape, gradOutput: dy)
    assertClose(
      global, Expected(shape: x.shape, values: (0..<x.count).map { Double(dy.array[$0 / 20]) / 20 }), terms: 1, "global"
    )
  }

  /// concat's gradient: each input's channels of ∂L/∂y, by index; flatten's: ∂L/∂y in the input's shape.
  func testConcatAndFlattenBackwardMatchPlainLoops() throws {
    var rng = SeededGenerator(seed: 15)
    let (n, h, w) = (2, 3, 2)
    let widths = [3, 1, 4]
    let dy = try Tensor.normal([n, widths.reduce(0, +), h, w], generator: &rng)
    let parts = try Ops.concatBackward(dy, channels: widths)
    let gv = values(dy)
    var start = 0
    for (part, width) in zip(parts, widths) {
      var want: [Double] = []
      for i in 0..<n {
        for c in start..<(start + width) {
          for j in 0..<(h * w) { want.append(gv[((i * 8 + c) * h * w) + j]) }
        }
      }
      assertClose(part, Expected(shape: [n, width, h, w], values: want), terms: 1, "concat part at \(start)")
      start += width
    }
    XCTAssertThrowsError(try Ops.concatBackward(dy, channels: [3, 3]))
    let flat = try Tensor.normal([n, 8 * h * w], generator: &rng)
    assertClose(
      try Ops.flattenBackward(flat, inputShape: [n, 8, h, w]),
      Expected(shape: [n, 8, h, w], values: values(flat)), terms: 1, "flatten")
    XCTAssertThrowsError(try Ops.flattenBackward(flat, inputShape: [n, 8, h, h]))
  }

  /// Activations by the chain rule on their outputs; the softmaxes against the Jacobian written out.
  func testActivationAndSoftmaxBackwardMatchPlainLoops() throws {
    var rng = SeededGenerator(seed: 14)
    let x = try Tensor.normal([2, 3, 4, 4], generator: &rng), dy = try Tensor.normal([2, 3, 4, 4], generator: &rng)
    let (relu, sigmoid) = (try Ops.relu(x), try Ops.sigmoid(x))
    let gv = values(dy)
    assertClose(
      try Ops.reluBackward(dy, output: relu),
      Expected(shape: x.shape, values: (0..<x.count).map { relu.array[$0] > 0 ? gv[$0] : 0 }), terms: 1, "relu")
    assertClose(
      try Ops.sigmoidBackward(dy, output: sigmoid),
      Expected(
        shape: x.shape,
        values: (0..<x.count).map { i in
          let y = 1 / (1 + exp(-Double(x.array[i])))
          return gv[i] * y * (1 - y)
        }), terms: 1, "sigmoid")
    // Softmax over M of N×M×C (SK's branches): dx_j = Σ_i dy_i · y_i (δ_ij − y_j).
    let (n, m, c) = (2, 3, 4)
    let logits = try Tensor.normal([n, m, c], generator: &rng), g = try Tensor.normal([n, m, c], generator: &rng)
    let y = try Ops.softmax(logits, axis: 1)
    var want = [Double](repeating: 0, count: n * m * c)
    let (yv, sg) = (values(y), values(g))
    for s in 0..<n {
      for ch in 0..<c {
        for j in 0..<m {
          for i in 0..<m {
            let yi = yv[(s * m + i) * c + ch], yj = yv[(s * m + j) * c + ch]
            want[(s * m + j) * c + ch] += sg[(s * m + i) * c + ch] * yi * ((i == j ? 1 : 0) - yj)
          }
        }
      }
    }
    assertClose(
      try Ops.softmaxBackward(g, output: y, axis: 1), Expected(shape: y.shape, values: want), terms: m, "softmax")
    // Radix softmax: input N×(K·R·C') viewed N×K×R×C', output radix-major N×(R·K·C').
    let (r, k, inner) = (2, 2, 3)
    let rx = try Tensor.normal([n, k * r * inner, 1, 1], generator: &rng)
    let ry = try Ops.radixSoftmax(rx, radix: r, cardinality: k)
    let rg = try Tensor.normal(ry.shape, generator: &rng)
    var rwant = [Double](repeating: 0, count: rx.count)
    let (ryv, rgv) = (values(ry), values(rg))
    for s in 0..<n {
      for card in 0..<k {
        for t in 0..<inner {
          for j in 0..<r {
            for i in 0..<r {
              let out = { (radix: Int) in s * r * k * inner + (radix * k + card) * inner + t }
              rwant[s * r * k * inner + (card * r + j) * inner + t] +=
                rgv[out(i)] * ryv[out(i)] * ((i == j ? 1 : 0) - ryv[out(j)])
            }
          }
        }
      }
    }
    assertClose(
      try Ops.radixSoftmaxBackward(rg, output: ry, radix: r, cardinality: k),
      Expected(shape: ry.shape, values: rwant), terms: r, "radix softmax")
  }
}
