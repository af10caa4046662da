extension ExplorerState {
  /// Keys while the `i` prompt is open: typed text, Enter applies, Esc cancels.
  mutating func handleInputSizeKey(_ key: Key) {
    guard var current = prompt else { return }
    switch key {
    case .control("c"): shouldQuit = true
    case .escape: prompt = nil
    case .backspace, .delete:
      guard !current.text.isEmpty else { return }
      current.text.removeLast()
      prompt = current
    case .character(let c):
      current.text.append(c)
      prompt = current
    case .enter:
      prompt = nil
      guard !current.text.isEmpty else { return }
      do {
        try changeInput(to: try InputChoice.parse(current.text, current: input))
      } catch {
        notice = Notice(text: "input size refused: \(error); keeping \(shapeText(input))", isWarning: true)
      }
    default: break
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

  /// The open model's input shape, for messages (the choice in force is always the open model's).
  func shapeText(_ choice: InputChoice) -> String { glyphs.shape(model.inputShape) }

  /// `t`: the next theme in alphabetical order; a theme with malformed lines says so.
  mutating func cycleTheme() {
    guard themes.count > 1 else {
      notice = Notice(text: "only the \(themeName) theme is installed: add NAME.theme files to themes/", isWarning: false)
      return
    }
    let sorted = themes.map(\.name).sorted()
    let position = ((sorted.firstIndex(of: themeName) ?? -1) + 1) % sorted.count
    themeName = sorted[position]
    if let warning = theme.warnings.first {
      let more = theme.warnings.count > 1 ? " (+\(theme.warnings.count - 1) more)" : ""
      notice = Notice(text: warning + more, isWarning: true)
    } else {
      notice = Notice(text: "theme \(themeName) (\(position + 1) of \(sorted.count))", isWarning: false)
    }
  }
}

/// A model that cannot take an input size, as the one line the status bar shows.
package struct InputRefusal: Error, Equatable, CustomStringConvertible {
  package var model: String
  package var reason: String
  package var description: String { "\(model): \(reason)" }
}
