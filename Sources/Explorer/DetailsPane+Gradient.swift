/// The details pane's backward section: what the last backward pass (`b`) measured at the selected node, and
/// for the root the input image beside its Grad-CAM in half-block pixels.
extension DetailsPane {
  /// Nothing before the first backward pass; then the objective, and the node's gradient norms where it ran.
  static func gradientLines(for state: ExplorerState, width: Int) -> [StyledLine] {
    guard let digest = state.live.gradient else { return [] }
    let node = state.selectedNode, glyphs = state.glyphs, sep = " \(glyphs.separator) "
    var out = [StyledLine(), StyledLine("backward pass", .heading)]
    let with = digest.interventions.isEmpty ? "" : sep + "with " + digest.interventions.joined(separator: ", ")
    for piece in TextFit.wrap(
      glyphs.text("L = Σₙ logit[n, \(digest.target)] (\(digest.className))" + with), width: width)
    {
      out.append(StyledLine(piece, .dim))
    }
    func row(_ label: String, _ value: Double) -> StyledLine {
      // The label column: 18 wide where the pane allows, so the 10-column numbers are never cut.
      let text = "  " + glyphs.text(label)
      var line = StyledLine(TextFit.padRight(text, to: max(DisplayWidth.of(text) + 1, min(18, width - 10))), .label)
      line.append(GradientView.sci(value), .number)
      return line
    }
    if node.path.isEmpty {
      out.append(row("L", digest.loss))
      out.append(row("‖∂L/∂input‖₂", digest.inputNorm))
      if let cam = digest.cam { out += camLines(cam, state: state, width: width) }
      return out
    }
    var any = false
    // A Sequential stage that steps run child by child outputs its last child's tensor.
    var source = state.selected
    while digest.outputs[state.model.nodes[source].path] == nil, state.model.nodes[source].kind == "Sequential",
      let last = state.model.nodes[source].children.last
    {
      source = last
    }
    if let norm = digest.outputs[state.model.nodes[source].path] {
      out.append(row("‖∂L/∂output‖₂", norm))
      if source != state.selected {
        out.append(StyledLine("  (its last child's, \(state.model.nodes[source].path))", .dim))
      }
      any = true
    }
    if let layer = digest.curves.layers.first(where: { $0.path == node.path }) {
      out.append(row("‖W‖₂", layer.weight))
      out.append(row("‖∂L/∂W‖₂", layer.gradient))
      out.append(row("ratio", layer.ratio))
      any = true
    }
    if let residual = digest.residuals[node.path] {
      out.append(StyledLine("  gradient into the block", .label))
      out.append(row("  shortcut", residual.shortcut))
      out.append(row("  branch", residual.branch))
      any = true
    }
    if !any {
      out.append(StyledLine("  not reached by the backward pass (not run, or run inside its parent)", .dim))
    }
    return out
  }

  /// The model's input and its Grad-CAM side by side, ▀ pixels (or shade characters without colour), as wide
  /// as the pane allows (square: a text row holds two pixel rows).
  static func camLines(_ cam: CAMPicture, state: ExplorerState, width: Int) -> [StyledLine] {
    let glyphs = state.glyphs
    let side = min(cam.size, (width - 2) / 2)
    guard side >= 4 else { return [] }
    var out = [StyledLine(TextFit.padRight("input", to: side + 2) + "Grad-CAM", .heading)]
    let colour = state.activationPlotsInColour
    func sample(_ values: [Double], _ x: Int, _ y: Int) -> Int {
      Plots.level(values[(y * cam.size / side) * cam.size + x * cam.size / side])
    }
    for r in 0..<((side + 1) / 2) {
      var line = StyledLine()
      for (k, values) in [cam.image, cam.cam].enumerated() {
        if k > 0 { line.append("  ") }
        for x in 0..<side {
          let top = sample(values, x, 2 * r)
          let bottom = 2 * r + 1 < side ? sample(values, x, 2 * r + 1) : top
          line.append(Plots.pixel(top: top, bottom: bottom, glyphs: glyphs, colour: colour))
        }
      }
      out.append(line)
    }
    let note = "Grad-CAM at \(cam.layer) for the class, upsampled to the input, divided by its maximum"
    for piece in TextFit.wrap(glyphs.text(note), width: width) { out.append(StyledLine(piece, .dim)) }
    return out
  }
}
