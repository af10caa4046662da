/// The attention view (`a`): per attention block, SE gates as a heat strip with their mean and spread,
/// SK branch shares with the per-channel selection, split-attention weights per split.
package enum AttentionView {
  /// The view's lines at `width` columns.
  package static func lines(for state: ExplorerState, width: Int) -> [StyledLine] {
    let live = state.live, glyphs = state.glyphs
    guard !live.attentionPaths.isEmpty else {
      return [StyledLine("\(state.model.name) has no attention blocks (SE, SK or split attention).", .dim)]
    }
    var out: [StyledLine] = []
    let header =
      "\(live.attentionPaths.count) attention blocks, \(live.attention.count) run"
      + " \(glyphs.separator) colours: low \(glyphs.text("→")) high"
    out.append(StyledLine(header, .dim))
    if live.attention.isEmpty {
      for piece in TextFit.wrap("None has run yet: s steps the forward pass, r runs it to the end.", width: width) {
        out.append(StyledLine(piece, .dim))
      }
      return out
    }
    let selectedStep = state.stepIndex(forNode: state.selected).map { live.stepNames[$0] }
    for digest in live.attention {
      out.append(StyledLine())
      var title = StyledLine(digest.path, digest.step == selectedStep ? .match : .title)
      title.append("  \(glyphs.separator) \(glyphs.text(Self.title(of: digest)))", .dim)
      out.append(title)
      out += summary(digest, model: state.model, glyphs: glyphs, width: width, colour: state.attentionPlotsInColour)
    }
    return out
  }

  /// What a block's weights are: `SE gates · 256 ch`.
  package static func title(of digest: AttentionDigest) -> String {
    switch digest.kind {
    case .squeezeExcite: "SE gates \u{00B7} \(digest.channels) ch"
    case .selectiveKernel: "SK branch softmax \u{00B7} \(digest.weights.count)\u{00D7}\(digest.channels)"
    case .splitAttention:
      digest.weights.count == 1
        ? "split attention (radix 1, sigmoid) \u{00B7} \(digest.channels) ch"
        : "split attention \u{00B7} \(digest.weights.count) splits\u{00D7}\(digest.channels)"
    }
  }

  /// The numbers and the strip of one block (also shown in the details pane of the attention node).
  package static func summary(
    _ digest: AttentionDigest, model: ExplorerModel, glyphs: GlyphSet, width: Int, colour: Bool = true
  ) -> [StyledLine] {
    var out: [StyledLine] = []
    let strip = max(1, width - 2)
    if digest.kind == .squeezeExcite || digest.weights.count == 1 {
      var line = StyledLine("  mean ", .label)
      line.append(Plots.number(digest.mean), .number)
      line.append("  spread ", .label)
      line.append("\(glyphs.text("±"))\(Plots.number(digest.spread))", .number)
      line.append("  (std over channels)", .dim)
      out.append(line)
      var heat = StyledLine("  ")
      heat.segments += Plots.heatStrip(digest.weights[0], width: strip, glyphs: glyphs, colour: colour).segments
      out.append(heat)
      return out
    }
    let labels = branchLabels(digest, model: model)
    var shares = StyledLine(digest.kind == .selectiveKernel ? "  branch share " : "  weights ", .label)
    for (k, share) in digest.rowMeans.enumerated() {
      if k > 0 { shares.append(" \(glyphs.separator) ", .dim) }
      shares.append(glyphs.text(labels[k]) + " ", .kind)
      shares.append(Plots.number(share), .number)
    }
    out.append(shares)
    // The mean split as one bar: the first branch's share filled, the rest empty.
    let bar = glyphs.bar(fraction: digest.rowMeans.first ?? 0, width: max(1, strip))
    var barLine = StyledLine("  ")
    barLine.append(bar.filled, .bar)
    barLine.append(
      bar.empty.isEmpty ? "" : String(repeating: glyphs.isASCII ? "." : "░", count: bar.empty.count), .barEmpty)
    out.append(barLine)
    var heat = StyledLine("  ")
    heat.segments += Plots.heatStrip(digest.selection, width: strip, glyphs: glyphs, colour: colour).segments
    out.append(heat)
    let first = labels.first ?? "1", last = labels.last ?? "2"
    out.append(StyledLine("  per channel: low = \(glyphs.text(first)), high = \(glyphs.text(last))", .dim))
    return out
  }

  /// Names of an SK block's branches from its convs' kernels (`3×3`, `3×3 d2`), or `split 1`, `split 2`.
  static func branchLabels(_ digest: AttentionDigest, model: ExplorerModel) -> [String] {
    let count = digest.weights.count
    guard digest.kind == .selectiveKernel else { return (1...count).map { "split \($0)" } }
    return (0..<count).map { k in
      for container in ["paths", "convs"] {
        let prefix = "\(digest.path).\(container).\(k)"
        if let node = model.nodes.first(where: {
          ($0.path == prefix || $0.path.hasPrefix(prefix + "."))
            && $0.hyperParameters.contains { $0.0 == "kernel_size" }
        }) {
          let kernel = node.hyperParameters.first { $0.0 == "kernel_size" }?.1 ?? "?"
          let dilation = node.hyperParameters.first { $0.0 == "dilation" }?.1
          return dilation.map { "\(kernel) d\($0)" } ?? kernel
        }
      }
      return "branch \(k + 1)"
    }
  }
}
