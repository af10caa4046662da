import Graph

/// The wiring view (`W`): the selected block as a small data-flow graph, drawn from its ``WiringStage``s
/// (derived from the module tree, so every family is drawn the same way): the branch's layers in order with
/// their output shapes, the shortcut beside them joining at ⊕, attention's squeeze path and product, a dense
/// block's concatenation growing layer by layer.
package enum WiringView {
  /// One drawn row: the rails on the left (lanes of the flow), then label, kind and shape columns, and the
  /// shortcut lane's text beside it when a residual runs alongside.
  struct Row {
    var rails: String
    var label: String
    var kind = ""
    var shape: [Int]?
    var role = StyleRole.normal
    /// A row that is a horizontal line from the rails to the shortcut lane (its split or its join).
    var reachesSide: String?
    /// The shortcut lane's row beside this one (an array: a struct cannot hold an optional of itself).
    private var sides: [Row] = []
    var side: Row? {
      get { sides.first }
      set { sides = newValue.map { [$0] } ?? [] }
    }

    init(
      rails: String, label: String, kind: String = "", shape: [Int]? = nil, role: StyleRole = .normal,
      reachesSide: String? = nil
    ) {
      self.rails = rails
      self.label = label
      self.kind = kind
      self.shape = shape
      self.role = role
      self.reachesSide = reachesSide
    }
  }

  /// The block the view draws for `node`: the nearest step (or else module) at or above it that has a wiring.
  package static func target(for node: Int, in model: ExplorerModel) -> Int? {
    let chain = [node] + model.ancestors(of: node)
    let wired = chain.filter { model.nodes[$0].wiring != nil }
    return wired.first { model.nodes[$0].isBlock } ?? wired.first
  }

  /// The view's lines at `width` columns.
  package static func lines(for state: ExplorerState, width: Int) -> [StyledLine] {
    let glyphs = state.glyphs, model = state.model
    guard let block = target(for: state.selected, in: model), let stages = model.nodes[block].wiring else {
      return TextFit.wrap(
        "W draws a block's wiring: select a block (or a node inside one) in the tree; "
          + "\(glyphs.text(state.selectedNode.path.isEmpty ? "the root" : state.selectedNode.path)) is not in one.",
        width: width
      ).map { StyledLine($0, .dim) }
    }
    let node = model.nodes[block]
    var drawer = Drawer(model: model, owner: node.path, glyphs: glyphs, shape: inputShape(of: block, in: model))
    var rows = [Row(rails: glyphs.wiringStart, label: "x", kind: "input", shape: drawer.shape, role: .label)]
    rows += drawer.rows(stages)
    rows.append(Row(rails: glyphs.wiringEnd, label: "out", kind: "", shape: node.outputShape, role: .label))
    var title = StyledLine(node.path, .title)
    title.append("  \(node.kind)", .kind)
    title.append("  \(glyphs.shape(node.outputShape))", .shape)
    return [title, StyledLine()] + format(rows, glyphs: glyphs, width: width)
  }

  /// The shape the block receives: the output of the step before it (the stem's last module, a block).
  static func inputShape(of block: Int, in model: ExplorerModel) -> [Int] {
    let steps = model.stepNames
    let path = model.nodes[block].path
    guard let index = steps.firstIndex(of: model.nodes[block].step ?? path), index > 0 else {
      // Not a step (a module inside one): the output of the node just before it in pre-order.
      return block > 1 && model.nodes[block].step == nil ? model.nodes[block - 1].outputShape : model.inputShape
    }
    let previous = steps[index - 1]
    if let node = model.index(ofPath: previous) { return model.nodes[node].outputShape }
    return model.nodes.last { $0.step == previous && !$0.outputShape.isEmpty }?.outputShape ?? model.inputShape
  }

  /// Lines from rows: columns aligned over the whole drawing, the shortcut lane beside the left part.
  static func format(_ rows: [Row], glyphs: GlyphSet, width: Int) -> [StyledLine] {
    func columns(_ rows: [Row]) -> (label: Int, kind: Int) {
      (
        rows.map { DisplayWidth.of($0.rails) + DisplayWidth.of($0.label) }.max() ?? 0,
        rows.map { DisplayWidth.of($0.kind) }.max() ?? 0
      )
    }
    let left = columns(rows)
    let sides = rows.compactMap(\.side)
    let sideColumns = columns(sides)
    let shapeWidth = rows.map { $0.shape.map { DisplayWidth.of(glyphs.shape($0)) } ?? 0 }.max() ?? 0
    let leftWidth = left.label + 2 + left.kind + 2 + shapeWidth
    func line(_ row: Row, columns: (label: Int, kind: Int), into out: inout StyledLine) {
      out.append(row.rails, .treeGuide)
      let labelRoom = columns.label - DisplayWidth.of(row.rails)
      out.append(TextFit.padRight(row.label, to: labelRoom) + "  ", row.role)
      out.append(TextFit.padRight(row.kind, to: columns.kind) + "  ", .kind)
    }
    return rows.map { row in
      var out = StyledLine()
      if let reach = row.reachesSide {
        out.append(row.rails, .treeGuide)
        let run = max(1, leftWidth + 1 - DisplayWidth.of(row.rails))
        out.append(String(repeating: glyphs.horizontal, count: run) + reach, .treeGuide)
        if !row.label.isEmpty { out.append(" " + row.label, row.role) }
        if let shape = row.shape { out.append("  " + glyphs.shape(shape), .shape) }
        return clip(out, width: width, glyphs: glyphs)
      }
      line(row, columns: left, into: &out)
      let shape = row.shape.map { glyphs.shape($0) } ?? ""
      if let side = row.side {
        out.append(TextFit.padRight(shape, to: shapeWidth) + " ", .shape)
        line(side, columns: sideColumns, into: &out)
        if let sideShape = side.shape { out.append(glyphs.shape(sideShape), .shape) }
      } else {
        out.append(shape, .shape)
      }
      return clip(out, width: width, glyphs: glyphs)
    }
  }

  /// `line` with its trailing blanks dropped and cut to `width`.
  private static func clip(_ line: StyledLine, width: Int, glyphs: GlyphSet) -> StyledLine {
    var out = StyledLine()
    var used = 0
    for segment in line.segments where used < width {
      let text = TextFit.truncate(segment.text, to: width - used, ellipsis: glyphs.ellipsis)
      out.append(text, segment.role)
      used += DisplayWidth.of(text)
    }
    while let last = out.segments.last, last.text.allSatisfy({ $0 == " " }) { out.segments.removeLast() }
    if var last = out.segments.popLast() {
      while last.text.hasSuffix(" ") { last.text.removeLast() }
      out.segments.append(last)
    }
    return out
  }

  /// Turns stages into rows, following the shape of the tensor that flows.
  struct Drawer {
    let model: ExplorerModel
    let owner: String
    let glyphs: GlyphSet
    var shape: [Int]

    func node(_ relative: String) -> ExplorerNode? {
      model.index(ofPath: relative.isEmpty ? owner : owner.isEmpty ? relative : owner + "." + relative)
        .map { model.nodes[$0] }
    }

    /// `Conv2d 3×3 s2 g32`, `BatchNorm2d`: the kind and the hyper-parameters that change the flow.
    func kind(of node: ExplorerNode) -> String {
      let facts = Dictionary(node.hyperParameters, uniquingKeysWith: { a, _ in a })
      var parts = [node.kind]
      if let kernel = facts["kernel_size"] { parts.append(kernel) }
      if let stride = facts["stride"], stride != "1" { parts.append("s" + stride) }
      if let dilation = facts["dilation"] { parts.append("d" + dilation) }
      if let groups = facts["groups"] { parts.append("g" + groups) }
      return glyphs.text(parts.joined(separator: " "))
    }

    mutating func rows(_ stages: [WiringStage], rails: String = "") -> [Row] {
      stages.flatMap { rows($0, rails: rails) }
    }

    mutating func rows(_ stage: WiringStage, rails: String) -> [Row] {
      let lane = rails + glyphs.vertical + " "
      switch stage {
      case .node(let path):
        guard let entry = node(path) else { return [Row(rails: lane, label: path)] }
        if entry.kind == "Identity" { return [] }  // drop/aa/bn placeholders compute nothing
        if !entry.outputShape.isEmpty { shape = entry.outputShape }
        return [Row(rails: lane, label: path, kind: kind(of: entry), shape: shape)]
      case .function(let name):
        if name == "mean_HW", shape.count == 4 { shape = [shape[0], shape[1], 1, 1] }
        return [Row(rails: lane, label: glyphs.text(name), kind: "function", shape: shape)]
      case .softmax(let over, let groups):
        // The real tensor: the channels viewed as groups × channels per group.
        if shape.count >= 2, groups > 0, shape[1] % groups == 0 {
          shape = [shape[0], groups, shape[1] / groups] + shape.dropFirst(2)
        }
        return [Row(rails: lane, label: glyphs.text("softmax over " + over), kind: "function", shape: shape)]
      case .residual(let pre, let body, let shortcut, let post):
        return residual(pre: pre, body: body, shortcut: shortcut, post: post, rails: rails)
      case .attention(let owner, let kind, let paths, let squeeze, let weights, let combine):
        return attention(
          owner: owner, kind: kind, paths: paths, squeeze: squeeze, weights: weights, combine: combine, rails: rails)
      case .dense(let owner, let layers):
        return dense(owner: owner, layers: layers, rails: rails)
      }
    }

    private mutating func residual(
      pre: [WiringStage], body: [WiringStage], shortcut: [WiringStage], post: [WiringStage], rails: String
    ) -> [Row] {
      var out = rows(pre, rails: rails)
      let input = shape
      var side = shortcut.isEmpty ? [] : rows(shortcut, rails: "")
      shape = input
      if side.isEmpty {
        side = [Row(rails: glyphs.vertical + " ", label: "identity", kind: "shortcut", shape: input, role: .dim)]
      }
      out.append(Row(rails: rails + glyphs.teeRight, label: "", reachesSide: glyphs.topRight))
      var branch = rows(body, rails: rails)
      while branch.count < side.count { branch.append(Row(rails: rails + glyphs.vertical, label: "")) }
      for k in branch.indices {
        branch[k].side = k < side.count ? side[k] : Row(rails: glyphs.vertical, label: "")
      }
      out += branch
      out.append(
        Row(
          rails: rails + glyphs.wiringAdd, label: "add", shape: shape, role: .match,
          reachesSide: glyphs.bottomRight))
      out += rows(post, rails: rails)
      return out
    }

    private mutating func attention(
      owner: String, kind: String, paths: [[WiringStage]], squeeze: String, weights: [WiringStage],
      combine: String, rails: String
    ) -> [Row] {
      let lane = rails + glyphs.vertical + " "
      var out = [Row(rails: lane, label: owner.split(separator: ".").last.map(String.init) ?? kind, kind: kind)]
      out[0].role = .heading
      let input = shape
      var pathShape = input
      for (m, path) in paths.enumerated() {
        shape = input
        let last = m == paths.count - 1
        var pathRows = rows(path, rails: "")
        for k in pathRows.indices {
          let lanes: String
          if k == 0 {
            lanes =
              m == 0
              ? glyphs.teeRight + (paths.count == 1 ? glyphs.horizontal : glyphs.teeDown) + glyphs.horizontal
              : glyphs.vertical + (last ? glyphs.bottomLeft : glyphs.teeRight) + glyphs.horizontal
          } else {
            lanes = glyphs.vertical + (last ? " " : glyphs.vertical) + " "
          }
          pathRows[k].rails = rails + lanes + " "
        }
        out += pathRows
        pathShape = shape
      }
      // The module's own output: what the product returns (a split-attention's C, not its paths' R·C).
      let output = node(owner).map(\.outputShape).flatMap { $0.isEmpty ? nil : $0 } ?? pathShape
      shape = output
      if squeeze.hasPrefix("mean_HW"), shape.count == 4 { shape = [shape[0], shape[1], 1, 1] }
      out.append(
        Row(
          rails: rails + glyphs.teeRight + glyphs.topRight + " ", label: glyphs.text(squeeze), kind: "squeeze",
          shape: shape))
      var weightRows = rows(weights, rails: "")
      for k in weightRows.indices { weightRows[k].rails = rails + glyphs.vertical + glyphs.vertical + " " }
      out += weightRows
      shape = output
      out.append(
        Row(
          rails: rails + glyphs.wiringProduct + glyphs.bottomRight + " ", label: glyphs.text(combine),
          kind: "product", shape: shape, role: .match))
      return out
    }

    private mutating func dense(owner: String, layers: [String], rails: String) -> [Row] {
      var out: [Row] = []
      for layer in layers {
        let input = shape
        var layerRows = rows(.node(layer), rails: "")
        for k in layerRows.indices { layerRows[k].rails = rails + glyphs.teeRight + glyphs.topRight + " " }
        out += layerRows
        if input.count == 4, shape.count == 4 {
          shape = [input[0], input[1] + shape[1], input[2], input[3]]
        }
        out.append(
          Row(
            rails: rails + glyphs.wiringConcat + glyphs.bottomRight + " ", label: "cat_C", kind: "concat",
            shape: shape, role: .match))
      }
      return out
    }
  }
}
