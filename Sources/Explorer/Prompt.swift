/// A text prompt that takes typed keys until Enter or Esc.
package struct Prompt: Equatable, Sendable {
  /// What the prompt is for.
  package enum Purpose: Equatable, Sendable {
    case search
    /// `i`: a new input size (and batch).
    case inputSize
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
