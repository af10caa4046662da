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
    if node.path.isEmpty, let preparation = live.preparation {
      // Before the stem, apart from it: seeding or loading the weights and making the input.
      out += pair("preparation", milliseconds(preparation.seconds), nil, nil, width: width, note: preparation.what)
    }
    if node.path.isEmpty || node.step == "head", !live.top.isEmpty {
      out += headingLines(live.inputIsReal ? "top-5 classes" : "top-5 classes (synthetic input)", width: width)
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
    out += pair("output", glyphs.shape(digest.shape), nil, nil, width: width)
    out += pair("min", Plots.number(Double(s.min)), "max", Plots.number(Double(s.max)), width: width)
    out += pair("mean", Plots.number(s.mean), "std", Plots.number(s.std), width: width)
    out += pair("zeros", Plots.percent(s.zeroFraction), nil, nil, width: width)
    if let step = node.step, step == node.path || node.path.isEmpty, let ran = live.completedStep(named: step) {
      out += pair("step time", milliseconds(ran.seconds), nil, nil, width: width)
    }

    if let shortcut = digest.shortcutNorm, let branch = digest.branchNorm {
      out += headingLines("residual (L2 norms)", width: width)
      out += pair("shortcut", Plots.number(shortcut), "branch", Plots.number(branch), width: width)
      if let ratio = digest.residualRatio {
        out += pair("ratio", Plots.number(ratio), nil, nil, width: width, note: "branch / shortcut")
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
      out += headingLines(glyphs.text(AttentionView.title(of: attention)), width: width)
      out += AttentionView.summary(
        attention, model: state.model, glyphs: glyphs, width: width, colour: state.attentionPlotsInColour)
    }
    out += headingLines("histogram (64 bins, log counts)", width: width)
    out += Plots.histogram(s, height: histogramHeight, width: width, glyphs: glyphs)
    if !digest.thumbnails.isEmpty {
      out += headingLines("most active feature maps", width: width)
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

  /// `  label  value   label  value` in two columns when both fit, else stacked on two lines: a
  /// narrow pane never loses the second value. A note goes beside the value, or on a line of its own.
  private static func pair(
    _ a: String, _ av: String, _ b: String?, _ bv: String?, width: Int, note: String? = nil
  ) -> [StyledLine] {
    func single(_ label: String, _ value: String) -> StyledLine {
      var line = StyledLine(TextFit.padRight("  " + label, to: max(12, DisplayWidth.of(label) + 3)), .label)
      line.append(TextFit.padLeft(value, to: 8), .number)
      return line
    }
    var lines = [single(a, av)]
    if let b, let bv {
      if lines[0].width + 14 + DisplayWidth.of(bv) <= width {
        lines[0].append(TextFit.padRight("   " + b, to: 12), .label)
        lines[0].append(TextFit.padLeft(bv, to: 8), .number)
      } else {
        lines.append(single(b, bv))
      }
    }
    if let note {
      if lines[lines.count - 1].width + 2 + DisplayWidth.of(note) <= width {
        lines[lines.count - 1].append("  " + note, .dim)
      } else {
        for piece in TextFit.wrap(note, width: max(1, width - 4)) { lines.append(StyledLine("    " + piece, .dim)) }
      }
    }
    return lines
  }

  /// A heading, wrapped at words so a narrow pane never cuts it.
  static func headingLines(_ text: String, width: Int) -> [StyledLine] {
    TextFit.wrap(text, width: width).map { StyledLine($0, .heading) }
  }

  /// `41.2 ms`, `1.23 s`.
  static func milliseconds(_ seconds: Double) -> String {
    seconds >= 1
      ? NumberFormat.fixed(seconds, 2) + " s" : NumberFormat.fixed(seconds * 1000, seconds < 0.01 ? 2 : 1) + " ms"
  }
}
