import Formats
import Foundation

/// The class prompt of `b`: typed text filters the classifier's class names and indices, ↑↓ choose, Enter
/// runs the backward of L = Σₙ logit[n, C]; with nothing typed the first entry is sample 0's top-1 class.
package struct ClassChooser: Equatable, Sendable {
  /// Outputs of the model's classifier (1000: ImageNet names, 10: CIFAR-10's; others are `class N`).
  package var classCount: Int
  package var text = ""
  /// The chosen row of ``entries``.
  package var choice = 0
  /// Sample 0's top-1 class, when a pass has shown it (the first entry names it).
  package var top: ClassPrediction?

  package init(classCount: Int, top: ClassPrediction? = nil) {
    self.classCount = classCount
    self.top = top
  }

  /// One row of the list: a class (nil: sample 0's top-1, found by the pass) and how it shows.
  package struct Entry: Equatable, Sendable {
    package var index: Int?
    package var label: String
  }

  /// The rows for the typed text: with none, the top-1 entry then every class; else the classes whose index
  /// starts with the text or whose name contains it (case-insensitive), exact index first.
  package var entries: [Entry] {
    let query = text.trimmingCharacters(in: .whitespaces).lowercased()
    let all = (0..<classCount).map { Entry(index: $0, label: Self.label($0, classCount: classCount)) }
    guard !query.isEmpty else {
      let topLabel = top.map { "top-1 of sample 0: \($0.name) (\($0.index))" } ?? "top-1 of sample 0"
      return [Entry(index: nil, label: topLabel)] + all
    }
    let exact = all.filter { "\($0.index ?? -1)" == query }
    let rest = all.filter { entry in
      let index = "\(entry.index ?? -1)"
      return index != query
        && (index.hasPrefix(query)
          || ClassNames.name(of: entry.index ?? 0, classCount: classCount).lowercased().contains(query))
    }
    return exact + rest
  }

  /// `281 tabby, tabby cat`.
  static func label(_ index: Int, classCount: Int) -> String {
    "\(index) \(ClassNames.name(of: index, classCount: classCount))"
  }

  /// The chosen entry, if any matches.
  package var chosen: Entry? {
    let list = entries
    return list.indices.contains(choice) ? list[choice] : nil
  }

  /// Moves the choice by `delta` rows, within the list.
  package mutating func move(by delta: Int) {
    choice = max(0, min(choice + delta, entries.count - 1))
  }

  /// Sets the typed text; the choice goes back to the first match.
  package mutating func setText(_ newText: String) {
    text = newText
    choice = 0
  }
}
