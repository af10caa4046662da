extension ExplorerState {
  /// Keys while the `i` prompt is open: typed text, Enter applies, Esc cancels.
  mutating func handleInputSizeKey(_ key: Key) -> [ExplorerEffect] {
    editPrompt(key) { state, text in
      guard !text.isEmpty else { return [] }
      do {
        return state.changeInput(to: try InputChoice.parse(text, current: state.input))
      } catch {
        state.notice = Notice(text: "input size refused: \(error); keeping \(state.inputText)", isWarning: true)
      }
      return []
    }
  }

  /// A text prompt's keys: typed text edits it, Esc cancels, Enter closes it and hands its text to `accept`.
  mutating func editPrompt(
    _ key: Key, accept: (inout ExplorerState, String) -> [ExplorerEffect]
  ) -> [ExplorerEffect] {
    guard var current = prompt else { return [] }
    switch current.edit(by: key) {
    case .quit: shouldQuit = true
    case .cancel: prompt = nil
    case .edit(let text):
      current.text = text
      prompt = current
    case .accept:
      prompt = nil
      return accept(&self, current.text)
    case .ignore: break
    }
    return []
  }

  /// Asks for the open model and every compared one at `choice`; the result comes back as
  /// ``ExplorerAction/inputChanged(_:)``, or ``ExplorerAction/inputRefused(_:)`` with the first
  /// model that cannot take it (then nothing changes).
  package mutating func changeInput(to choice: InputChoice) -> [ExplorerEffect] {
    guard let spec = model.spec else {
      notice = Notice(
        text: "input size refused: \(model.name) is not a zoo model; keeping \(inputText)", isWarning: true)
      return []
    }
    return [
      .changeInput(
        choice, open: spec, compared: compare?.models.compactMap(\.spec) ?? [], generation: live.generation + 1)
    ]
  }

  /// Shows the open model and the compared ones re-analysed at a new input, with a fresh run.
  mutating func showInputChange(_ change: InputChange) {
    // Same model, same tree: expansion, selection and scroll positions stay valid.
    let colour = live.terminalHasColour, hadFile = live.inputIsReal
    live = change.live
    live.terminalHasColour = colour
    model = change.model
    input = change.input
    compare?.models = change.compared
    let shape = glyphs.shape(model.inputShape)
    // An --input array fixes its shape: say at once when it stops (or starts again) being used.
    if hadFile && !live.inputIsReal {
      notice = Notice(
        text: "input is now \(shape): the --input file no longer fits, so the synthetic input is used "
          + "(every figure recomputed)", isWarning: true)
    } else if !hadFile && live.inputIsReal {
      notice = Notice(text: "input is now \(shape): the --input file fits again and is used", isWarning: false)
    } else {
      notice = Notice(text: "input is now \(shape): every figure recomputed", isWarning: false)
    }
  }

  /// The open model's input shape, as messages write it.
  var inputText: String { glyphs.shape(model.inputShape) }
}
