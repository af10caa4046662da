/// A labelled hyper-parameter for display (`("kernel", "3×3")`).
package struct HyperParameter: Sendable, Equatable {
  package let label: String
  package let value: String

  package init(_ label: String, _ value: String) {
    self.label = label
    self.value = value
  }
}

extension Module {
  /// The module's hyper-parameters as label/value pairs, in the order PyTorch prints them.
  package var hyperParameters: [HyperParameter] {
    switch layer {
    case .conv2d(let c):
      var list = [
        HyperParameter("in_channels", "\(c.inChannels)"), HyperParameter("out_channels", "\(c.outChannels)"),
        HyperParameter("kernel_size", "\(c.kernel)×\(c.kernel)"), HyperParameter("stride", "\(c.stride)"),
        HyperParameter("padding", "\(c.padding)"),
      ]
      if c.dilation != 1 { list.append(HyperParameter("dilation", "\(c.dilation)")) }
      if c.groups != 1 { list.append(HyperParameter("groups", "\(c.groups)")) }
      list.append(HyperParameter("bias", c.bias ? "yes" : "no"))
      return list
    case .batchNorm2d(let c), .batchNormAct(let c):
      return [HyperParameter("num_features", "\(c.channels)"), HyperParameter("eps", "\(c.eps)")]
    case .linear(let c):
      return [
        HyperParameter("in_features", "\(c.inFeatures)"), HyperParameter("out_features", "\(c.outFeatures)"),
        HyperParameter("bias", c.bias ? "yes" : "no"),
      ]
    case .maxPool2d(let p):
      return poolParameters(p)
    case .avgPool2d(let p):
      return poolParameters(p) + [HyperParameter("count_include_pad", p.countIncludePad ? "yes" : "no")]
    case .adaptiveAvgPool2d:
      return [HyperParameter("output_size", "1×1")]
    case .softmax(let dim):
      return [HyperParameter("dim", "\(dim)")]
    case .radixSoftmax(let radix, let cardinality):
      return [HyperParameter("radix", "\(radix)"), HyperParameter("cardinality", "\(cardinality)")]
    case .selectiveKernel(let c):
      return [
        HyperParameter("branches", "\(c.branches)"), HyperParameter("channels", "\(c.channels)"),
        HyperParameter("split_input", c.splitInput ? "yes" : "no"),
      ]
    case .selectiveKernelAttention(let branches, let channels):
      return [HyperParameter("branches", "\(branches)"), HyperParameter("channels", "\(channels)")]
    case .skConv(let c):
      return [
        HyperParameter("branches (M)", "\(c.branches)"), HyperParameter("channels", "\(c.channels)"),
        HyperParameter("d = max(C/r, L)", "\(c.attentionChannels)"),
      ]
    case .splitAttention(let c):
      return [
        HyperParameter("radix (R)", "\(c.radix)"), HyperParameter("cardinality (K)", "\(c.cardinality)"),
        HyperParameter("channels", "\(c.channels)"), HyperParameter("attention channels", "\(c.attentionChannels)"),
      ]
    case .residual(let r):
      return [
        HyperParameter("shortcut", r.shortcut.isEmpty ? "identity" : Op.describe(r.shortcut)),
        HyperParameter("body", Op.describe(r.body)),
      ]
    case .relu, .sigmoid, .identity, .flatten, .sequential, .moduleList, .program, .denseBlock, .squeezeExcite:
      return []
    }
  }

  private func poolParameters(_ p: PoolConfig) -> [HyperParameter] {
    var list = [
      HyperParameter("kernel_size", "\(p.kernel)×\(p.kernel)"), HyperParameter("stride", "\(p.stride)"),
      HyperParameter("padding", "\(p.padding)"),
    ]
    if p.ceilMode { list.append(HyperParameter("ceil_mode", "yes")) }
    return list
  }
}
