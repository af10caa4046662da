import Analysis

/// `T`: each node's time in the last run and its achieved GFLOP/s, in the tree's params and MACs columns.
extension TreePane {
  static func appendTimes(_ line: inout StyledLine, index: Int, state: ExplorerState, columns: Columns) {
    let time = state.layerSeconds(of: index)
    let node = state.model.nodes[index]
    if let w = columns.params {
      let text = time.map { ExplorerRenderer.compactTime($0) } ?? "-"
      line.append(" " + TextFit.padLeft(text, to: w), time == nil ? .dim : .stepTime)
    }
    if let w = columns.macs {
      var text = "-"
      if let time, time > 0, node.macs > 0 { text = NumberFormat.fixed(2 * Double(node.macs) / time / 1e9, 1) }
      line.append(" " + TextFit.padLeft(text, to: w), .number)
    }
  }
}

extension ExplorerState {
  /// The time node `index` took in the last run: its own plus its subtree's (nil when none of it has run).
  package func layerSeconds(of index: Int) -> Double? {
    var total = 0.0
    var found = false
    let paths = Set(model.nodes[index..<subtreeEnd[index]].map(\.path))
    for digest in live.completed {
      for (path, time) in digest.layerTimes where paths.contains(path) {
        total += time.seconds
        found = true
      }
    }
    return found ? total : nil
  }
}
