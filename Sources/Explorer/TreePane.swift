/// The tree pane: column fitting, the heading and one line per visible node.
package enum TreePane {
  /// Which columns fit and how wide each is, for one pane width.
  package struct Columns: Equatable, Sendable {
    package var name: Int
    package var kind: Int?
    package var shape: Int?
    package var params: Int?
    package var groupedParams: Bool
    package var macs: Int?
    package var bar: Int?
    /// `T`: the params and MACs columns show time and GFLOP/s.
    package var times = false
  }

  /// Columns of node indentation per depth level.
  package static func indent(of node: ExplorerNode) -> Int { 2 * node.depth }

  /// Fits the columns into `width`, the headline numbers first (MACs, params), then kind, shape and the
  /// share bar, keeping room for the names: a name longer than its column is shortened in the middle
  /// (the details pane has the full path).
  package static func columns(for state: ExplorerState, width: Int) -> Columns {
    let nodes = state.model.nodes
    var needName = 8, kindWidth = 4, shapeWidth = 9, paramsWidth = 6
    for i in state.rows {
      let node = nodes[i]
      needName = max(needName, indent(of: node) + 2 + DisplayWidth.of(node.name))
      kindWidth = max(kindWidth, DisplayWidth.of(node.kind))
      shapeWidth = max(shapeWidth, DisplayWidth.of(state.glyphs.shape(node.outputShape)))
    }
    paramsWidth = max(paramsWidth, DisplayFormat.grouped(state.model.totalParams).count)
    let available = width - 2
    // Long kinds (AdaptiveAvgPool2d) are cut in a narrow pane so the numbers still fit.
    kindWidth = min(kindWidth, available < 70 ? 11 : 20)
    let nameMin = max(12, min(needName, 16))
    var columns = Columns(name: 0, groupedParams: false)
    var used = 0
    func fits(_ w: Int) -> Bool { available - used - (w + 1) >= nameMin }
    if fits(7) { columns.macs = 7; used += 8 }
    if fits(7) { columns.params = 7; used += 8 }
    if fits(kindWidth) { columns.kind = kindWidth; used += kindWidth + 1 }
    if fits(shapeWidth) { columns.shape = shapeWidth; used += shapeWidth + 1 }
    // Grouped params (25,557,032) once everything else fits with the names whole.
    if columns.params != nil, available - used - (paramsWidth - 7) >= max(nameMin, min(needName, 24)) {
      columns.params = paramsWidth
      columns.groupedParams = true
      used += paramsWidth - 7
    }
    if fits(8) {
      let bar = available - used - 9 >= needName + 4 ? 10 : 8
      columns.bar = bar
      used += bar + 1
    }
    columns.name = max(1, available - used)
    columns.times = state.showsLayerTimes
    return columns
  }

  /// The heading line: column names over their columns.
  package static func heading(_ columns: Columns) -> StyledLine {
    var line = StyledLine(" " + TextFit.padRight("name", to: columns.name), .heading)
    if let w = columns.kind { line.append(" " + TextFit.padRight("kind", to: w), .heading) }
    if let w = columns.shape { line.append(" " + TextFit.padRight("out shape", to: w), .heading) }
    if let w = columns.params { line.append(" " + TextFit.padLeft(columns.times ? "time" : "params", to: w), .heading) }
    if let w = columns.macs { line.append(" " + TextFit.padLeft(columns.times ? "GFLOP/s" : "MACs", to: w), .heading) }
    if let w = columns.bar { line.append(" " + TextFit.padRight("share", to: w), .heading) }
    return line
  }

  /// The line of one node.
  package static func line(for index: Int, in state: ExplorerState, columns: Columns) -> StyledLine {
    let node = state.model.nodes[index]
    let glyphs = state.glyphs
    let glyph =
      node.children.isEmpty ? glyphs.leaf : state.expanded[index] ? glyphs.expanded : glyphs.collapsed
    let isMatch = state.search?.matches.contains(index) ?? false
    let nameRoom = columns.name - indent(of: node) - 2
    var line = StyledLine(" " + String(repeating: " ", count: indent(of: node)), .normal)
    line.append(glyph, .treeGuide)
    line.append(" ", .normal)
    let name = TextFit.truncateMiddle(node.name, to: max(1, nameRoom), ellipsis: glyphs.ellipsis)
    line.append(TextFit.padRight(name, to: max(0, nameRoom)), isMatch ? .match : index == 0 ? .title : .normal)
    if let w = columns.kind {
      line.append(" " + TextFit.padRight(TextFit.truncate(node.kind, to: w, ellipsis: glyphs.ellipsis), to: w), .kind)
    }
    if let w = columns.shape {
      let shape = node.outputShape.isEmpty ? "-" : glyphs.shape(node.outputShape)
      line.append(" " + TextFit.padRight(shape, to: w), .shape)
    }
    if columns.times {
      appendTimes(&line, index: index, state: state, columns: columns)
    } else if let w = columns.params {
      let text = columns.groupedParams ? DisplayFormat.grouped(node.params) : DisplayFormat.compact(node.params)
      line.append(" " + TextFit.padLeft(text, to: w), .number)
    }
    if let w = columns.macs, !columns.times {
      line.append(" " + TextFit.padLeft(DisplayFormat.compact(node.macs), to: w), .number)
    }
    if let w = columns.bar {
      let total = state.model.totalMACs
      line.append(" ", .normal)
      line.segments +=
        GradientBar.line(
          fraction: total > 0 ? Double(node.macs) / Double(total) : 0, width: w, glyphs: glyphs
        ).segments
    }
    return line
  }
}
