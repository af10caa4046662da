import Formats

/// The backward pass (`b`) as pure state changes: the class prompt, the request to the worker, the gradient
/// view's keys, and the worker's report merged into ``LiveRun/gradient``.
extension ExplorerState {
  /// `b`: the class prompt (Enter alone: sample 0's top-1), unless the model has no classifier or the pass
  /// would not fit in memory.
  mutating func askForGradientClass() -> [ExplorerEffect] {
    guard let output = model.nodes.first?.outputShape, output.count == 2, output[1] > 0 else {
      notice = Notice(text: "\(model.name) ends in no N×classes logits: nothing to backpropagate", isWarning: false)
      return []
    }
    guard fitsInMemory(model.backwardMemoryEstimate, "a backward pass") else { return [] }
    overlay = .classPrompt(ClassChooser(classCount: output[1], top: live.top.first))
    return []
  }

  /// Keys in the class prompt: typing filters, ↑↓ choose, Enter runs the backward, Esc cancels.
  mutating func handleClassPromptKey(_ key: Key, _ chooser: ClassChooser) -> [ExplorerEffect] {
    var chooser = chooser
    switch KeyBindings.command(for: key, in: .classPrompt) {
    case .quit:
      shouldQuit = true
      return []
    case .escape:
      overlay = nil
      notice = Notice(text: "no backward pass: the class prompt was cancelled", isWarning: false)
      return []
    case .accept:
      guard let entry = chooser.chosen else {
        notice = Notice(text: "no class matches \"\(chooser.text)\": Backspace edits, Esc cancels", isWarning: false)
        return []
      }
      return startBackward(class: entry.index)
    case .moveUp: chooser.move(by: -1)
    case .moveDown: chooser.move(by: 1)
    case .pageUp: chooser.move(by: -ClassPromptOverlay.visibleRows(ExplorerLayout(size: size)))
    case .pageDown: chooser.move(by: ClassPromptOverlay.visibleRows(ExplorerLayout(size: size)))
    case .deleteBackward: chooser.setText(String(chooser.text.dropLast()))
    case nil:
      // Typed text: a character the prompt does not bind goes to the filter.
      guard case .character(let c) = key else { return [] }
      chooser.setText(chooser.text + String(c))
    case .collapse, .expand, .toggle, .top, .bottom, .switchFocus, .search, .nextMatch, .previousMatch,
      .modelPicker, .compare, .inputSize, .compareAdd, .compareRemove, .step, .runToSelected, .runToEnd, .reset,
      .activationView, .attentionView, .nextTheme, .help, .editVariant, .baseModel, .ablation, .notices, .view:
      return []  // not bound in the class prompt
    }
    overlay = .classPrompt(chooser)
    return []
  }

  /// Asks the worker for a backward pass of L = Σₙ logit[n, `index`] (nil: sample 0's top-1) with the
  /// interventions on now, and opens the gradient view.
  private mutating func startBackward(class index: Int?) -> [ExplorerEffect] {
    live.gradientSerial += 1
    let id = GradientID(generation: live.generation, serial: live.gradientSerial)
    let classes = model.nodes.first?.outputShape.last ?? 0
    let objective = index.map { "class \($0) \(ClassNames.name(of: $0, classCount: classes))" } ?? "top-1 class"
    live.backward = BackwardProgress(id: id, objective: objective)
    overlay = .gradient(scroll: 0)
    return [.startGradient(id, target: index, interventions: live.interventions, plain: live.plain)]
  }

  /// `x` while a backward pass runs: it stops; the view and details keep the last finished pass.
  mutating func cancelBackward() -> [ExplorerEffect] {
    guard let running = live.backward else {
      notice = Notice(text: "no backward pass is running: b starts one", isWarning: false)
      return []
    }
    live.backward = nil
    let kept = live.gradient == nil ? "" : ": the last finished pass stays"
    notice = Notice(text: "backward pass for \(running.objective) cancelled" + kept, isWarning: false)
    return [.cancelGradient]
  }

  /// Keys in the gradient view: ↑↓ move the highlighted step (and the tree's selection), scrolling, `b` another
  /// class, `x` cancels a pass in progress, Esc closes.
  mutating func handleGradientKey(_ key: Key, scroll: Int) -> [ExplorerEffect] {
    switch KeyBindings.command(for: key, in: .gradient) {
    case .quit: shouldQuit = true
    case .escape: overlay = nil
    case .help: overlay = .help(scroll: 0)
    case .ablation(.gradient): return askForGradientClass()
    case .view(let command): return runView(command)
    case .reset: return cancelBackward()
    case .moveUp: moveStep(by: -1)
    case .moveDown: moveStep(by: 1)
    case .pageUp: overlay = .gradient(scroll: clampOverlayScroll(scroll - pageSize))
    case .pageDown: overlay = .gradient(scroll: clampOverlayScroll(scroll + pageSize))
    case .top: overlay = .gradient(scroll: 0)
    case .bottom: overlay = .gradient(scroll: clampOverlayScroll(Int.max / 2))
    case nil, .collapse, .expand, .toggle, .switchFocus, .search, .nextMatch, .previousMatch, .modelPicker, .compare,
      .inputSize, .compareAdd, .compareRemove, .step, .runToSelected, .runToEnd, .activationView, .attentionView,
      .nextTheme, .accept, .deleteBackward, .editVariant, .baseModel, .ablation, .notices:
      notice = Notice(text: "\(Self.describe(key)) does nothing here: Esc closes the view", isWarning: false)
    }
    return []
  }

  /// The worker's report, when it is the pass asked for last.
  mutating func mergeGradient(_ event: GradientEvent, id: GradientID) {
    guard live.backward?.id == id else { return }
    live.backward = nil
    switch event {
    case .finished(let digest):
      live.gradient = digest
      if case .gradient = overlay { return }
      notice = Notice(
        text: "backward pass done (class \(digest.target) \(digest.className)): b opens the gradient view again",
        isWarning: false)
    case .failed(let reason):
      notice = Notice(text: reason, isWarning: true)
    }
  }
}

extension ExplorerModel {
  /// A generous bound on the memory of a forward and backward pass: the taped forward keeps about every
  /// node's output, and the backward one gradient per live tensor beside it.
  package var backwardMemoryEstimate: Int {
    3 * nodes.reduce(0) { $0 + 4 * $1.outputShape.reduce(1, *) } + runMemoryEstimate
  }
}
