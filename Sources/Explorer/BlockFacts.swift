import Graph

/// Hyper-parameters of blocks that the zoo's layers do not state directly but their children imply:
/// channels, width, stride and groups of a residual block; the reduction of an SE module; the
/// kernels of SK branches; the growth rate of DenseNet layers and blocks.
enum BlockFacts {
  /// Derived label/value pairs for `module` (empty for plain layers).
  static func of(_ module: Module) -> [(String, String)] {
    switch module.kind {
    case "_DenseLayer": return denseLayer(module)
    case "_DenseBlock": return denseBlock(module)
    case "SEModule": return squeezeExcite(module)
    case "SelectiveKernel", "SKConv": return selectiveKernel(module)
    default: break  // a String kind: other modules have no derived facts of their own
    }
    if case .residual = module.layer { return residual(module) }
    return []
  }

  private static func residual(_ block: Module) -> [(String, String)] {
    let convs = block.walk().compactMap { entry -> (path: String, config: Conv2dConfig)? in
      if case .conv2d(let c) = entry.module.layer { return (entry.path, c) }
      return nil
    }
    guard let first = convs.first else { return [] }
    // The main branch: convs outside the shortcut.
    let body = convs.filter { !$0.path.hasPrefix("downsample") && !$0.path.hasPrefix("shortcut") }
    let out = body.last?.config.outChannels ?? first.config.outChannels
    let width = body.count > 1 ? body.first?.config.outChannels ?? out : out
    let stride =
      block.walk().map { entry -> Int in
        switch entry.module.layer {
        case .conv2d(let c): c.stride
        case .avgPool2d(let p), .maxPool2d(let p): p.stride
        case .batchNorm2d, .batchNormAct, .linear, .relu, .sigmoid, .identity, .flatten, .adaptiveAvgPool2d, .softmax,
          .radixSoftmax, .sequential, .moduleList, .program, .residual, .denseBlock, .squeezeExcite, .selectiveKernel,
          .selectiveKernelAttention, .skConv, .splitAttention:
          1
        }
      }.max() ?? 1
    let groups = body.map(\.config.groups).max() ?? 1
    var facts: [(String, String)] = [
      ("channels", "\(first.config.inChannels) → \(out)"), ("width", "\(width)"), ("stride", "\(stride)"),
    ]
    // A split-attention conv's groups are radix × cardinality (resnest50d: 2 = radix 2, cardinality 1).
    let split = block.walk().lazy.compactMap { entry -> SplitAttentionConfig? in
      if case .splitAttention(let c) = entry.module.layer { return c }
      return nil
    }.first
    if let split {
      facts.append(("cardinality", "\(split.cardinality)"))
      facts.append(("radix", "\(split.radix)"))
    } else if groups > 1 {
      facts.append(("groups (cardinality)", "\(groups)"))
    }
    if groups == 1 && width != out && width > 0 && out % width == 0 {
      facts.append(("expansion", "\(out / width)"))
    }
    return facts
  }

  private static func squeezeExcite(_ se: Module) -> [(String, String)] {
    guard let fc1 = se.child("fc1"), let (channels, reduced) = inOut(fc1), reduced > 0 else { return [] }
    return [
      ("channels", "\(channels)"), ("squeezed to", "\(reduced)"),
      ("reduction r", channels % reduced == 0 ? "\(channels / reduced)" : "\(channels)/\(reduced)"),
    ]
  }

  private static func selectiveKernel(_ sk: Module) -> [(String, String)] {
    let branches = (sk.child("paths") ?? sk.child("convs"))?.children ?? []
    return branches.enumerated().compactMap { m, branch in
      guard
        let conv = branch.walk().lazy.compactMap({ entry -> Conv2dConfig? in
          if case .conv2d(let c) = entry.module.layer { return c }
          return nil
        }).first
      else { return nil }
      let field = conv.dilation * (conv.kernel - 1) + 1
      var text = "\(conv.kernel)×\(conv.kernel)"
      if conv.dilation > 1 { text += ", dilation \(conv.dilation) (sees \(field)×\(field))" }
      if conv.groups > 1 { text += ", groups \(conv.groups)" }
      return ("branch \(m)", text)
    }
  }

  private static func denseLayer(_ layer: Module) -> [(String, String)] {
    guard let conv1 = layer.child("conv1"), let conv2 = layer.child("conv2"),
      let (inChannels, bottleneck) = inOut(conv1), let (_, growth) = inOut(conv2)
    else { return [] }
    return [
      ("input channels", "\(inChannels)"), ("bottleneck", "\(bottleneck) (\(bottleneck / max(1, growth))·k)"),
      ("growth rate k", "\(growth)"), ("adds channels", "\(growth)"),
    ]
  }

  private static func denseBlock(_ block: Module) -> [(String, String)] {
    guard let first = block.children.first, let conv1 = first.child("conv1"), let conv2 = first.child("conv2"),
      let (inChannels, _) = inOut(conv1), let (_, growth) = inOut(conv2)
    else { return [] }
    let layers = block.children.count
    return [
      ("layers", "\(layers)"), ("growth rate k", "\(growth)"),
      ("channels", "\(inChannels) → \(inChannels + layers * growth)"),
    ]
  }

  /// Input and output channels of a conv or linear module.
  private static func inOut(_ module: Module) -> (Int, Int)? {
    switch module.layer {
    case .conv2d(let c): (c.inChannels, c.outChannels)
    case .linear(let l): (l.inFeatures, l.outFeatures)
    case .batchNorm2d, .batchNormAct, .relu, .sigmoid, .identity, .flatten, .maxPool2d, .avgPool2d, .adaptiveAvgPool2d,
      .softmax, .radixSoftmax, .sequential, .moduleList, .program, .residual, .denseBlock, .squeezeExcite,
      .selectiveKernel, .selectiveKernelAttention, .skConv, .splitAttention:
      nil
    }
  }
}
