/// The details pane: everything known about the selected node, as lines fitted to a width.
package enum DetailsPane {
  /// Columns given to labels (`params`, `kernel`) before their values.
  static let labelWidth = 13

  /// The lines of the details of the selected node, wrapped to `width` columns.
  package static func lines(for state: ExplorerState, width: Int) -> [StyledLine] {
    guard width > 0 else { return [] }
    let model = state.model
    let node = state.selectedNode
    let glyphs = state.glyphs
    var out: [StyledLine] = []
    let title = node.path.isEmpty ? model.name : node.path
    for piece in TextFit.wrap(title.replacingOccurrences(of: ".", with: ". "), width: width) {
      out.append(StyledLine(piece.replacingOccurrences(of: ". ", with: "."), .title))
    }
    var kindLine = StyledLine(glyphs.text(node.kind), .kind)
    if node.path.isEmpty && model.family != node.kind { kindLine.append(" \(glyphs.separator) \(model.family)", .dim) }
    if let step = node.step {
      kindLine.append(" \(glyphs.separator) " + (step == node.path ? "a forward step" : "part of step \(step)"), .dim)
    }
    out.append(kindLine)

    if node.path.isEmpty {
      if !model.note.isEmpty {
        for piece in TextFit.wrap(glyphs.text(model.note), width: width) { out.append(StyledLine(piece, .dim)) }
      }
      out.append(StyledLine())
      for piece in TextFit.wrap(glyphs.text(model.familyDescription), width: width) { out.append(StyledLine(piece)) }
      if !model.formula.isEmpty {
        out.append(StyledLine())
        out.append(StyledLine("formula", .heading))
        for piece in TextFit.wrap(glyphs.text(model.formula), width: width - 2) {
          out.append(StyledLine("  " + piece, .shape))
        }
      }
    }

    out.append(StyledLine())
    if node.path.isEmpty { out += field("input", [(glyphs.shape(model.inputShape), .shape)], width: width) }
    out += field(
      "output",
      node.outputShape.isEmpty ? [("none: never called itself", .dim)] : [(glyphs.shape(node.outputShape), .shape)],
      width: width)
    out += field("params", share(node.params, of: model.totalParams), width: width)
    out += field("MACs", share(node.macs, of: model.totalMACs), width: width)
    if node.macs > 0 {
      out += field("FLOPs", [(DisplayFormat.compact(2 * node.macs) + " (2\(glyphs.times)MACs)", .dim)], width: width)
    }
    out += field("element ops", [(DisplayFormat.grouped(node.elementOps), .number)], width: width)
    out += field(
      "output size", [(DisplayFormat.bytes(node.activationBytes), .number), ("float32", .dim)], width: width)
    if !node.children.isEmpty {
      out += field(
        "activations", [(DisplayFormat.bytes(node.subtreeActivationBytes), .number), ("all tensors inside", .dim)],
        width: width)
    }
    if let rf = node.receptiveField {
      var parts: [(String, StyleRole)] = [("\(rf)\(glyphs.times)\(rf) px", .number)]
      if let jump = node.jumpStride { parts.append(("stride \(jump)", .dim)) }
      out += field("receptive fld", parts, width: width)
    }
    if node.bufferElements > 0 {
      out += field(
        "buffers", [(DisplayFormat.grouped(node.bufferElements), .number), ("not learnable", .dim)], width: width)
    }
    if !node.uncounted.isEmpty {
      out += field("not counted", [(glyphs.text(node.uncounted.joined(separator: ", ")), .warning)], width: width)
    }
    if !node.children.isEmpty {
      out += field("children", [("\(node.children.count)", .number)], width: width)
    }

    if !node.hyperParameters.isEmpty {
      out.append(StyledLine())
      out.append(StyledLine("hyper-parameters", .heading))
      // Labels of one section share a column, as wide as the longest (within half the pane).
      let labels = node.hyperParameters.map { "  " + glyphs.text($0.0) }
      let column = min(max(labelWidth, (labels.map { DisplayWidth.of($0) }.max() ?? 0) + 1), width / 2)
      for (label, (_, value)) in zip(labels, node.hyperParameters) {
        out += field(label, [(glyphs.text(value), .normal)], width: width, labelColumns: column)
      }
    }
    out += tensors("parameters", node.parameters, glyphs: glyphs, width: width)
    out += tensors("buffers", node.buffers, glyphs: glyphs, width: width)
    return out
  }

  /// A count with its share of the model total.
  private static func share(_ value: Int, of total: Int) -> [(String, StyleRole)] {
    [(DisplayFormat.grouped(value), .number), (DisplayFormat.percent(value, of: total), .dim)]
  }

  /// A tensor list: name, shape and element count per tensor.
  private static func tensors(_ heading: String, _ list: [TensorSummary], glyphs: GlyphSet, width: Int)
    -> [StyledLine]
  {
    guard !list.isEmpty else { return [] }
    var out = [StyledLine(), StyledLine(heading, .heading)]
    let column = min(max(labelWidth, (list.map { DisplayWidth.of($0.name) }.max() ?? 0) + 3), width / 2)
    for tensor in list {
      let shape = tensor.shape.isEmpty ? "scalar" : glyphs.shape(tensor.shape)
      out += field(
        "  " + tensor.name, [(shape, .shape), (DisplayFormat.grouped(tensor.count), .number)], width: width,
        labelColumns: column)
    }
    return out
  }

  /// `label  part  part…` with the parts flowing onto indented lines when they do not fit.
  private static func field(
    _ label: String, _ parts: [(String, StyleRole)], width: Int, labelColumns column: Int = labelWidth
  ) -> [StyledLine] {
    let labelColumns = max(column, DisplayWidth.of(label) + 1)
    let valueWidth = max(1, width - labelColumns)
    var lines: [StyledLine] = []
    var current = StyledLine(TextFit.padRight(label, to: labelColumns), .label)
    var used = 0
    for (text, role) in parts {
      let w = DisplayWidth.of(text)
      if used > 0 && used + 2 + w > valueWidth {
        lines.append(current)
        current = StyledLine(String(repeating: " ", count: labelColumns), .normal)
        used = 0
      }
      if used > 0 {
        current.append("  ")
        used += 2
      }
      if w > valueWidth {
        // A long value (a formula, a list) wraps on its own words.
        let wrapped = TextFit.wrap(text, width: valueWidth)
        for (k, piece) in wrapped.enumerated() {
          if k > 0 {
            lines.append(current)
            current = StyledLine(String(repeating: " ", count: labelColumns), .normal)
          }
          current.append(piece, role)
          used = DisplayWidth.of(piece)
        }
      } else {
        current.append(text, role)
        used += w
      }
    }
    lines.append(current)
    return lines
  }
}
