extension ExplorerState {
  /// The one function that changes the state: the state after `action`, and the work it asks for.
  package func reduce(_ action: ExplorerAction) -> (state: ExplorerState, effects: [ExplorerEffect]) {
    var next = self
    let effects = next.apply(action)
    return (next, effects)
  }

  /// Applies `action` in place (``reduce(_:)`` on a copy): pure and quick, it never analyses, runs
  /// or draws; what takes time comes back as effects for an ``EffectRunner``.
  @discardableResult
  package mutating func apply(_ action: ExplorerAction) -> [ExplorerEffect] {
    switch action {
    case .resize(let newSize):
      size = newSize
      keepSelectionVisible()
      // Details and overlays are clamped by the `.measured` that follows, with the new width's lines.
      if case .picker(var picker) = overlay {
        picker.keepVisible(rows: ExplorerLayout(size: size).pickerVisibleRows)
        overlay = .picker(picker)
      }
      if var view = compare {
        let layout = ExplorerLayout(size: size)
        view.select(view.selected, visible: layout.compareColumns)
        view.scrollLines(by: 0, height: layout.compareHeight)
        compare = view
      }
      return []
    case .measured(let measured):
      heights = measured
      clampDetailsScroll()
      clampOverlayScroll()
      return []
    case .mouse(let event):
      notice = nil
      return handleMouse(event)
    case .key(let key):
      notice = nil
      // Each handler looks its key up in the keybinding table for its context (``keyContext``).
      if let current = prompt {
        switch current.purpose {
        case .search: handlePromptKey(key)
        case .inputSize: return handleInputSizeKey(key)
        case .export: return handleExportKey(key)
        }
      } else if let overlay {
        switch overlay {
        case .help(let scroll): handleHelpKey(key, scroll: scroll)
        case .notices(let scroll): handleNoticesKey(key, scroll: scroll)
        case .activations, .attention: return handleRunViewKey(key, overlay)
        case .picker(let picker): return handlePickerKey(key, picker: picker)
        case .variant(let editor): return handleVariantKey(key, editor: editor)
        case .lesion(let view): return handleLesionKey(key, view)
        case .reuse(let view): return handleReuseKey(key, view)
        case .classPrompt(let chooser): return handleClassPromptKey(key, chooser)
        case .gradient(let scroll): return handleGradientKey(key, scroll: scroll)
        case .wiring(let scroll): return handleWiringKey(key, scroll: scroll)
        }
      } else if let command = KeyBindings.command(for: key, in: keyContext) {
        return compare != nil ? runInCompare(command) : run(command)
      } else if size.isTooSmall {
        return []
      } else {
        notice = Notice(text: "\(Self.describe(key)) does nothing here: ? lists the keys", isWarning: false)
      }
      return []
    case .opened(let opened): showOpened(opened)
    case .openRefused(let name, let reason):
      notice = Notice(text: "cannot open \(name): \(reason)", isWarning: true)
    case .inputChanged(let change): showInputChange(change)
    case .inputRefused(let refusal):
      notice = Notice(text: "input size refused: \(refusal); keeping \(inputText)", isWarning: true)
    case .catalogue(let entries, _, let purpose): showPicker(purpose, entries: entries)
    case .compared(let summaries, let refused): return showCompare(summaries, refused: refused)
    case .addedToCompare(let summary): addToCompare(summary)
    case .compareRefused(let name, let reason):
      notice = Notice(text: "cannot add \(name): \(reason)", isWarning: true)
    case .run(let event, let generation):
      if generation == live.generation { merge(event) }
    case .runElapsed(let seconds):
      live.progress?.elapsed = seconds
    case .variantApplied(let opened): showVariant(opened)
    case .variantRefused(let reason): refuseVariant(reason)
    case .lesion(let event, let id): mergeLesion(event, id: id)
    case .reuse(let maps): overlay = .reuse(ReuseOverlay(maps: maps))
    case .reuseRefused(let reason): notice = Notice(text: reason, isWarning: true)
    case .gradient(let event, let id): mergeGradient(event, id: id)
    case .exported(let outcome): showExport(outcome)
    }
    return []
  }

  /// Runs one command from the keybinding table; returns the work it asks for.
  @discardableResult
  package mutating func run(_ command: ExplorerCommand) -> [ExplorerEffect] {
    switch command {
    case .quit: shouldQuit = true
    case .help: overlay = .help(scroll: 0)
    case .notices: overlay = .notices(scroll: 0)
    case .escape:
      if search != nil { search = nil } else { overlay = nil }
    case .switchFocus:
      focus = focus == .tree ? .details : .tree
    case .moveUp: focus == .tree ? moveSelection(by: -1) : scrollDetails(by: -1)
    case .moveDown: focus == .tree ? moveSelection(by: 1) : scrollDetails(by: 1)
    case .pageUp: focus == .tree ? moveSelection(by: -pageSize) : scrollDetails(by: -pageSize)
    case .pageDown: focus == .tree ? moveSelection(by: pageSize) : scrollDetails(by: pageSize)
    case .top: focus == .tree ? moveSelection(toRow: 0) : scrollDetails(to: 0)
    case .bottom: focus == .tree ? moveSelection(toRow: rows.count - 1) : scrollDetails(to: Int.max / 2)
    case .collapse: collapseOrGoToParent()
    case .expand: expandOrGoToChild()
    case .toggle: toggle(selected)
    case .search:
      prompt = Prompt(
        purpose: .search, text: "", savedSelection: selected, savedExpanded: expanded, savedSearch: search)
    case .nextMatch: stepMatch(forward: true)
    case .previousMatch: stepMatch(forward: false)
    case .step, .runToSelected, .runToEnd, .reset: return runForward(command)
    case .activationView: overlay = .activations(scroll: 0)
    case .attentionView: overlay = .attention(scroll: 0)
    case .modelPicker: return openPicker(.open)
    case .compare: return toggleCompare()
    case .compareAdd, .compareRemove:
      notice = Notice(text: "+ and - work in the compare view: c opens it", isWarning: false)
    case .inputSize:
      prompt = Prompt(purpose: .inputSize, savedSelection: selected)
    case .nextTheme: cycleTheme()
    case .editVariant: editVariant()
    case .baseModel: return openBase()
    case .ablation(let command): return runAblation(command)
    case .view(let command): return runView(command)
    case .accept, .deleteBackward: break  // the picker's and the prompts' keys: not bound on the main screen
    }
    return []
  }

  /// Rows a page moves: the height of the panes.
  package var pageSize: Int { max(1, ExplorerLayout(size: size).contentHeight - 1) }

  // MARK: - Tree movement

  package mutating func moveSelection(by delta: Int) {
    moveSelection(toRow: selectedRow + delta)
  }

  package mutating func moveSelection(toRow row: Int) {
    guard !rows.isEmpty else { return }
    select(rows[min(max(0, row), rows.count - 1)])
  }

  /// Opens the tree down to the node at `path` and selects it; false when no node has that path.
  @discardableResult
  package mutating func select(path: String) -> Bool {
    guard let node = model.index(ofPath: path) else { return false }
    reveal(node)
    select(node)
    return true
  }

  /// Selects `node` (which must be visible), resetting the details scroll when it changes.
  package mutating func select(_ node: Int) {
    if node != selected { detailsScroll = 0 }
    selected = node
    if let result = search { search?.current = result.matches.firstIndex(of: node) }
    keepSelectionVisible()
  }

  private mutating func collapseOrGoToParent() {
    let node = model.nodes[selected]
    if expanded[selected] && !node.children.isEmpty {
      toggle(selected)
    } else if let parent = node.parent {
      select(parent)
    }
  }

  private mutating func expandOrGoToChild() {
    let node = model.nodes[selected]
    guard let first = node.children.first else { return }
    if expanded[selected] { select(first) } else { toggle(selected) }
  }

  /// Expands or collapses `node` (nothing for a leaf).
  package mutating func toggle(_ node: Int) {
    guard !model.nodes[node].children.isEmpty else { return }
    expanded[node].toggle()
    refreshRows()
    keepSelectionVisible()
  }

  /// Scrolls the tree so the selection is on screen, and the scroll stays in range.
  package mutating func keepSelectionVisible() {
    let height = max(1, ExplorerLayout(size: size).contentHeight)
    let row = selectedRow
    if row < treeScroll { treeScroll = row }
    if row >= treeScroll + height { treeScroll = row - height + 1 }
    treeScroll = max(0, min(treeScroll, rows.count - height))
  }

  /// Scrolls the tree view by `delta` rows, dragging the selection along when it would leave the view.
  package mutating func scrollTree(by delta: Int) {
    let height = max(1, ExplorerLayout(size: size).contentHeight)
    treeScroll = max(0, min(treeScroll + delta, rows.count - height))
    let row = selectedRow
    if row < treeScroll {
      select(rows[treeScroll])
    } else if row >= treeScroll + height {
      select(rows[min(rows.count - 1, treeScroll + height - 1)])
    }
  }

  // MARK: - Details scrolling

  package mutating func scrollDetails(by delta: Int) { scrollDetails(to: detailsScroll + delta) }

  package mutating func scrollDetails(to offset: Int) {
    detailsScroll = offset
    clampDetailsScroll()
  }

  /// Keeps the details scroll within the measured lines.
  mutating func clampDetailsScroll() {
    detailsScroll = max(0, min(detailsScroll, heights.details - ExplorerLayout(size: size).contentHeight))
  }

  /// Keeps the help, activation or attention view's scroll within its measured lines.
  mutating func clampOverlayScroll() {
    switch overlay {
    case .help(let scroll): overlay = .help(scroll: clampOverlayScroll(scroll))
    case .notices(let scroll): overlay = .notices(scroll: clampOverlayScroll(scroll))
    case .activations(let scroll): overlay = .activations(scroll: clampOverlayScroll(scroll))
    case .attention(let scroll): overlay = .attention(scroll: clampOverlayScroll(scroll))
    case .gradient(let scroll): overlay = .gradient(scroll: clampOverlayScroll(scroll))
    case .wiring(let scroll): overlay = .wiring(scroll: clampOverlayScroll(scroll))
    case .picker, .variant, .lesion, .reuse, .classPrompt, nil: break
    }
  }

  /// `scroll` within the open overlay's measured lines.
  func clampOverlayScroll(_ scroll: Int) -> Int {
    max(0, min(scroll, heights.overlay - ExplorerLayout(size: size).helpVisibleRows))
  }

  // MARK: - Help overlay

  private mutating func handleHelpKey(_ key: Key, scroll: Int) {
    switch KeyBindings.command(for: key, in: .help) {
    case .quit: shouldQuit = true
    case .escape, .help: overlay = nil
    case .notices: overlay = .notices(scroll: 0)
    case .moveUp: overlay = .help(scroll: clampOverlayScroll(scroll - 1))
    case .moveDown: overlay = .help(scroll: clampOverlayScroll(scroll + 1))
    case .pageUp: overlay = .help(scroll: clampOverlayScroll(scroll - pageSize))
    case .pageDown: overlay = .help(scroll: clampOverlayScroll(scroll + pageSize))
    case .top: overlay = .help(scroll: 0)
    case .bottom: overlay = .help(scroll: clampOverlayScroll(Int.max / 2))
    case nil, .collapse, .expand, .toggle, .switchFocus, .search, .nextMatch, .previousMatch, .modelPicker, .compare,
      .inputSize, .compareAdd, .compareRemove, .step, .runToSelected, .runToEnd, .reset, .activationView,
      .attentionView, .nextTheme, .accept, .deleteBackward, .editVariant, .baseModel, .view, .ablation:
      notice = Notice(text: "help is open: Esc or ? closes it", isWarning: false)
    }
  }

  /// Keys in the notice log (`!`): scrolling as in help; `!`, Esc close it, `?` shows help instead.
  private mutating func handleNoticesKey(_ key: Key, scroll: Int) {
    switch KeyBindings.command(for: key, in: .help) {
    case .quit: shouldQuit = true
    case .escape, .notices: overlay = nil
    case .help: overlay = .help(scroll: 0)
    case .moveUp: overlay = .notices(scroll: clampOverlayScroll(scroll - 1))
    case .moveDown: overlay = .notices(scroll: clampOverlayScroll(scroll + 1))
    case .pageUp: overlay = .notices(scroll: clampOverlayScroll(scroll - pageSize))
    case .pageDown: overlay = .notices(scroll: clampOverlayScroll(scroll + pageSize))
    case .top: overlay = .notices(scroll: 0)
    case .bottom: overlay = .notices(scroll: clampOverlayScroll(Int.max / 2))
    case nil, .collapse, .expand, .toggle, .switchFocus, .search, .nextMatch, .previousMatch, .modelPicker, .compare,
      .inputSize, .compareAdd, .compareRemove, .step, .runToSelected, .runToEnd, .reset, .activationView,
      .attentionView, .nextTheme, .accept, .deleteBackward, .editVariant, .baseModel, .ablation, .view:
      notice = Notice(text: "the notices are open: Esc or ! closes them", isWarning: false)
    }
  }

  // MARK: - Mouse

  private mutating func handleMouse(_ event: MouseEvent) -> [ExplorerEffect] {
    let layout = ExplorerLayout(size: size)
    guard !size.isTooSmall, prompt == nil else { return [] }
    if case .picker(let picker) = overlay { return handlePickerMouse(event, picker: picker) }
    if overlay != nil {
      // Over the help or a run view the wheel does what ↑↓ do there (it did nothing).
      guard event.kind != .press else { return [] }
      return (0..<3).flatMap { _ in apply(.key(event.kind == .wheelUp ? .up : .down)) }
    }
    if compare != nil {
      handleCompareMouse(event)
      return []
    }
    let inTree = layout.isInTree(x: event.x, y: event.y)
    let inDetails = layout.isInDetails(x: event.x, y: event.y)
    switch event.kind {
    case .wheelUp, .wheelDown:
      let delta = event.kind == .wheelUp ? -3 : 3
      if inTree { scrollTree(by: delta) } else if inDetails { scrollDetails(by: delta) }
    case .press:
      if inDetails {
        focus = .details
      } else if inTree {
        focus = .tree
        let row = treeScroll + event.y - layout.contentTop
        guard event.y >= layout.contentTop, row < rows.count else { return [] }
        let node = rows[row]
        // A click on the expand glyph toggles; anywhere else on the row selects.
        let glyphX = layout.treeX + 1 + TreePane.indent(of: model.nodes[node])
        select(node)
        if event.x == glyphX { toggle(node) }
      }
    }
    return []
  }

  /// A key's name for notices.
  package static func describe(_ key: Key) -> String {
    switch key {
    case .character(" "): "Space"
    case .character(let c): String(c)
    case .control(let c): "Ctrl-\(c.uppercased())"
    case .up: "Up"
    case .down: "Down"
    case .left: "Left"
    case .right: "Right"
    case .pageUp: "PgUp"
    case .pageDown: "PgDn"
    case .home: "Home"
    case .end: "End"
    case .enter: "Enter"
    case .escape: "Esc"
    case .tab: "Tab"
    case .backTab: "Shift-Tab"
    case .backspace: "Backspace"
    case .delete: "Delete"
    }
  }
}
