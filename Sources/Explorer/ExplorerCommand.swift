/// Everything a key can ask the explorer to do; ``KeyBindings`` maps keys to these, per ``KeyContext``.
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
  /// `e`: the variant editor of the open model; `E`: back to its base.
  case editVariant, baseModel
  /// `d` `D` `P` `L` `u`: interventions and the views of what they do.
  case ablation(AblationCommand)
  /// `W` `w` `M` `T`: the wiring view, writing the view to a file, mouse capture, per-node times.
  case view(ViewCommand)
  case help
  /// `!`: the last notices, whole, in a box.
  case notices
  case escape
  case quit
  /// Enter in the picker or a text prompt: take the chosen model, keep the search, apply the size.
  case accept
  /// Backspace in the picker or a text prompt: drop the last typed character.
  case deleteBackward
}
