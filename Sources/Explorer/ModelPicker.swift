/// The model picker (`m`, and `+` in the compare view): the zoo grouped by family, filtered as
/// the user types.
package struct ModelPicker: Equatable, Sendable {
  /// What Enter does with the chosen model.
  package enum Purpose: Equatable, Sendable {
    /// Opens it in the tree.
    case open
    /// Adds it to the compare view.
    case addToCompare
  }

  /// One line of the list: a family heading or a model (an index into ``entries``).
  package enum Line: Equatable, Sendable {
    case family(String)
    case entry(Int)
  }

  package var purpose: Purpose
  /// Every zoo model with its figures at the current input.
  package var entries: [CatalogEntry]
  package var filter = ""
  /// The chosen model's index in ``entries``, nil when the filter matches nothing.
  package var selected: Int?
  /// The first list line shown.
  package var scroll = 0

  /// A picker over `entries` with `current` (the open model) chosen.
  package init(purpose: Purpose, entries: [CatalogEntry], current: String) {
    self.purpose = purpose
    self.entries = entries
    selected = entries.firstIndex { $0.name == current } ?? (entries.isEmpty ? nil : 0)
  }

  /// Entries whose name or family contains the filter (ignoring case), in list order.
  package var matching: [Int] {
    let needle = filter.lowercased()
    return entries.indices.filter {
      needle.isEmpty || entries[$0].name.lowercased().contains(needle)
        || entries[$0].family.lowercased().contains(needle)
    }
  }

  /// The list: each family with a match, its heading then its matching models.
  package var lines: [Line] {
    var out: [Line] = []
    var family: String?
    for i in matching {
      if entries[i].family != family {
        family = entries[i].family
        out.append(.family(entries[i].family))
      }
      out.append(.entry(i))
    }
    return out
  }

  /// Applies a new filter: the choice stays when it still matches, else moves to the first match.
  package mutating func setFilter(_ text: String, visibleRows: Int) {
    filter = text
    let now = matching
    if selected.map({ !now.contains($0) }) ?? true { selected = now.first }
    scroll = 0
    keepVisible(rows: visibleRows)
  }

  /// Moves the choice by `delta` models (headings are skipped), staying in the list.
  package mutating func move(by delta: Int, visibleRows: Int) {
    let now = matching
    guard !now.isEmpty else { return }
    let position = selected.flatMap { now.firstIndex(of: $0) } ?? 0
    selected = now[min(max(0, position + delta), now.count - 1)]
    keepVisible(rows: visibleRows)
  }

  /// Scrolls so the chosen line (and its family heading, when it is the family's first) shows.
  package mutating func keepVisible(rows: Int) {
    let all = lines
    let height = max(1, rows)
    if let chosen = selected, let line = all.firstIndex(of: .entry(chosen)) {
      let top = line > 0 && all[line - 1] == .family(entries[chosen].family) ? line - 1 : line
      if top < scroll { scroll = top }
      if line >= scroll + height { scroll = line - height + 1 }
    }
    scroll = max(0, min(scroll, all.count - height))
  }

  /// Scrolls the list by `delta` lines, dragging the choice along when it would leave the view.
  package mutating func scrollList(by delta: Int, visibleRows: Int) {
    let all = lines
    let height = max(1, visibleRows)
    scroll = max(0, min(scroll + delta, all.count - height))
    guard let chosen = selected, let line = all.firstIndex(of: .entry(chosen)) else { return }
    if line < scroll || line >= scroll + height {
      let window = all[scroll..<min(all.count, scroll + height)]
      let target =
        line < scroll
        ? window.first { if case .entry = $0 { true } else { false } }
        : window.last { if case .entry = $0 { true } else { false } }
      if case .entry(let i)? = target { selected = i }
    }
  }
}
