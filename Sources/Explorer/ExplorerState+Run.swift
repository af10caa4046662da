import Analysis

/// The forward-pass keys (`s` `.` `r` `x`) and the two run views (`v` `a`), as pure state changes:
/// a key returns a ``RunRequest`` effect that ``RunController`` carries out, and its reports come
/// back as ``ExplorerAction/run(_:generation:)``.
extension ExplorerState {
  /// Handles `s`, `.`, `r` and `x`.
  package mutating func runForward(_ command: ExplorerCommand) -> [ExplorerEffect] {
    // x stops a backward pass first (the forward's results stay).
    if command == .reset, live.backward != nil { return cancelBackward() }
    if command == .reset {
      let hadAnything = live.isRunning || !live.completed.isEmpty
      live.generation += 1
      live.clearResults()
      live.progress = nil
      notice = Notice(text: hadAnything ? "run reset: back to the input" : "nothing has run yet", isWarning: false)
      return [.run(.reset, generation: live.generation)]
    }
    let steps = live.stepNames.count
    guard steps > 0 else { return [] }
    // While a run goes on, s . r extend it (the worker takes the requests in order).
    let next = live.progress.map { $0.target + 1 } ?? live.completed.count
    let target: Int
    switch command {
    case .step: target = next
    case .runToEnd: target = steps - 1
    case .runToSelected, .reset, .moveUp, .moveDown, .collapse, .expand, .toggle, .top, .bottom, .pageUp, .pageDown,
      .switchFocus, .search, .nextMatch, .previousMatch, .modelPicker, .compare, .inputSize, .compareAdd,
      .compareRemove, .activationView, .attentionView, .nextTheme, .help, .escape, .quit, .accept, .deleteBackward,
      .editVariant, .baseModel, .ablation, .notices, .view:
      guard let index = stepIndex(forNode: selected) else {
        notice = Notice(text: "\(selectedNode.path) is not part of a forward step", isWarning: false)
        return []
      }
      target = index
    }
    guard next < steps else {
      let text =
        live.isRunning ? "the run already goes to the end: x cancels it" : "the forward pass is complete: x resets it"
      notice = Notice(text: text, isWarning: false)
      return []
    }
    guard target >= next else {
      if let progress = live.progress, target >= live.completed.count {
        notice = Notice(
          text: "step \(progress.current + 1)/\(steps) is running: x cancels, keys keep working", isWarning: false)
      } else {
        notice = Notice(text: "\(live.stepNames[target]) has already run", isWarning: false)
      }
      return []
    }
    guard fitsInMemory(model.runMemoryEstimate, "a forward pass") else { return [] }
    live.failure = nil
    if live.progress != nil {
      live.progress?.target = target
    } else {
      live.progress = RunProgress(target: target, current: next)
    }
    return [.run(.through(target), generation: live.generation)]
  }

  /// Merges what the worker reports about the current run.
  mutating func merge(_ event: RunEvent) {
    switch event {
    case .prepared(let seconds, let what):
      live.preparation = Preparation(seconds: seconds, what: what)
    case .started(let step):
      live.progress?.current = step
    case .finished(let digest):
      guard digest.index == live.completed.count else { return }
      live.completed.append(digest)
      live.nodes.merge(digest.nodes) { _, new in new }
      live.attention += digest.attention
    case .top(let top):
      live.top = top
    case .compared(let comparison):
      live.comparison = comparison
    case .ended(let nextStep, let failure):
      // Another request extended the run: its work item follows, so the run goes on.
      if failure == nil, let progress = live.progress, progress.target >= nextStep, nextStep < live.stepNames.count {
        return
      }
      live.progress = nil
      live.failure = failure
      if live.completed.count > nextStep { live.completed.removeLast(live.completed.count - nextStep) }
      if let failure { notice = Notice(text: failure, isWarning: true) }
    }
  }

  /// Whether `pass` (`a forward pass`) needing `needed` bytes fits the memory budget; if not, a notice says so.
  mutating func fitsInMemory(_ needed: Int, _ pass: String) -> Bool {
    guard needed > live.memoryBudget else { return true }
    notice = Notice(
      text: "\(pass) at \(inputText) needs about \(Self.gigabytes(needed)) of memory, more than the "
        + "\(Self.gigabytes(live.memoryBudget)) it may use: i picks a smaller input",
      isWarning: true)
    return false
  }

  /// `bytes` in gigabytes with one decimal, for notices.
  static func gigabytes(_ bytes: Int) -> String {
    NumberFormat.fixed(Double(bytes) / 1e9, 1) + " GB"
  }

  /// The step a node belongs to: its own or an ancestor's; for a container of blocks, its last block.
  package func stepIndex(forNode node: Int) -> Int? {
    if node == 0 { return live.stepNames.count - 1 }
    for candidate in [node] + model.ancestors(of: node) {
      if let step = model.nodes[candidate].step, let index = live.stepIndex(named: step) { return index }
    }
    var last: Int?
    for inner in node..<subtreeEnd[node] {
      if let step = model.nodes[inner].step, let index = live.stepIndex(named: step) {
        last = max(last ?? index, index)
      }
    }
    return last
  }

  /// The node that stands for step `index` in the tree: the block, or the first module of the stem or head.
  package func node(forStep index: Int) -> Int? {
    guard index >= 0, index < live.stepNames.count else { return nil }
    let name = live.stepNames[index]
    return model.index(ofPath: name) ?? model.nodes.firstIndex { $0.step == name }
  }

  /// The selected node's digest, once its step has run.
  package var selectedDigest: NodeDigest? { live.nodes[selectedNode.path] }

  // MARK: - Run views

  /// Keys while the activation or attention view is open: scrolling, the run keys, close, quit; ←→ move
  /// the attention view's channel cursor.
  mutating func handleRunViewKey(_ key: Key, _ view: Overlay) -> [ExplorerEffect] {
    let context = view.keyContext
    guard let command = KeyBindings.command(for: key, in: context) else {
      nothingHere(key)
      return []
    }
    switch command {
    case .quit: shouldQuit = true
    case .escape: overlay = nil
    case .activationView: overlay = context == .activations ? nil : .activations(scroll: 0)
    case .attentionView: overlay = context == .attention ? nil : .attention(scroll: 0)
    case .help: overlay = .help(scroll: 0)
    case .notices: overlay = .notices(scroll: 0)
    case .step, .runToSelected, .runToEnd, .reset: return runForward(command)
    case .moveUp, .moveDown:
      // In the activation view ↑↓ move the highlighted step (and the tree's selection with it).
      let delta = command == .moveUp ? -1 : 1
      if context == .activations { moveStep(by: delta) } else { scrollView(view, by: delta) }
    case .pageUp: scrollView(view, by: -pageSize)
    case .pageDown: scrollView(view, by: pageSize)
    case .top: scrollView(view, by: -Int.max / 2)
    case .bottom: scrollView(view, by: Int.max / 2)
    case .view(let command): return runView(command)
    case .collapse, .expand:
      // ←→ move the attention view's channel cursor (up to the widest block's last channel).
      guard context == .attention else {
        nothingHere(key)
        return []
      }
      let widest = live.attention.map(\.channels).max() ?? 1
      attentionChannel = min(max(0, attentionChannel + (command == .collapse ? -1 : 1)), max(0, widest - 1))
    case .toggle, .switchFocus, .search, .nextMatch, .previousMatch, .modelPicker, .compare,
      .inputSize, .compareAdd, .compareRemove, .nextTheme, .accept, .deleteBackward, .editVariant, .baseModel,
      .ablation:
      nothingHere(key)  // not bound in the run views
    }
    return []
  }

  /// The answer to a key the run views do not bind.
  private mutating func nothingHere(_ key: Key) {
    notice = Notice(text: "\(Self.describe(key)) does nothing here: Esc closes the view", isWarning: false)
  }

  /// Selects the step `delta` steps from the selected node's.
  package mutating func moveStep(by delta: Int) {
    let current = stepIndex(forNode: selected) ?? 0
    let target = min(max(0, current + delta), live.stepNames.count - 1)
    if let node = node(forStep: target) {
      reveal(node)
      select(node)
    }
  }

  /// Scrolls the activation or attention view within its measured lines.
  private mutating func scrollView(_ view: Overlay, by delta: Int) {
    switch view {
    case .activations(let scroll): overlay = .activations(scroll: clampOverlayScroll(scroll + delta))
    case .attention(let scroll): overlay = .attention(scroll: clampOverlayScroll(scroll + delta))
    case .help, .picker, .variant, .lesion, .reuse, .classPrompt, .gradient, .notices, .wiring: break
    }
  }
}

extension ExplorerModel {
  /// A generous bound on the memory a forward pass needs: four times the largest output (a step's
  /// input, output and the convolution's unfolded patches live together).
  package var runMemoryEstimate: Int {
    4 * (nodes.map { 4 * $0.outputShape.reduce(1, *) }.max() ?? 0)
  }

  /// The forward steps in tree order, as the nodes' ``ExplorerNode/step`` names them (the controller
  /// replaces them with the network's own list).
  package var stepNames: [String] {
    var seen = Set<String>()
    var names: [String] = []
    for node in nodes {
      if let step = node.step, seen.insert(step).inserted { names.append(step) }
    }
    return names
  }
}
