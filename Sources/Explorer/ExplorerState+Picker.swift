extension ExplorerState {
  /// Opens the model picker for `purpose`, with the figures at the current input.
  mutating func openPicker(_ purpose: ModelPicker.Purpose) {
    var picker = ModelPicker(purpose: purpose, entries: ModelLoader.catalog(input: input), current: model.name)
    picker.keepVisible(rows: ExplorerLayout(size: size).pickerVisibleRows)
    overlay = .picker(picker)
  }

  /// Keys while the picker is open: typing filters, ↑↓ choose, Enter takes, Esc closes.
  mutating func handlePickerKey(_ key: Key, picker: ModelPicker) {
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
      take(picker)
      return
    case nil:
      // Typed text: a character the picker does not bind goes to the filter.
      guard case .character(let c) = key else { break }
      picker.setFilter(picker.filter + String(c), visibleRows: rows)
    case .collapse, .expand, .toggle, .switchFocus, .search, .nextMatch, .previousMatch, .modelPicker, .compare,
      .inputSize, .compareAdd, .compareRemove, .step, .runToSelected, .runToEnd, .reset, .activationView,
      .attentionView, .nextTheme, .help:
      break  // not bound in the picker
    }
    if case .picker = overlay { overlay = .picker(picker) }
  }

  /// Enter in the picker: opens the chosen model, or adds it to the compare view.
  private mutating func take(_ picker: ModelPicker) {
    guard let chosen = picker.selected else {
      notice = Notice(text: "no model matches \"\(picker.filter)\": Backspace edits the filter", isWarning: true)
      return
    }
    let entry = picker.entries[chosen]
    switch picker.purpose {
    case .open:
      overlay = nil
      openModel(named: entry.name)
    case .addToCompare:
      overlay = nil
      addToCompare(entry.name)
    }
  }

  /// Opens zoo model `name` at the current input; when it cannot take a chosen size, at its own.
  mutating func openModel(named name: String) {
    do {
      open(try ModelLoader.load(name, input: input))
      compare = nil
      keepSelectionVisible()
      notice = Notice(text: "opened \(name)", isWarning: false)
    } catch {
      let fallback = InputChoice(batch: input.batch, size: nil)
      guard let model = try? ModelLoader.load(name, input: fallback) else {
        notice = Notice(text: "cannot open \(name): \(error)", isWarning: true)
        return
      }
      open(model)
      compare = nil
      input = fallback
      notice = Notice(
        text: "\(name) cannot take the chosen size (\(error)); opened at its own size", isWarning: true)
    }
  }

  /// Mouse in the picker: a click chooses a row (a click on the chosen row takes it), the wheel scrolls.
  mutating func handlePickerMouse(_ event: MouseEvent, picker: ModelPicker) {
    var picker = picker
    let layout = ExplorerLayout(size: size)
    let rect = layout.pickerRect
    let rows = layout.pickerVisibleRows
    let inside =
      event.x > rect.x && event.x < rect.x + rect.width - 1 && event.y > rect.y
      && event.y < rect.y + rect.height - 1
    switch event.kind {
    case .wheelUp, .wheelDown:
      guard inside else { return }
      picker.scrollList(by: event.kind == .wheelUp ? -3 : 3, visibleRows: rows)
    case .press:
      guard inside else {
        overlay = nil  // a click outside closes it, as Esc does
        return
      }
      let line = picker.scroll + event.y - layout.pickerListTop
      let all = picker.lines
      guard event.y >= layout.pickerListTop, line < all.count, case .entry(let i) = all[line] else { return }
      if picker.selected == i {
        take(picker)
        return
      }
      picker.selected = i
    }
    overlay = .picker(picker)
  }
}
