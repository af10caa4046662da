/// The validated sizes of one `conv2d` call: letters N C H W for the input, OC KH KW OH OW for
/// weight and output, G groups, Cg = C/G and OCg = OC/G channels per group.
package struct Conv2dGeometry: Sendable, Hashable {
  package let n: Int, c: Int, h: Int, w: Int
  package let oc: Int, kh: Int, kw: Int
  package let oh: Int, ow: Int
  package let stride: Int, padding: Int, dilation: Int, groups: Int

  /// Input channels per group (Cg).
  package var cg: Int { c / groups }
  /// Output channels per group (OCg).
  package var ocg: Int { oc / groups }
  /// The GEMM's inner dimension per group: Cg·KH·KW.
  package var k: Int { cg * kh * kw }
  /// Output pixels per channel: OH·OW.
  package var ohw: Int { oh * ow }
  /// Output shape N×OC×OH×OW.
  package var outputShape: [Int] { [n, oc, oh, ow] }
  /// Multiply–accumulates: N·OC·OH·OW·Cg·KH·KW.
  package var macs: Int { n * oc * ohw * k }
  /// 1×1, stride 1, no padding: the input planes are the GEMM's B matrix as they are.
  package var isPointwise: Bool { kh == 1 && kw == 1 && stride == 1 && padding == 0 }
  /// One input channel per group (depthwise, possibly with a channel multiplier).
  package var isDepthwise: Bool { cg == 1 && groups > 1 }
  /// Floats of im2col buffer that `conv2d(into:)` needs: K × OH·OW (0 for pointwise and depthwise).
  package var workspaceCount: Int { isPointwise || isDepthwise ? 0 : k * ohw }

  /// Checks an input shape N×C×H×W against a weight shape OC×(C/groups)×KH×KW, as PyTorch does.
  package init(input: [Int], weight: [Int], stride: Int = 1, padding: Int = 0, dilation: Int = 1, groups: Int = 1) throws {
    let op = "conv2d"
    guard input.count == 4 else { throw TensorError(op: op, "input must be N×C×H×W, got \(formatShape(input))") }
    guard weight.count == 4 else { throw TensorError(op: op, "weight must be OC×C/groups×KH×KW, got \(formatShape(weight))") }
    guard stride >= 1, padding >= 0, dilation >= 1, groups >= 1 else {
      throw TensorError(op: op, "needs stride ≥ 1, padding ≥ 0, dilation ≥ 1, groups ≥ 1; got stride \(stride), padding \(padding), dilation \(dilation), groups \(groups)")
    }
    (n, c, h, w) = (input[0], input[1], input[2], input[3])
    (oc, kh, kw) = (weight[0], weight[2], weight[3])
    (self.stride, self.padding, self.dilation, self.groups) = (stride, padding, dilation, groups)
    guard c % groups == 0, oc % groups == 0 else {
      throw TensorError(op: op, "groups \(groups) must divide input channels and output channels; input \(formatShape(input)), weight \(formatShape(weight))")
    }
    guard weight[1] == c / groups else {
      throw TensorError(op: op, "input \(formatShape(input)) has \(c) channels, weight \(formatShape(weight)) expects \(weight[1] * groups) (\(weight[1]) × groups \(groups))")
    }
    let effH = dilation * (kh - 1) + 1, effW = dilation * (kw - 1) + 1
    oh = (h + 2 * padding - effH) / stride + 1
    ow = (w + 2 * padding - effW) / stride + 1
    guard kh >= 1, kw >= 1, h + 2 * padding >= effH, w + 2 * padding >= effW else {
      throw TensorError(op: op, "kernel \(kh)×\(kw) (dilation \(dilation)) larger than padded input; input \(formatShape(input)), weight \(formatShape(weight)), padding \(padding)")
    }
  }
}
