extension ExplorerState {
  /// Keys while the `i` prompt is open: typed text, Enter applies, Esc cancels.
  mutating func handleInputSizeKey(_ key: Key) {
    guard var current = prompt else { return }
    switch current.edit(by: key) {
    case .quit: shouldQuit = true
    case .cancel: prompt = nil
    case .edit(let text):
      current.text = text
      prompt = current
    case .accept:
      prompt = nil
      guard !current.text.isEmpty else { return }
      do {
        try changeInput(to: try InputChoice.parse(current.text, current: input))
      } catch {
        notice = Notice(text: "input size refused: \(error); keeping \(inputText)", isWarning: true)
      }
    case .ignore: break
    }
  }

  /// Re-analyses the open model and every compared one at `choice`, or throws (changing nothing)
  /// with the first model that cannot take it.
  package mutating func changeInput(to choice: InputChoice) throws {
    let reloaded: ExplorerModel
    do {
      reloaded = try ModelLoader.load(model.name, input: choice)
    } catch {
      throw InputRefusal(model: model.name, reason: "\(error)")
    }
    var summaries: [ModelSummary] = []
    for summary in compare?.models ?? [] {
      if summary.name == model.name {
        summaries.append(ModelSummary(reloaded))
        continue
      }
      do {
        summaries.append(ModelSummary(try ModelLoader.load(summary.name, input: choice)))
      } catch {
        throw InputRefusal(model: summary.name, reason: "\(error)")
      }
    }
    // Same model, same tree: expansion, selection and scroll positions stay valid.
    model = reloaded
    input = choice
    compare?.models = summaries
    clampDetailsScroll()
    notice = Notice(text: "input is now \(glyphs.shape(model.inputShape)): every figure recomputed", isWarning: false)
  }

  /// The open model's input shape, as messages write it.
  var inputText: String { glyphs.shape(model.inputShape) }
}
