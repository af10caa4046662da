/// The details pane: everything known about the selected node, as lines fitted to a width.
///
/// In the order: path and kind (for the root, the family's description and formula),
/// hyper-parameters, parameter and buffer tensors, then the counts (shape, params, MACs with their
/// share, element ops, activation memory, receptive field).
package enum DetailsPane {
  /// Columns given to labels (`params`, `kernel`) before their values.
  static let labelWidth = 13

  /// One value of a field: its text and role.
  typealias Part = (text: String, role: StyleRole)

  /// The lines of the details of the selected node, wrapped to `width` columns.
  package static func lines(for state: ExplorerState, width: Int) -> [StyledLine] {
    guard width > 0 else { return [] }
    let node = state.selectedNode
    var out = heading(state, width: width)
    out += gradientLines(for: state, width: width)
    out += runLines(for: state, width: width)
    out += interventionLines(for: state, width: width)
    if node.path.isEmpty { out += familyText(state.model, glyphs: state.glyphs, width: width) }
    out += hyperParameters(node, glyphs: state.glyphs, width: width)
    out += tensors("parameters", node.parameters, glyphs: state.glyphs, width: width)
    out += tensors("buffers", node.buffers, glyphs: state.glyphs, width: width)
    out += counts(node, model: state.model, glyphs: state.glyphs, width: width)
    if node.path.isEmpty { out += memory(state: state, width: width) }
    out += channelLines(for: state, width: width)
    return out
  }

  // MARK: - Sections

  /// The full path (wrapped at its dots) and the kind, with the step the node belongs to.
  private static func heading(_ state: ExplorerState, width: Int) -> [StyledLine] {
    let node = state.selectedNode, model = state.model, glyphs = state.glyphs
    var out: [StyledLine] = []
    let title = node.path.isEmpty ? model.name : node.path
    for piece in TextFit.wrap(title.replacingOccurrences(of: ".", with: ". "), width: width) {
      out.append(StyledLine(piece.replacingOccurrences(of: ". ", with: "."), .title))
    }
    // The kind, then what else is known about the node, each on the line while it fits.
    var notes: [String] = []
    if node.path.isEmpty && model.family != node.kind { notes.append(model.family) }
    if let step = node.step { notes.append(step == node.path ? "a forward step" : "part of step \(step)") }
    var line = StyledLine(TextFit.truncate(glyphs.text(node.kind), to: width, ellipsis: glyphs.ellipsis), .kind)
    for note in notes {
      let piece = " \(glyphs.separator) \(note)"
      if line.width + DisplayWidth.of(piece) > width {
        out.append(line)
        line = StyledLine(TextFit.truncate(note, to: width, ellipsis: glyphs.ellipsis), .dim)
      } else {
        line.append(piece, .dim)
      }
    }
    out.append(line)
    return out
  }

  /// For the root: the variant, what makes the family different, and its formula.
  private static func familyText(_ model: ExplorerModel, glyphs: GlyphSet, width: Int) -> [StyledLine] {
    var out: [StyledLine] = []
    for piece in TextFit.wrap(glyphs.text(model.note), width: width) { out.append(StyledLine(piece, .dim)) }
    out.append(StyledLine())
    for piece in TextFit.wrap(glyphs.text(model.familyDescription), width: width) { out.append(StyledLine(piece)) }
    if !model.formula.isEmpty {
      out.append(StyledLine())
      out.append(StyledLine("formula", .heading))
      for piece in TextFit.wrap(glyphs.text(model.formula), width: width - 2) {
        out.append(StyledLine("  " + piece, .shape))
      }
    }
    return out
  }

  private static func hyperParameters(_ node: ExplorerNode, glyphs: GlyphSet, width: Int) -> [StyledLine] {
    guard !node.hyperParameters.isEmpty else { return [] }
    var out = [StyledLine(), StyledLine("hyper-parameters", .heading)]
    // Labels of one section share a column, as wide as the longest (within 3/5 of the pane).
    let labels = node.hyperParameters.map { "  " + glyphs.text($0.0) }
    let column = min(max(labelWidth, (labels.map { DisplayWidth.of($0) }.max() ?? 0) + 1), width * 3 / 5)
    for (label, (_, value)) in zip(labels, node.hyperParameters) {
      out += field(label, [(glyphs.text(value), .normal)], width: width, labelColumns: column)
    }
    return out
  }

  /// A tensor list: name, shape and element count per tensor.
  private static func tensors(_ heading: String, _ list: [TensorSummary], glyphs: GlyphSet, width: Int)
    -> [StyledLine]
  {
    guard !list.isEmpty else { return [] }
    var out = [StyledLine(), StyledLine(heading, .heading)]
    let column = min(max(labelWidth, (list.map { DisplayWidth.of($0.name) }.max() ?? 0) + 3), width * 3 / 5)
    for tensor in list {
      let shape = tensor.shape.isEmpty ? "scalar" : glyphs.shape(tensor.shape)
      out += field(
        "  " + tensor.name, [(shape, .shape), (DisplayFormat.grouped(tensor.count), .number)], width: width,
        labelColumns: column)
    }
    return out
  }

  private static func counts(_ node: ExplorerNode, model: ExplorerModel, glyphs: GlyphSet, width: Int)
    -> [StyledLine]
  {
    var out = [StyledLine(), StyledLine("counts", .heading)]
    if node.path.isEmpty { out += field("input", [(glyphs.shape(model.inputShape), .shape)], width: width) }
    let output: [Part] =
      node.outputShape.isEmpty ? [("none: never called", .dim)] : [(glyphs.shape(node.outputShape), .shape)]
    out += field("output", output, width: width)
    out += field(
      "params", share(node.params, of: model.totalParams, DisplayFormat.grouped), width: width,
      compact: share(node.params, of: model.totalParams, DisplayFormat.compact))
    out += field(
      "MACs", share(node.macs, of: model.totalMACs, DisplayFormat.grouped), width: width,
      compact: share(node.macs, of: model.totalMACs, DisplayFormat.compact))
    if node.macs > 0 {
      out += field(
        "FLOPs", [(DisplayFormat.compact(2 * node.macs), .number), ("= 2\(glyphs.times)MACs", .dim)], width: width)
    }
    out += field(
      "element ops", [(DisplayFormat.grouped(node.elementOps), .number)], width: width,
      compact: [(DisplayFormat.compact(node.elementOps), .number)])
    out += field(
      "output size", [(DisplayFormat.bytes(node.activationBytes), .number), ("float32", .dim)], width: width)
    if !node.children.isEmpty {
      out += field(
        "activations", [(DisplayFormat.bytes(node.subtreeActivationBytes), .number), ("all tensors inside", .dim)],
        width: width)
    }
    if let rf = node.receptiveField {
      var parts: [Part] = [("\(rf)\(glyphs.times)\(rf) px", .number)]
      if let jump = node.jumpStride { parts.append(("stride \(jump)", .number)) }
      out += field("receptive fld", parts, width: width)
    }
    if node.bufferElements > 0 {
      out += field(
        "buffers", [(DisplayFormat.grouped(node.bufferElements), .number), ("not learnable", .dim)], width: width)
    }
    if !node.uncounted.isEmpty {
      out += field("not counted", [(glyphs.text(node.uncounted.joined(separator: ", ")), .warning)], width: width)
    }
    if !node.children.isEmpty { out += field("children", [("\(node.children.count)", .number)], width: width) }
    return out
  }

  // MARK: - Fields

  /// A count written by `format`, with its share of the model total.
  private static func share(_ value: Int, of total: Int, _ format: (Int) -> String) -> [Part] {
    [(format(value), .number), (DisplayFormat.percent(value, of: total), .dim)]
  }

  /// `label  part  part…`: the parts on one line when they fit; else the `compact` form, whose parts
  /// flow onto indented lines when it does not fit either (no value is ever dropped).
  static func field(
    _ label: String, _ parts: [Part], width: Int, labelColumns column: Int = labelWidth, compact: [Part]? = nil
  ) -> [StyledLine] {
    let labelColumns = max(column, DisplayWidth.of(label) + 1)
    let valueWidth = max(1, width - labelColumns)
    func fits(_ list: [Part]) -> Bool {
      list.reduce(0) { $0 + DisplayWidth.of($1.text) } + 2 * (list.count - 1) <= valueWidth
    }
    // Nothing is dropped: what does not fit flows onto the next lines.
    var chosen = parts
    if !fits(chosen), let compact { chosen = compact }

    let indent = String(repeating: " ", count: labelColumns)
    var lines: [StyledLine] = []
    var current = StyledLine(TextFit.padRight(label, to: labelColumns), .label)
    var used = 0
    for (text, role) in chosen {
      let w = DisplayWidth.of(text)
      if used > 0 && used + 2 + w > valueWidth {
        lines.append(current)
        current = StyledLine(indent, .normal)
        used = 0
      }
      if used > 0 {
        current.append("  ")
        used += 2
      }
      // A value longer than the column (a layer list) wraps on its own words.
      for (k, piece) in (w > valueWidth ? TextFit.wrap(text, width: valueWidth) : [text]).enumerated() {
        if k > 0 {
          lines.append(current)
          current = StyledLine(indent, .normal)
          used = 0
        }
        current.append(piece, role)
        used += DisplayWidth.of(piece)
      }
    }
    lines.append(current)
    return lines
  }
}
