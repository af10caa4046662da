/// How many lines the scrollable panes hold for the state as it is: the numbers reduce clamps
/// scrolling with, so it never builds a pane's lines itself.
package struct ContentHeights: Equatable, Sendable {
  /// Lines of the details pane for the selected node.
  package var details = 0
  /// Lines of the open overlay (help, activation or attention view); 0 when none is open.
  package var overlay = 0

  package init(details: Int = 0, overlay: Int = 0) {
    self.details = details
    self.overlay = overlay
  }

  /// Measures `state`'s panes at its terminal size (what the renderer would draw).
  package static func measure(_ state: ExplorerState) -> ContentHeights {
    let layout = ExplorerLayout(size: state.size)
    let boxWidth = layout.helpRect.width - 4
    let overlay: Int
    switch state.overlay {
    case .help: overlay = HelpOverlay.lines(glyphs: state.glyphs, width: boxWidth).count
    case .notices: overlay = NoticeLog.lines(for: state, width: boxWidth).count
    case .activations: overlay = ActivationView.lines(for: state, width: boxWidth).count
    case .attention: overlay = AttentionView.lines(for: state, width: boxWidth).count
    case .picker, .variant, nil: overlay = 0
    case .lesion(let view): overlay = LesionView.lines(for: state, view, width: boxWidth).count
    case .reuse(let view): overlay = ReuseView.lines(for: state, view, width: boxWidth).lines.count
    case .gradient: overlay = GradientView.lines(for: state, width: boxWidth, layout: layout).count
    case .classPrompt: overlay = 0
    case .wiring: overlay = WiringView.lines(for: state, width: boxWidth).count
    }
    return ContentHeights(details: DetailsPane.lines(for: state, width: layout.detailsWidth).count, overlay: overlay)
  }
}
