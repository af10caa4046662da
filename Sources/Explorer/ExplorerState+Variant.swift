import Models

/// The variant editor (`e`) and the way back to the base (`E`), as pure state changes: Enter returns an
/// ``ExplorerEffect/applyVariant(base:settings:input:generation:)`` effect, and the runner's answer comes back as
/// ``ExplorerAction/variantApplied(_:)`` or ``ExplorerAction/variantRefused(_:)``.
extension ExplorerState {
  /// `e`: opens the editor on the open model's keys.
  mutating func editVariant() {
    guard let spec = model.spec else {
      notice = Notice(text: "\(model.name) is not a zoo model: it has no keys to edit", isWarning: true)
      return
    }
    guard !spec.base.keys.isEmpty else {
      notice = Notice(text: "\(spec.baseName) has no keys to edit", isWarning: true)
      return
    }
    overlay = .variant(VariantEditor(spec: spec))
  }

  /// `E`: opens the base of the open variant (its analysis comes back as ``ExplorerAction/opened(_:)``).
  mutating func openBase() -> [ExplorerEffect] {
    guard let spec = model.spec, !spec.overrides.isEmpty else {
      notice = Notice(text: "\(model.name) is not a variant: e edits its keys", isWarning: false)
      return []
    }
    return openModel(spec.plain)
  }

  /// Keys while the editor is open: ↑↓ choose a key, typing edits its value, Enter applies, Esc cancels.
  mutating func handleVariantKey(_ key: Key, editor: VariantEditor) -> [ExplorerEffect] {
    var editor = editor
    switch KeyBindings.command(for: key, in: .variantEditor) {
    case .quit: shouldQuit = true
    case .escape:
      overlay = nil
      notice = Notice(text: "variant edit cancelled: keeping \(model.name)", isWarning: false)
      return []
    case .moveUp: editor.move(by: -1)
    case .moveDown: editor.move(by: 1)
    case .deleteBackward: editor.deleteBackward()
    case .accept:
      guard !editor.isUnchanged else {
        overlay = nil
        notice = Notice(text: "no change: keeping \(model.name)", isWarning: false)
        return []
      }
      return [
        .applyVariant(
          base: editor.spec.plain, settings: editor.settings, input: input, generation: live.generation + 1)
      ]
    case nil:
      // Typed text: a character the editor does not bind goes to the chosen value.
      guard case .character(let c) = key else { break }
      editor.type(c)
    case .collapse, .expand, .toggle, .top, .bottom, .pageUp, .pageDown, .switchFocus, .search, .nextMatch,
      .previousMatch, .modelPicker, .compare, .inputSize, .compareAdd, .compareRemove, .step, .runToSelected,
      .runToEnd, .reset, .activationView, .attentionView, .nextTheme, .help, .editVariant, .baseModel, .ablation,
      .notices, .view:
      break  // not bound in the editor
    }
    overlay = .variant(editor)
    return []
  }

  /// Shows the variant the editor asked for, keeping the selected node where the new tree has its path.
  mutating func showVariant(_ opened: OpenedModel) {
    let path = selectedNode.path
    let before = model
    if case .variant = overlay { overlay = nil }
    showOpened(opened)
    if path != "" { select(path: path) }
    let params = Self.difference(opened.model.totalParams, from: before.totalParams)
    notice = Notice(
      text: "\(opened.model.name): \(DisplayFormat.grouped(opened.model.totalParams)) params (\(params) vs "
        + "\(before.name)); E returns to the base",
      isWarning: false)
  }

  /// A refused variant: the open model stays, the editor (if open) shows why.
  mutating func refuseVariant(_ reason: String) {
    if case .variant(var editor) = overlay {
      editor.refusal = reason
      overlay = .variant(editor)
    }
    notice = Notice(text: "refused: \(reason); keeping \(model.name)", isWarning: true)
  }

  /// `+2.3 M`, `−528 K`, `±0`: the change from `old` to `new`, compact.
  package static func difference(_ new: Int, from old: Int) -> String {
    let delta = new - old
    guard delta != 0 else { return "±0" }
    return (delta > 0 ? "+" : "−") + DisplayFormat.compact(abs(delta))
  }

  /// `+12 %`, `−3.5 %`: the relative change from `old` to `new` (nil when `old` is 0).
  package static func percentChange(_ new: Int, from old: Int) -> String? {
    guard old != 0 else { return nil }
    let percent = Double(new - old) / Double(old) * 100
    guard percent != 0 else { return "±0 %" }
    let magnitude = abs(percent)
    let tenths = Int((magnitude * 10).rounded())
    let text = magnitude >= 10 ? String(Int(magnitude.rounded())) : "\(tenths / 10).\(tenths % 10)"
    return (percent > 0 ? "+" : "−") + text + " %"
  }
}
