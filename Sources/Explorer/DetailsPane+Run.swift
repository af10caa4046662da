import Analysis

/// The details pane's live sections: what the forward pass observed at the selected node.
extension DetailsPane {
  /// Rows of the histogram chart.
  static let histogramHeight = 3

  /// Statistics, residual or dense-layer facts, attention weights, histogram and thumbnails of the
  /// selected node once its step has run; a one-line state otherwise. Nothing before the first run.
  static func runLines(for state: ExplorerState, width: Int) -> [StyledLine] {
    let live = state.live
    guard !live.completed.isEmpty || live.isRunning else { return [] }
    let node = state.selectedNode, glyphs = state.glyphs
    var out = [StyledLine(), StyledLine("forward pass", .heading)]
    let stepIndex = state.stepIndex(forNode: state.selected)
    if node.path.isEmpty || node.step == "head", !live.top.isEmpty {
      out.append(StyledLine(live.inputIsReal ? "top-5 classes" : "top-5 classes (synthetic input)", .heading))
      for p in live.top {
        var line = StyledLine(TextFit.padLeft(Plots.percent(p.probability), to: 9), .number)
        let name = TextFit.truncate(
          glyphs.text("\(p.name) (\(p.index))"), to: max(1, width - 11), ellipsis: glyphs.ellipsis)
        line.append("  " + name, .normal)
        out.append(line)
      }
    }
    guard let digest = state.selectedDigest else {
      let text: String
      if let stepIndex, live.progress?.current == stepIndex {
        text = "step \(live.stepNames[stepIndex]) is running"
      } else if let stepIndex, stepIndex < live.completed.count {
        text = "no output observed here (not called in this forward pass)"
      } else if let stepIndex {
        text = "not run yet: step \(stepIndex + 1)/\(live.stepNames.count); . runs up to here"
      } else {
        text = "not part of a forward step"
      }
      for piece in TextFit.wrap(text, width: width) { out.append(StyledLine(piece, .dim)) }
      return out
    }
    let s = digest.statistics
    out.append(pair("output", glyphs.shape(digest.shape), nil, nil, width: width))
    out.append(pair("min", Plots.number(Double(s.min)), "max", Plots.number(Double(s.max)), width: width))
    out.append(pair("mean", Plots.number(s.mean), "std", Plots.number(s.std), width: width))
    out.append(pair("zeros", Plots.percent(s.zeroFraction), nil, nil, width: width))
    if let step = node.step, step == node.path || node.path.isEmpty, let ran = live.completedStep(named: step) {
      out.append(pair("step time", milliseconds(ran.seconds), nil, nil, width: width))
    }
    if let shortcut = digest.shortcutNorm, let branch = digest.branchNorm {
      out.append(StyledLine("residual (L2 norms)", .heading))
      out.append(pair("shortcut", Plots.number(shortcut), "branch", Plots.number(branch), width: width))
      if let ratio = digest.residualRatio {
        out.append(pair("ratio", Plots.number(ratio), nil, nil, width: width, note: "branch / shortcut"))
      }
    }
    if node.kind == "_DenseLayer", node.outputShape.count > 1, let step = live.completedStep(named: node.path),
      step.outputShape.count > 1
    {
      let added = node.outputShape[1], total = step.outputShape[1]
      let text = "adds \(added) channels: \(total - added) \(glyphs.text("→")) \(total) after the concatenation"
      for piece in TextFit.wrap(text, width: width) { out.append(StyledLine(piece, .number)) }
    }
    if let attention = live.attention.first(where: { $0.path == node.path }) {
      out.append(StyledLine(glyphs.text(AttentionView.title(of: attention)), .heading))
      out += AttentionView.summary(
        attention, model: state.model, glyphs: glyphs, width: width, colour: state.attentionPlotsInColour)
    }
    out.append(StyledLine("histogram (64 bins, log counts)", .heading))
    out += Plots.histogram(s, height: histogramHeight, width: width, glyphs: glyphs)
    if !digest.thumbnails.isEmpty {
      out.append(StyledLine("most active feature maps", .heading))
      out += Plots.thumbnails(digest.thumbnails, width: width, glyphs: glyphs, colour: state.activationPlotsInColour)
    }
    return out
  }

  /// The per-channel mean bars, after everything else (2048 channels scroll with Tab and ↑↓).
  static func channelLines(for state: ExplorerState, width: Int) -> [StyledLine] {
    guard let digest = state.selectedDigest, digest.statistics.channelMean.count > 1 else { return [] }
    let means = digest.statistics.channelMean
    var out = [StyledLine(), StyledLine("channel means (\(means.count))", .heading)]
    let scale = means.map(abs).max() ?? 0
    let label = "c\(means.count - 1)".count + 1
    let barWidth = max(4, width - label - 10)
    for (c, m) in means.enumerated() {
      var line = StyledLine(TextFit.padRight("c\(c)", to: label), .label)
      let bar = state.glyphs.bar(fraction: scale > 0 ? abs(m) / scale : 0, width: barWidth)
      line.append(bar.filled, m < 0 ? .warning : .bar)
      line.append(bar.empty, .barEmpty)
      line.append(" " + TextFit.padLeft(Plots.number(m), to: 8), .number)
      out.append(line)
    }
    return out
  }

  /// `  label  value   label  value` in two columns when it fits, else the first pair only.
  private static func pair(
    _ a: String, _ av: String, _ b: String?, _ bv: String?, width: Int, note: String? = nil
  ) -> StyledLine {
    var line = StyledLine(TextFit.padRight("  " + a, to: 12), .label)
    line.append(TextFit.padLeft(av, to: 8), .number)
    if let b, let bv, line.width + 14 + DisplayWidth.of(bv) <= width {
      line.append(TextFit.padRight("   " + b, to: 12), .label)
      line.append(TextFit.padLeft(bv, to: 8), .number)
    }
    if let note, line.width + 2 + DisplayWidth.of(note) <= width { line.append("  " + note, .dim) }
    return line
  }

  /// `41.2 ms`, `1.23 s`.
  static func milliseconds(_ seconds: Double) -> String {
    seconds >= 1
      ? NumberFormat.fixed(seconds, 2) + " s" : NumberFormat.fixed(seconds * 1000, seconds < 0.01 ? 2 : 1) + " ms"
  }
}
