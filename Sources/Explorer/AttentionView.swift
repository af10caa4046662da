/// The attention view (`a`): per attention block, SE gates as a heat strip with their mean and spread,
/// SK branch shares with the per-channel selection, split-attention weights per split.
package enum AttentionView {
  /// The view's lines at `width` columns.
  package static func lines(for state: ExplorerState, width: Int) -> [StyledLine] {
    let live = state.live, glyphs = state.glyphs
    guard !live.attentionPaths.isEmpty else {
      // Wrapped: at 60 columns the one line was cut off.
      let text = "\(state.model.name) has no attention blocks (SE, SK or split attention)."
      return TextFit.wrap(text, width: width).map { StyledLine($0, .dim) }
    }
    var out: [StyledLine] = []
    let colour = state.attentionPlotsInColour
    let header =
      "\(live.attentionPaths.count) attention blocks, \(live.attention.count) run"
      + " \(glyphs.separator) \(glyphs.keyLeftRight) channel cursor"
    out.append(StyledLine(header, .dim))
    out.append(AttentionStrip.legend(glyphs: glyphs, colour: colour))
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
      out += summary(
        digest, model: state.model, glyphs: glyphs, width: width, colour: colour, cursor: state.attentionChannel)
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

  /// The numbers and the strip of one block. With a `cursor` (the attention view) the strip has a cell per
  /// channel, wrapped in rows under a channel axis, and reads out the cursor's channel; without one (the
  /// details pane) it is squeezed into one line with the channel range under it.
  package static func summary(
    _ digest: AttentionDigest, model: ExplorerModel, glyphs: GlyphSet, width: Int, colour: Bool = true,
    cursor: Int? = nil
  ) -> [StyledLine] {
    var out: [StyledLine] = []
    let strip = max(1, width - 2)
    let labels = branchLabels(digest, model: model)
    /// The per-channel strip of `values`, as the caller asked for it.
    func channelStrip(_ values: [Double]) -> [StyledLine] {
      guard let cursor else {
        var heat = StyledLine("  ")
        heat.segments += Plots.heatStrip(values, width: strip, glyphs: glyphs, colour: colour).segments
        return [heat, AttentionStrip.squeezedAxis(channels: values.count, cells: min(strip, values.count))]
      }
      let c = min(max(0, cursor), digest.channels - 1)
      let parts = digest.weights.indices.map { k in
        (digest.weights.count == 1 ? "" : glyphs.text(labels[k]) + " ") + Plots.number(digest.weights[k][c])
      }
      let readout = "c\(c) " + parts.joined(separator: " \(glyphs.separator) ")
      return AttentionStrip.lines(values, width: width, cursor: c, readout: readout, glyphs: glyphs, colour: colour)
    }
    typealias Segment = StyledLine.Segment
    if digest.kind == .squeezeExcite || digest.weights.count == 1 {
      out += flow(
        [
          [Segment(text: "mean ", role: .label), Segment(text: Plots.number(digest.mean), role: .number)],
          [
            Segment(text: "spread ", role: .label),
            Segment(text: "\(glyphs.text("±"))\(Plots.number(digest.spread))", role: .number),
          ],
          [Segment(text: "(std over channels)", role: .dim)],
        ], separator: Segment(text: "  ", role: .normal), width: width)
      out += channelStrip(digest.weights[0])
      return out
    }
    let title = Segment(text: digest.kind == .selectiveKernel ? "branch share" : "weights", role: .label)
    let shares = digest.rowMeans.enumerated().map { k, share in
      [Segment(text: glyphs.text(labels[k]) + " ", role: .kind), Segment(text: Plots.number(share), role: .number)]
    }
    out += flow([[title]] + shares, separator: Segment(text: " \(glyphs.separator) ", role: .dim), width: width)
    // The mean split as one bar: the first branch's share filled, the rest empty.
    let bar = glyphs.bar(fraction: digest.rowMeans.first ?? 0, width: max(1, strip))
    var barLine = StyledLine("  ")
    barLine.append(bar.filled, .bar)
    barLine.append(
      bar.empty.isEmpty ? "" : String(repeating: glyphs.isASCII ? "." : "░", count: bar.empty.count), .barEmpty)
    out.append(barLine)
    out += channelStrip(digest.selection)
    let first = labels.first ?? "1", last = labels.last ?? "2"
    let legend = "per channel: low = \(glyphs.text(first)), high = \(glyphs.text(last))"
    out += TextFit.wrap(legend, width: max(1, width - 2)).map { StyledLine("  " + $0, .dim) }
    return out
  }

  /// Groups of segments on one line after a 2-column indent, `separator` between them (a space after the
  /// first, a label); a group that does not fit starts a new line indented by 4, so nothing is cut.
  private static func flow(
    _ groups: [[StyledLine.Segment]], separator: StyledLine.Segment, width: Int
  ) -> [StyledLine] {
    var lines: [StyledLine] = []
    var line = StyledLine("  ")
    for (k, group) in groups.enumerated() {
      let joint = k == 0 ? "" : k == 1 && groups.count > 2 && group.first?.role == .kind ? " " : separator.text
      let w = group.reduce(0) { $0 + DisplayWidth.of($1.text) }
      if k > 0, line.width + DisplayWidth.of(joint) + w > width {
        lines.append(line)
        line = StyledLine("    ")
      } else if k > 0 {
        line.append(joint, k == 1 && joint == " " ? .normal : separator.role)
      }
      line.segments += group
    }
    lines.append(line)
    return lines
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
