import Analysis
import Session

/// Drawing of the live run: the header's source, step marks in the tree, progress in the status bar,
/// and the activation and attention views.
extension ExplorerRenderer {
  /// `· seeded weights (seed 0) · synthetic input`, and the top-5 classes after a run on a file input.
  /// The default source is named once a run has started (the static screens stay as they were).
  static func appendRunSource(_ title: inout StyledLine, state: ExplorerState) {
    let live = state.live
    guard live.isRunning || !live.completed.isEmpty || live.source != SessionSource().description else { return }
    let sep = "\(state.glyphs.separator) "
    title.append(sep, .border)
    title.append(state.glyphs.text(state.live.source) + " ", .dim)
    if state.live.inputIsReal, !state.live.top.isEmpty {
      // The top-5 in the header as far as it reaches (the root's details list them in full).
      title.append(sep, .border)
      let classes = state.live.top.map { "\(state.glyphs.text($0.name)) \(Plots.percent($0.probability))" }
      title.append("top-5 " + classes.joined(separator: ", ") + " ", .normal)
    }
  }

  /// Marks a tree row: the step being computed is highlighted; a step that ran shows its wall time at
  /// the right of the name column (when the name leaves room for it).
  static func drawRunMark(
    _ grid: inout ScreenGrid, node: Int, y: Int, state: ExplorerState, layout: ExplorerLayout, nameWidth: Int
  ) {
    let live = state.live
    guard !live.completed.isEmpty || live.isRunning, let index = stepIndexIfStepNode(node, state: state) else { return }
    let entry = state.model.nodes[node]
    let nameRoom = max(1, nameWidth - TreePane.indent(of: entry) - 2)
    let used = 1 + TreePane.indent(of: entry) + 2 + min(nameRoom, DisplayWidth.of(entry.name))
    if let progress = live.progress, progress.current == index, index >= live.completed.count {
      let text = " running"
      if used + DisplayWidth.of(text) < nameWidth {
        grid.put(text, x: layout.treeX + nameWidth - DisplayWidth.of(text), y: y, role: .running)
      }
      if node != state.selected { grid.restyle(y: y, x: layout.treeX, width: used, role: .running) }
    } else if index < live.completed.count {
      let text = compactTime(live.completed[index].seconds)
      if used + 1 + DisplayWidth.of(text) <= nameWidth {
        let role: StyleRole =
          node == state.selected ? (state.focus == .tree ? .selected : .selectedInactive) : .stepTime
        grid.put(text, x: layout.treeX + nameWidth - DisplayWidth.of(text), y: y, role: role)
      }
    }
  }

  /// A wall time in at most five columns: `4.2ms`, `205ms`, `1.23s`.
  static func compactTime(_ seconds: Double) -> String {
    let ms = seconds * 1000
    if ms < 9.95 { return NumberFormat.fixed(ms, 1) + "ms" }
    if ms < 999.5 { return NumberFormat.fixed(ms, 0) + "ms" }
    return NumberFormat.fixed(seconds, seconds < 9.995 ? 2 : 1) + "s"
  }

  /// The step index when `node` stands for a step in the tree (a block, or the first module of the stem or head).
  private static func stepIndexIfStepNode(_ node: Int, state: ExplorerState) -> Int? {
    guard let step = state.model.nodes[node].step, let index = state.live.stepIndex(named: step) else { return nil }
    return state.node(forStep: index) == node ? index : nil
  }

  /// The activation or attention view in the help overlay's rectangle.
  static func drawRunView(_ grid: inout ScreenGrid, _ overlay: Overlay, state: ExplorerState, layout: ExplorerLayout) {
    let rect = layout.helpRect
    let glyphs = state.glyphs
    let (title, lines, scroll): (String, [StyledLine], Int)
    switch overlay {
    case .activations(let s):
      (title, lines, scroll) = (
        " activations per step (v or Esc closes) ", ActivationView.lines(for: state, width: rect.width - 4), s
      )
    case .attention(let s):
      (title, lines, scroll) = (
        " attention (a or Esc closes) ", AttentionView.lines(for: state, width: rect.width - 4), s
      )
    case .help, .picker, .variant, .notices: return  // drawn by their own functions
    case .wiring(let s):
      (title, lines, scroll) = (" wiring (W or Esc closes) ", WiringView.lines(for: state, width: rect.width - 4), s)
    case .lesion(let view):
      let shown = LesionView.lines(for: state, view, width: rect.width - 4)
      drawScrollingBox(
        &grid, title: " lesion study (L or Esc closes) ", lines: shown,
        scroll: LesionView.scroll(view, lines: shown.count, layout: layout), glyphs: glyphs, layout: layout)
      return
    case .reuse(let view):
      let (shown, cursor) = ReuseView.lines(for: state, view, width: rect.width - 4)
      drawScrollingBox(
        &grid, title: " feature reuse (u or Esc closes) ", lines: shown,
        scroll: max(0, cursor - layout.helpVisibleRows + 2), glyphs: glyphs, layout: layout)
      return
    case .gradient(let s):
      (title, lines, scroll) = (
        " gradients along depth (Esc closes) ", GradientView.lines(for: state, width: rect.width - 4, layout: layout),
        s
      )
    case .classPrompt: return  // drawn by its own function
    }
    drawScrollingBox(&grid, title: title, lines: lines, scroll: scroll, glyphs: glyphs, layout: layout)
  }
}

extension StatusBar {
  /// `step 3/18 layer1.1 · 1.2 s · x cancels` while a run is going on.
  static func runProgress(_ state: ExplorerState) -> StyledLine? {
    let live = state.live, sep = " \(state.glyphs.separator) "
    func cancelHint(_ line: inout StyledLine) {
      line.append(sep, .dim)
      line.append("x", .key)
      line.append(" cancels", .status)
    }
    guard let progress = state.live.progress else {
      // A backward pass (`b`) runs on its own worker: say so, and how to stop it.
      guard let backward = live.backward else { return nil }
      var line = StyledLine("backward pass for \(state.glyphs.text(backward.objective)) running", .message)
      cancelHint(&line)
      return line
    }
    if live.isPreparing {
      // Weights seeded or loaded and the input made, before step 1: a phase with its own time.
      var line = StyledLine("preparing ", .message)
      line.append("weights and input", .running)
      line.append(sep, .dim)
      line.append(NumberFormat.fixed(progress.elapsed, 1) + " s", .number)
      cancelHint(&line)
      return line
    }
    var line = StyledLine("step \(progress.current + 1)/\(live.stepNames.count) ", .message)
    if progress.current < live.stepNames.count { line.append(live.stepNames[progress.current], .running) }
    line.append(sep, .dim)
    line.append(NumberFormat.fixed(progress.elapsed, 1) + " s", .number)
    if progress.target > progress.current {
      line.append(sep, .dim)
      line.append("to \(progress.target + 1)", .dim)
    }
    cancelHint(&line)
    return line
  }
}
