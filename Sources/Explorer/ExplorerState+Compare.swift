import Models

extension ExplorerState {
  /// `c`: asks for the compare view on the default set (it opens when their summaries come back
  /// as ``ExplorerAction/compared(_:refused:)``), or closes it.
  mutating func toggleCompare() -> [ExplorerEffect] {
    if compare != nil {
      compare = nil
      return []
    }
    return [.compare(input: input)]
  }

  /// Opens the compare view on `summaries` with the open model among them, selected: a model outside the
  /// default set (resnet152) joins at the end, an open variant beside its base (whose summary is asked
  /// for when the set lacks it).
  mutating func showCompare(_ summaries: [ModelSummary], refused: [String]) -> [ExplorerEffect] {
    var summaries = summaries
    var effects: [ExplorerEffect] = []
    if let spec = model.spec, !summaries.contains(where: { $0.spec == spec }) {
      summaries.insert(ModelSummary(model), at: CompareView.place(of: spec, in: summaries))
      if !spec.overrides.isEmpty, !summaries.contains(where: { $0.spec == spec.plain }) {
        effects.append(.addToCompare(spec.plain, input: input))
      }
    }
    var view = CompareView(models: summaries)
    let bySpec = summaries.firstIndex { model.spec != nil && $0.spec == model.spec }
    let open = bySpec ?? summaries.firstIndex { $0.name == model.name }
    view.select(open ?? 0, visible: ExplorerLayout(size: size).compareColumns)
    compare = view
    if !refused.isEmpty {
      notice = Notice(
        text:
          "left out (cannot take \(input.size.map(String.init) ?? "their size")): \(refused.joined(separator: ", "))",
        isWarning: true)
    }
    return effects
  }

  /// A key-table command while the compare view is open: its own keys, the global ones, or a hint.
  mutating func runInCompare(_ command: ExplorerCommand) -> [ExplorerEffect] {
    guard var view = compare else { return [] }
    let layout = ExplorerLayout(size: size)
    let visible = layout.compareColumns
    switch command {
    case .collapse: view.select(view.selected - 1, visible: visible)
    case .expand: view.select(view.selected + 1, visible: visible)
    case .top: view.select(0, visible: visible)
    case .bottom: view.select(view.models.count - 1, visible: visible)
    case .moveUp: view.scrollLines(by: -1, height: layout.compareHeight)
    case .moveDown: view.scrollLines(by: 1, height: layout.compareHeight)
    case .pageUp: view.scrollLines(by: -layout.compareHeight, height: layout.compareHeight)
    case .pageDown: view.scrollLines(by: layout.compareHeight, height: layout.compareHeight)
    case .compareAdd:
      return openPicker(.addToCompare)
    case .compareRemove:
      guard !view.models.isEmpty else {
        notice = Notice(text: "nothing to remove: + adds a model", isWarning: true)
        return []
      }
      let removed = view.models.remove(at: view.selected)
      view.select(min(view.selected, view.models.count - 1), visible: visible)
      notice = Notice(text: "removed \(removed.name)", isWarning: false)
    case .toggle:
      guard view.models.indices.contains(view.selected), let spec = view.models[view.selected].spec else { return [] }
      return openModel(spec)
    case .compare, .escape:
      compare = nil
      return []
    case .quit, .help, .nextTheme, .inputSize, .modelPicker, .notices:
      return run(command)
    case .switchFocus, .search, .nextMatch, .previousMatch, .step, .runToSelected, .runToEnd, .reset, .activationView,
      .attentionView, .accept, .deleteBackward, .editVariant, .baseModel, .view, .ablation:
      notice = Notice(
        text: "compare view: \(glyphs.keyLeftRight) column, + add, - remove, Enter open, Esc close", isWarning: false)
      return []
    }
    compare = view
    return []
  }

  /// Asks to add `spec` to the compare view at the current input (a model already there is
  /// selected instead).
  mutating func addToCompare(_ spec: ModelSpec) -> [ExplorerEffect] {
    guard var view = compare else { return [] }
    guard let existing = view.models.firstIndex(where: { $0.spec == spec }) else {
      return [.addToCompare(spec, input: input)]
    }
    view.select(existing, visible: ExplorerLayout(size: size).compareColumns)
    compare = view
    notice = Notice(text: "\(spec.displayName) is already in the comparison", isWarning: false)
    return []
  }

  /// Adds a summary the runner made to the compare view, selected (beside its base or variants, if any are there).
  mutating func addToCompare(_ summary: ModelSummary) {
    guard var view = compare else { return }
    let place = summary.spec.map { CompareView.place(of: $0, in: view.models) } ?? view.models.count
    view.models.insert(summary, at: place)
    view.select(place, visible: ExplorerLayout(size: size).compareColumns)
    compare = view
    notice = Notice(text: "added \(summary.name)", isWarning: false)
  }

  /// Mouse in the compare view: a click selects a column, the wheel scrolls the lines (sideways
  /// through the columns when every line already shows).
  mutating func handleCompareMouse(_ event: MouseEvent) {
    guard var view = compare else { return }
    let layout = ExplorerLayout(size: size)
    let visible = layout.compareColumns
    switch event.kind {
    case .wheelUp, .wheelDown:
      let delta = event.kind == .wheelUp ? -1 : 1
      if view.lineCount > layout.compareHeight {
        view.scrollLines(by: 3 * delta, height: layout.compareHeight)
      } else {
        view.columnScroll = max(0, min(view.columnScroll + delta, view.models.count - visible))
        view.select(min(max(view.selected, view.columnScroll), view.columnScroll + visible - 1), visible: visible)
      }
    case .press:
      let start = layout.compareX + CompareView.labelWidth
      guard event.x >= start, event.y >= layout.compareTop, event.y < layout.compareTop + layout.compareHeight
      else { return }
      let column = view.columnScroll + (event.x - start) / CompareView.columnWidth
      guard column < view.models.count, column < view.columnScroll + visible else { return }
      view.select(column, visible: visible)
    }
    compare = view
  }
}
