/// Everything a key can ask the explorer to do; ``KeyBindings`` maps keys to these.
package enum ExplorerCommand: Hashable, Sendable {
  case moveUp, moveDown
  case collapse, expand, toggle
  case top, bottom, pageUp, pageDown
  case switchFocus
  case search, nextMatch, previousMatch
  case modelPicker, compare, inputSize
  case compareAdd, compareRemove
  case step, runToSelected, runToEnd, reset
  case activationView, attentionView
  case nextTheme
  case help
  case escape
  case quit

  /// For keys whose feature a later version brings: the feature's name, for the one-line notice.
  package var comingFeature: String? {
    switch self {
    default: nil
    }
  }
}
