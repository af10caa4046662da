/// Where a key is pressed: the screen, overlay or prompt that has the keyboard.
///
/// Each row of ``KeyBindings/all`` names the contexts it acts in; ``ExplorerState/keyContext`` says
/// which one is current.
package enum KeyContext: Hashable, Sendable, CaseIterable {
  /// The main screen, by the pane that has the focus.
  case tree, details
  case compare
  case help
  /// The run views (`v`, `a`).
  case activations, attention
  case picker
  /// The lesion (`L`) and reuse (`u`) views.
  case lesion, reuse
  /// The text prompts (`/`, `i`).
  case search, inputSize
  /// The variant editor (`e`).
  case variantEditor
  /// The class prompt of `b` and the gradient view.
  case classPrompt, gradient
  /// The wiring view (`W`).
  case wiring
  /// The export prompt (`w`).
  case exportPath

  /// The context's name in the README's key tables.
  package var title: String {
    switch self {
    case .tree: "tree"
    case .details: "details pane"
    case .compare: "compare view"
    case .help: "help"
    case .activations: "activation view"
    case .attention: "attention view"
    case .picker: "model picker"
    case .lesion: "lesion view"
    case .reuse: "reuse view"
    case .search: "search (`/`)"
    case .inputSize: "input size (`i`)"
    case .variantEditor: "variant editor (`e`)"
    case .classPrompt: "class prompt (`b`)"
    case .gradient: "gradient view"
    case .wiring: "wiring view"
    case .exportPath: "export (`w`)"
    }
  }
}

extension Overlay {
  /// The context whose keys act while this overlay is open.
  package var keyContext: KeyContext {
    switch self {
    case .help, .notices: .help
    case .activations: .activations
    case .attention: .attention
    case .picker: .picker
    case .variant: .variantEditor
    case .lesion: .lesion
    case .reuse: .reuse
    case .classPrompt: .classPrompt
    case .gradient: .gradient
    case .wiring: .wiring
    }
  }
}

extension Prompt {
  /// The context whose keys act while this prompt is open.
  package var keyContext: KeyContext {
    switch purpose {
    case .search: .search
    case .inputSize: .inputSize
    case .export: .exportPath
    }
  }
}

extension ExplorerState {
  /// The context keys act in now: an open prompt, else the topmost overlay, else the compare view,
  /// else the focused pane (in the order ``apply(_:)`` hands keys on).
  package var keyContext: KeyContext {
    if let prompt { return prompt.keyContext }
    if let overlay { return overlay.keyContext }
    if compare != nil { return .compare }
    switch focus {
    case .tree: return .tree
    case .details: return .details
    }
  }
}
