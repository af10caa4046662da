import Models

extension ExplorerState {
  /// Asks for the model picker for `purpose`: the catalogue at the current input comes back as
  /// ``ExplorerAction/catalogue(_:input:purpose:)``, which opens it.
  mutating func openPicker(_ purpose: ModelPicker.Purpose) -> [ExplorerEffect] {
    [.loadCatalogue(input: input, purpose: purpose)]
  }

  /// Opens the picker for `purpose` over `entries` (the figures at the current input). An open variant is listed
  /// after its base, with the figures of its tree (so `+` in the compare view can add it).
  mutating func showPicker(_ purpose: ModelPicker.Purpose, entries: [CatalogEntry]) {
    var entries = entries
    if let spec = model.spec, !spec.overrides.isEmpty, !entries.contains(where: { $0.spec == spec }),
      let base = entries.lastIndex(where: { $0.spec.base.name == spec.base.name })
    {
      let size = model.inputShape.count == 4 ? model.inputShape[2] : entries[base].inputSize
      entries.insert(
        CatalogEntry(
          spec: spec, family: entries[base].family, inputSize: size, batch: entries[base].batch,
          params: model.totalParams, macs: model.totalMACs),
        at: base + 1)
    }
    var picker = ModelPicker(purpose: purpose, entries: entries, current: model.name)
    picker.keepVisible(rows: ExplorerLayout(size: size).pickerVisibleRows)
    overlay = .picker(picker)
  }

  /// Keys while the picker is open: typing filters, ↑↓ choose, Enter takes, Esc closes.
  mutating func handlePickerKey(_ key: Key, picker: ModelPicker) -> [ExplorerEffect] {
    var picker = picker
    let rows = ExplorerLayout(size: size).pickerVisibleRows
    switch KeyBindings.command(for: key, in: .picker) {
    case .quit: shouldQuit = true
    case .escape: overlay = nil
    case .moveUp: picker.move(by: -1, visibleRows: rows)
    case .moveDown: picker.move(by: 1, visibleRows: rows)
    case .pageUp: picker.move(by: -rows, visibleRows: rows)
    case .pageDown: picker.move(by: rows, visibleRows: rows)
    case .top: picker.move(by: -picker.entries.count, visibleRows: rows)
    case .bottom: picker.move(by: picker.entries.count, visibleRows: rows)
    case .deleteBackward:
      guard !picker.filter.isEmpty else { break }
      picker.setFilter(String(picker.filter.dropLast()), visibleRows: rows)
    case .accept:
      return take(picker)
    case nil:
      // Typed text: a character the picker does not bind goes to the filter.
      guard case .character(let c) = key else { break }
      picker.setFilter(picker.filter + String(c), visibleRows: rows)
    case .collapse, .expand, .toggle, .switchFocus, .search, .nextMatch, .previousMatch, .modelPicker, .compare,
      .inputSize, .compareAdd, .compareRemove, .step, .runToSelected, .runToEnd, .reset, .activationView,
      .attentionView, .nextTheme, .help, .editVariant, .baseModel, .ablation, .notices, .view:
      break  // not bound in the picker
    }
    if case .picker = overlay { overlay = .picker(picker) }
    return []
  }

  /// Enter in the picker: opens the chosen model, or adds it to the compare view.
  private mutating func take(_ picker: ModelPicker) -> [ExplorerEffect] {
    guard let chosen = picker.selected else {
      notice = Notice(text: "no model matches \"\(picker.filter)\": Backspace edits the filter", isWarning: true)
      return []
    }
    let entry = picker.entries[chosen]
    overlay = nil
    switch picker.purpose {
    case .open: return openModel(entry.spec)
    case .addToCompare: return addToCompare(entry.spec)
    }
  }

  /// Opens `spec` at the current input (its analysis comes back as ``ExplorerAction/opened(_:)``);
  /// the open model itself opens afresh at once, its run kept.
  mutating func openModel(_ spec: ModelSpec) -> [ExplorerEffect] {
    guard spec != model.spec else {
      showOpened(model: model)
      return []
    }
    return [.open(spec, input: input, generation: live.generation + 1)]
  }

  /// Shows a model the runner analysed, with its new session's live state.
  mutating func showOpened(_ opened: OpenedModel) {
    let colour = live.terminalHasColour
    live = opened.live
    live.terminalHasColour = colour
    input = opened.input
    showOpened(model: opened.model)
    if let reason = opened.fallbackReason {
      notice = Notice(
        text: "\(opened.model.name) cannot take the chosen size (\(reason)); opened at its own size", isWarning: true)
    }
  }

  private mutating func showOpened(model newModel: ExplorerModel) {
    open(newModel)
    compare = nil
    keepSelectionVisible()
    notice = Notice(text: "opened \(newModel.name)", isWarning: false)
  }

  /// Mouse in the picker: a click chooses a row (a click on the chosen row takes it), the wheel scrolls.
  mutating func handlePickerMouse(_ event: MouseEvent, picker: ModelPicker) -> [ExplorerEffect] {
    var picker = picker
    let layout = ExplorerLayout(size: size)
    let rect = layout.pickerRect
    let rows = layout.pickerVisibleRows
    let inside =
      event.x > rect.x && event.x < rect.x + rect.width - 1 && event.y > rect.y
      && event.y < rect.y + rect.height - 1
    switch event.kind {
    case .wheelUp, .wheelDown:
      guard inside else { return [] }
      picker.scrollList(by: event.kind == .wheelUp ? -3 : 3, visibleRows: rows)
    case .press:
      guard inside else {
        overlay = nil  // a click outside closes it, as Esc does
        return []
      }
      let line = picker.scroll + event.y - layout.pickerListTop
      let all = picker.lines
      guard event.y >= layout.pickerListTop, line < all.count, case .entry(let i) = all[line] else { return [] }
      if picker.selected == i { return take(picker) }
      picker.selected = i
    }
    overlay = .picker(picker)
    return []
  }
}
