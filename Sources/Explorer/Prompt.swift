/// A text prompt that takes typed keys until Enter or Esc.
package struct Prompt: Equatable, Sendable {
  /// What the prompt is for.
  package enum Purpose: Equatable, Sendable {
    case search
    /// `i`: a new input size (and batch).
    case inputSize
    /// `w`: the file the current view is written to.
    case export
  }

  package var purpose: Purpose
  package var text: String
  /// What Esc restores.
  package var savedSelection: Int
  package var savedExpanded: [Bool]
  package var savedSearch: SearchResult?

  package init(
    purpose: Purpose, text: String = "", savedSelection: Int, savedExpanded: [Bool] = [],
    savedSearch: SearchResult? = nil
  ) {
    self.purpose = purpose
    self.text = text
    self.savedSelection = savedSelection
    self.savedExpanded = savedExpanded
    self.savedSearch = savedSearch
  }
}

/// The last search: its query and the nodes (pre-order indices) whose path or kind contain it.
package struct SearchResult: Equatable, Sendable {
  package var query: String
  package var matches: [Int]
  /// The position in `matches` of the current match, if the selection is on one.
  package var current: Int?
}

/// What a key does to a text prompt, as the keybinding table binds it in the prompt's context.
package enum PromptEdit: Equatable, Sendable {
  case quit, cancel, accept
  /// The prompt's new text (a character typed, or the last one deleted).
  case edit(String)
  /// Nothing: an unbound key that is not a character, or Backspace on an empty prompt.
  case ignore
}

extension Prompt {
  /// What `key` does to this prompt: its context's bindings, else typed text.
  package func edit(by key: Key) -> PromptEdit {
    switch KeyBindings.command(for: key, in: keyContext) {
    case .quit: return .quit
    case .escape: return .cancel
    case .accept: return .accept
    case .deleteBackward: return text.isEmpty ? .ignore : .edit(String(text.dropLast()))
    case nil:
      // Typed text: a character the prompt does not bind goes to it.
      guard case .character(let c) = key else { return .ignore }
      return .edit(text + String(c))
    case .moveUp, .moveDown, .collapse, .expand, .toggle, .top, .bottom, .pageUp, .pageDown, .switchFocus, .search,
      .nextMatch, .previousMatch, .modelPicker, .compare, .inputSize, .compareAdd, .compareRemove, .step,
      .runToSelected, .runToEnd, .reset, .activationView, .attentionView, .nextTheme, .help, .editVariant, .baseModel,
      .ablation, .notices, .view:
      return .ignore  // not bound in a text prompt
    }
  }
}
