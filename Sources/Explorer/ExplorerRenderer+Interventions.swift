/// Drawing of interventions: the header's count and comparison, the tree's marks.
extension ExplorerRenderer {
  /// ` · ✗ 2 interventions + plain` after the model's name while any is on.
  static func appendInterventionCount(_ title: inout StyledLine, state: ExplorerState) {
    let live = state.live
    guard live.isIntervened else { return }
    var parts: [String] = []
    if !live.interventions.isEmpty { parts.append(ExplorerState.count(live.interventions.count, "intervention")) }
    if live.plain { parts.append("plain") }
    title.append(" \(state.glyphs.separator) ", .border)
    title.append("\(state.glyphs.intervened) " + parts.joined(separator: " + "), .ablated)
    appendComparison(&title, state: state)
  }

  /// ` · vs clean: KL 0.0123, top-1 changed (now …; clean …)` after a full pass with interventions.
  private static func appendComparison(_ title: inout StyledLine, state: ExplorerState) {
    guard let comparison = state.live.comparison, state.live.isIntervened else { return }
    let glyphs = state.glyphs
    title.append(" \(glyphs.separator) ", .border)
    title.append("vs clean: KL \(Plots.number(comparison.kl)), ", .normal)
    title.append(comparison.top1Changed ? "top-1 changed" : "top-1 same", comparison.top1Changed ? .ablated : .normal)
    if let now = state.live.top.first, let clean = comparison.cleanTop.first {
      title.append(
        " (\(glyphs.text(now.name)) \(Plots.percent(now.probability)); clean \(glyphs.text(clean.name)) "
          + "\(Plots.percent(clean.probability)))",
        .dim)
    }
  }

  /// Marks an intervened node's row: the name in the warning colour and `✗ branch` after it; a collapsed
  /// node with intervened nodes inside gets the glyph alone.
  static func drawInterventionMark(
    _ grid: inout ScreenGrid, node: Int, y: Int, state: ExplorerState, layout: ExplorerLayout, nameWidth: Int
  ) {
    let interventions = state.live.interventions
    let plainHere =
      state.live.plain && state.live.interventionChoices[state.model.nodes[node].path]?.first == .branchOff
    guard !interventions.isEmpty || plainHere else { return }
    let entry = state.model.nodes[node]
    let own = interventions.first { $0.path == entry.path }
    var text: String
    if let own {
      text = "\(state.glyphs.intervened) \(own.kind.mark)"
    } else if plainHere {
      text = "\(state.glyphs.intervened) plain"
    } else if node != 0, !state.expanded[node], interventions.contains(where: { $0.path.hasPrefix(entry.path + ".") }) {
      text = state.glyphs.intervened
    } else {
      return
    }
    let start = 1 + TreePane.indent(of: entry) + 2
    let used = start + DisplayWidth.of(entry.name)
    // Room up to the step time at the right of the name column (5 columns and a space).
    let room = nameWidth - used - 1 - (state.live.completed.isEmpty ? 0 : 6)
    if DisplayWidth.of(text) > room { text = state.glyphs.intervened }
    guard room >= 1 else { return }
    let selected = node == state.selected
    let role: StyleRole = selected ? (state.focus == .tree ? .selected : .selectedInactive) : .ablated
    grid.put(text, x: layout.treeX + used + 1, y: y, role: role, maxWidth: room)
    if !selected { grid.restyle(y: y, x: layout.treeX + start, width: DisplayWidth.of(entry.name), role: .ablated) }
  }
}

extension DetailsPane {
  /// The selected node's intervention and what `d` does there; at the root after a full pass with
  /// interventions, the clean pass's top-5 beside this pass's, KL and whether top-1 changed.
  static func interventionLines(for state: ExplorerState, width: Int) -> [StyledLine] {
    let live = state.live, node = state.selectedNode, glyphs = state.glyphs
    var out: [StyledLine] = []
    // Shown on intervened nodes only (the other screens stay as they were).
    if let cycle = live.interventionChoices[node.path],
      let own = live.interventions.first(where: { $0.path == node.path })
    {
      out += [StyledLine(), StyledLine("intervention", .heading)]
      var line = StyledLine("  now ", .label)
      line.append("\(glyphs.intervened) \(own.kind.summary) (\(own.description))", .ablated)
      out.append(line)
      let text = "d cycles: " + cycle.map(\.summary).joined(separator: ", ") + ", none"
      for piece in TextFit.wrap(text, width: max(1, width - 2)) { out.append(StyledLine("  " + piece, .dim)) }
    }
    guard node.path.isEmpty, let comparison = live.comparison, live.isIntervened, !live.top.isEmpty else { return out }
    out += [StyledLine(), StyledLine("with interventions vs the clean pass", .heading)]
    var summary = StyledLine("  KL(clean \(glyphs.text("‖")) now) ", .label)
    summary.append(Plots.number(comparison.kl), .number)
    summary.append(
      comparison.top1Changed ? "  top-1 changed" : "  top-1 same", comparison.top1Changed ? .ablated : .dim)
    out.append(summary)
    let half = max(8, (width - 2) / 2)
    var heading = StyledLine(TextFit.padRight("  now", to: half), .label)
    heading.append("clean", .label)
    out.append(heading)
    for k in 0..<max(live.top.count, comparison.cleanTop.count) {
      func cell(_ list: [ClassPrediction], _ w: Int) -> String {
        guard k < list.count else { return "" }
        let p = list[k]
        return TextFit.truncate(
          glyphs.text("\(Plots.percent(p.probability)) \(p.name)"), to: w, ellipsis: glyphs.ellipsis)
      }
      var line = StyledLine(TextFit.padRight("  " + cell(live.top, half - 3), to: half), .normal)
      line.append(cell(comparison.cleanTop, max(1, width - half)), .dim)
      out.append(line)
    }
    return out
  }
}
