extension ExplorerState {
  /// Handles a key while a text prompt is open: typed keys edit it, Enter keeps, Esc cancels.
  mutating func handlePromptKey(_ key: Key) {
    guard var current = prompt else { return }
    switch current.edit(by: key) {
    case .quit:
      shouldQuit = true
    case .cancel:
      expanded = current.savedExpanded
      refreshRows()
      search = current.savedSearch
      prompt = nil
      select(current.savedSelection)
    case .accept:
      prompt = nil
      if current.text.isEmpty {
        search = current.savedSearch
      } else if let result = search, !result.matches.isEmpty {
        notice = Notice(text: matchNotice(result), isWarning: false)
      } else {
        notice = Notice(text: "no node's path or kind contains \"\(current.text)\"", isWarning: true)
        // Kept, empty, so that `n` can say what found nothing.
        search = SearchResult(query: current.text, matches: [], current: nil)
      }
    case .edit(let text):
      current.text = text
      prompt = current
      searchIncrementally(current)
    case .ignore:
      break
    }
  }

  /// Runs the search as the query is typed, from where the prompt was opened.
  private mutating func searchIncrementally(_ current: Prompt) {
    expanded = current.savedExpanded
    refreshRows()
    guard !current.text.isEmpty else {
      search = nil
      select(current.savedSelection)
      return
    }
    let matches = Self.matches(of: current.text, in: model)
    search = SearchResult(query: current.text, matches: matches, current: nil)
    guard !matches.isEmpty else {
      select(current.savedSelection)
      return
    }
    // The tree opens to every match, however deep, not only to the one selected; a match inside another
    // stays under it (`layer2.0` does not open the block for its own children).
    let matched = Set(matches)
    revealAll(matches.filter { !model.ancestors(of: $0).contains(where: matched.contains) })
    let first = matches.firstIndex { $0 >= current.savedSelection } ?? 0
    jump(toMatch: first)
  }

  /// The nodes (pre-order) matching `query`: paths (and the root's name) containing it, ignoring
  /// case; kinds equal to it ignoring case, or containing it exactly when it has a capital letter —
  /// so `conv2` finds `layer1.0.conv2` and not every `Conv2d`, while `Conv` finds the convolutions.
  package static func matches(of query: String, in model: ExplorerModel) -> [Int] {
    let needle = query.lowercased()
    let caseSensitiveKinds = query != needle
    return model.nodes.indices.filter { i in
      let node = model.nodes[i]
      if node.path.lowercased().contains(needle) || (i == 0 && node.name.lowercased().contains(needle)) {
        return true
      }
      return node.kind.lowercased() == needle || (caseSensitiveKinds && node.kind.contains(query))
    }
  }

  /// `n` / `N`: the next or previous match after the selection, wrapping around.
  mutating func stepMatch(forward: Bool) {
    guard let result = search else {
      notice = Notice(text: "no search yet: / starts one", isWarning: true)
      return
    }
    guard !result.matches.isEmpty else {
      notice = Notice(text: "no match for \"\(result.query)\": / starts another search", isWarning: true)
      return
    }
    let target: Int
    if forward {
      target = result.matches.firstIndex { $0 > selected } ?? 0
    } else {
      target = result.matches.lastIndex { $0 < selected } ?? result.matches.count - 1
    }
    jump(toMatch: target)
    if let updated = search { notice = Notice(text: matchNotice(updated), isWarning: false) }
  }

  /// Expands the tree down to match number `position`, selects it and scrolls to it.
  private mutating func jump(toMatch position: Int) {
    guard let result = search else { return }
    let node = result.matches[position]
    reveal(node)
    focus = .tree
    select(node)
    search?.current = position
  }

  private func matchNotice(_ result: SearchResult) -> String {
    let position = result.current.map { "\($0 + 1)" } ?? "-"
    return "match \(position) of \(result.matches.count) for \"\(result.query)\" (n next, N previous)"
  }
}
