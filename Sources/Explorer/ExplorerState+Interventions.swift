import Runtime

/// The intervention keys (`d` `D` `P`), the lesion view (`L`) and the reuse view (`u`), as pure state
/// changes: a change of interventions keeps the steps before the first one it affects and asks the run
/// controller to resume there; the lesion study and the reuse matrices come back as actions.
extension ExplorerState {
  /// Handles `d`, `D`, `P`, `L` and `u` on the main screen.
  mutating func runAblation(_ command: AblationCommand) -> [ExplorerEffect] {
    switch command {
    case .cycle: return cycleIntervention()
    case .clear:
      guard !live.interventions.isEmpty else {
        notice = Notice(text: "no intervention to clear: d sets one on the selected node", isWarning: false)
        return []
      }
      let first = live.interventions.compactMap { firstStep(of: $0) }.min()
      let count = live.interventions.count
      live.interventions = []
      notice = Notice(text: "\(Self.count(count, "intervention")) cleared" + rerunHint(first), isWarning: false)
      return reconfigure(from: first)
    case .plain:
      live.plain.toggle()
      guard let first = live.plainFirstStep else {
        notice = Notice(
          text: "plain mode \(live.plain ? "on" : "off"): \(model.name) has no shortcuts", isWarning: false)
        return reconfigure(from: nil)
      }
      notice = Notice(
        text: "plain mode \(live.plain ? "on: every shortcut off" : "off: shortcuts back")" + rerunHint(first),
        isWarning: false)
      return reconfigure(from: first)
    case .lesionView:
      live.lesionSerial += 1
      let id = LesionID(generation: live.generation, serial: live.lesionSerial)
      let base = live.interventions.map(\.description) + (live.plain ? ["plain"] : [])
      overlay = .lesion(LesionOverlay(id: id, base: base.isEmpty ? "none" : base.joined(separator: ", ")))
      return [.startLesion(id, base: live.interventions, plain: live.plain)]
    case .reuseView:
      return [.reuse]
    case .gradient:
      return askForGradientClass()
    }
  }

  /// `d`: the selected node's next intervention in its cycle; after the last, none.
  private mutating func cycleIntervention() -> [ExplorerEffect] {
    let node = selectedNode
    guard let cycle = live.interventionChoices[node.path], let first = cycle.first else {
      let name = node.path.isEmpty ? model.name : node.path
      notice = Notice(
        text: "\(name) (\(node.kind)) takes no intervention: residual blocks, SE / SK / split-attention nodes "
          + "and dense layers do",
        isWarning: false)
      return []
    }
    let index = live.interventions.firstIndex { $0.path == node.path }
    let next: Intervention.Kind?
    if let index, let k = cycle.firstIndex(of: live.interventions[index].kind) {
      next = k + 1 < cycle.count ? cycle[k + 1] : nil
    } else {
      next = first
    }
    if let index { live.interventions.remove(at: index) }
    if let next { live.interventions.append(Intervention(path: node.path, kind: next)) }
    let step = stepIndex(forNode: selected)
    let what = next.map { "\(node.path): \($0.summary)" } ?? "\(node.path): no intervention"
    notice = Notice(
      text: what + " \(glyphs.separator) \(Self.count(live.interventions.count, "intervention"))" + rerunHint(step),
      isWarning: false)
    return reconfigure(from: step)
  }

  /// The step an intervention changes first.
  private func firstStep(of intervention: Intervention) -> Int? {
    model.index(ofPath: intervention.path).flatMap { stepIndex(forNode: $0) }
  }

  /// ` · r reruns from step 12` (or nothing when no step has run past it).
  private func rerunHint(_ step: Int?) -> String {
    guard let step, step < live.completed.count || live.isRunning else { return "" }
    return " \(glyphs.separator) r reruns from step \(step + 1)"
  }

  /// `1 intervention`, `2 interventions`.
  static func count(_ n: Int, _ noun: String) -> String { n == 1 ? "1 \(noun)" : "\(n) \(noun)s" }

  /// The interventions changed from step `first` on (nil: no step changes): the steps before it stay, later
  /// results go, a run in progress stops, and the controller is told to resume there.
  private mutating func reconfigure(from first: Int?) -> [ExplorerEffect] {
    let keep = min(first ?? live.stepNames.count, live.completed.count)
    live.generation += 1
    live.progress = nil
    live.failure = nil
    if keep < live.completed.count {
      live.completed.removeLast(live.completed.count - keep)
      live.nodes = live.completed.reduce(into: [:]) { $0.merge($1.nodes) { _, new in new } }
      let kept = Set(live.completed.map(\.name))
      live.attention = live.attention.filter { kept.contains($0.step) }
    }
    if keep < live.stepNames.count {
      live.top = []
      live.comparison = nil
    }
    return [.run(.configure(live.interventions, plain: live.plain, keep: keep), generation: live.generation)]
  }

  // MARK: - Lesion view

  /// Keys in the lesion view: choose a row, select its block in the tree, close (which stops the study).
  mutating func handleLesionKey(_ key: Key, _ view: LesionOverlay) -> [ExplorerEffect] {
    var view = view
    let rows = view.result?.rows.count ?? 0
    switch KeyBindings.command(for: key, in: .lesion) {
    case .quit: shouldQuit = true
    case .escape, .ablation(.lesionView):
      overlay = nil
      return view.result == nil && view.failure == nil ? [.cancelLesion] : []
    case .moveUp: view.selected -= 1
    case .moveDown: view.selected += 1
    case .pageUp: view.selected -= pageSize
    case .pageDown: view.selected += pageSize
    case .top: view.selected = 0
    case .bottom: view.selected = rows - 1
    case .view(let command): return runView(command)
    case .accept:
      guard let result = view.result, result.byKL.indices.contains(view.selected) else { return [] }
      let path = result.rows[result.byKL[view.selected]].path
      overlay = nil
      select(path: path)
      notice = Notice(text: "selected \(path)", isWarning: false)
      return []
    case nil, .collapse, .expand, .toggle, .switchFocus, .search, .nextMatch, .previousMatch, .modelPicker, .compare,
      .inputSize, .compareAdd, .compareRemove, .step, .runToSelected, .runToEnd, .reset, .activationView,
      .attentionView, .nextTheme, .help, .deleteBackward, .ablation, .editVariant, .baseModel, .notices:
      notice = Notice(text: "\(Self.describe(key)) does nothing here: Esc closes the view", isWarning: false)
      return []
    }
    view.selected = max(0, min(view.selected, rows - 1))
    overlay = .lesion(view)
    return []
  }

  /// A lesion study's report, when it is the open view's.
  mutating func mergeLesion(_ event: LesionEvent, id: LesionID) {
    guard case .lesion(var view) = overlay, view.id == id else { return }
    switch event {
    case .started(let family, let total):
      view.family = family
      view.total = total
    case .progress(let done, let total):
      view.done = done
      view.total = total
    case .finished(let result):
      view.result = result
      view.done = result.rows.count
      view.selected = 0
    case .failed(let reason): view.failure = reason
    }
    overlay = .lesion(view)
  }

  // MARK: - Reuse view

  /// Keys in the reuse view: move the cursor over the maps, the next block, close.
  mutating func handleReuseKey(_ key: Key, _ view: ReuseOverlay) -> [ExplorerEffect] {
    var view = view
    switch KeyBindings.command(for: key, in: .reuse) {
    case .quit: shouldQuit = true
    case .escape, .ablation(.reuseView):
      overlay = nil
      return []
    case .moveUp: view.move(rows: -1, columns: 0)
    case .moveDown: view.move(rows: 1, columns: 0)
    case .collapse: view.move(rows: 0, columns: -1)
    case .expand: view.move(rows: 0, columns: 1)
    case .switchFocus: view.nextBlock()
    case nil, .toggle, .top, .bottom, .pageUp, .pageDown, .search, .nextMatch, .previousMatch, .modelPicker,
      .compare, .inputSize, .compareAdd, .compareRemove, .step, .runToSelected, .runToEnd, .reset, .activationView,
      .attentionView, .nextTheme, .help, .accept, .deleteBackward, .ablation, .editVariant, .baseModel, .notices,
      .view:
      notice = Notice(text: "\(Self.describe(key)) does nothing here: Esc closes the view", isWarning: false)
      return []
    }
    overlay = .reuse(view)
    return []
  }
}
