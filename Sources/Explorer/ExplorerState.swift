import Session

/// Which pane receives movement keys (and scrolls).
package enum Focus: Equatable, Sendable {
  case tree
  case details
}

/// What covers the panes (or the compare view): the key help or the model picker.
package enum Overlay: Equatable, Sendable {
  case help(scroll: Int)
  /// `v`: mean, std and zeros % per step along the network's depth.
  case activations(scroll: Int)
  /// `a`: SE gates, SK branch shares, split weights per attention block.
  case attention(scroll: Int)
  case picker(ModelPicker)
  /// `e`: the open model's keys, being edited.
  case variant(VariantEditor)
  /// `L`: the lesion study of the shown model.
  case lesion(LesionOverlay)
  /// `u`: DenseNet feature reuse.
  case reuse(ReuseOverlay)
  /// `b`: the class the backward pass differentiates, being chosen.
  case classPrompt(ClassChooser)
  /// The gradient view of the last backward pass.
  case gradient(scroll: Int)
  /// `!`: the last notices, newest first.
  case notices(scroll: Int)
  /// `W`: the selected block's wiring.
  case wiring(scroll: Int)
}

/// A one-line notice in the status bar, cleared by the next key.
package struct Notice: Equatable, Sendable {
  package var text: String
  package var isWarning: Bool

  package init(text: String, isWarning: Bool) {
    self.text = text
    self.isWarning = isWarning
  }
}

/// Everything the explorer shows, as a value: ``ExplorerState/reduce(_:)`` changes it and
/// ``ExplorerRenderer`` draws it.
package struct ExplorerState: Equatable, Sendable {
  package var model: ExplorerModel
  package var glyphs: GlyphSet
  /// The current theme's name; ``themes`` holds every theme `t` cycles through (sorted by name).
  package var themeName: String
  package var themes: [Theme]
  /// The batch and input size every model is analysed at.
  package var input: InputChoice
  /// The compare view, when open: it takes the place of the tree and details panes.
  package var compare: CompareView?
  package var size: TerminalSize
  /// Per node: whether its children are shown.
  package var expanded: [Bool]
  /// The visible tree rows, as node indices in pre-order.
  package private(set) var rows: [Int]
  /// The selected node.
  package var selected: Int
  /// The first tree row shown.
  package var treeScroll = 0
  /// The first details line shown.
  package var detailsScroll = 0
  /// The panes' line counts, as last measured (scrolling is clamped to them).
  package var heights = ContentHeights()
  package var focus = Focus.tree
  package var overlay: Overlay?
  package var prompt: Prompt?
  package var search: SearchResult?
  package var notice: Notice? {
    didSet {
      // Each new notice is kept for `!`, the last ``noticeLogLimit`` of them.
      guard let notice, notice != noticeLog.last else { return }
      noticeLog.append(notice)
      if noticeLog.count > Self.noticeLogLimit { noticeLog.removeFirst(noticeLog.count - Self.noticeLogLimit) }
    }
  }
  /// The last notices, oldest first (what `!` shows).
  package var noticeLog: [Notice] = []
  package static let noticeLogLimit = 20
  /// Set by `q` / Ctrl-C; the run loop ends when it is.
  package var shouldQuit = false
  /// The channel the attention view's cursor reads out (←→ there), clamped to each block's channels.
  package var attentionChannel = 0
  /// Whether the explorer takes mouse reports (`M` toggles; off, the terminal's own text selection works).
  package var mouseCaptured = true
  /// `T`: the tree's params and MACs columns show each node's time and GFLOP/s of the last run.
  package var showsLayerTimes = false
  /// The live forward pass: steps that ran, what was observed, a run in progress.
  package var live: LiveRun
  /// Per node: the end (exclusive) of its subtree in pre-order.
  package private(set) var subtreeEnd: [Int]

  /// The state of a freshly opened model: the tree expanded down to its blocks, the root selected.
  package init(
    model: ExplorerModel, glyphs: GlyphSet = .unicode, themeName: String = "default",
    size: TerminalSize = TerminalSize(width: 80, height: 24), themes: [Theme] = [.builtInDefault],
    input: InputChoice = InputChoice()
  ) {
    self.model = model
    self.glyphs = glyphs
    self.themeName = themeName
    self.themes = themes
    self.input = input
    self.size = size
    subtreeEnd = Self.subtreeEnds(of: model.nodes)
    live = LiveRun(stepNames: model.stepNames, source: SessionSource().description)
    expanded = Self.blockLevelExpansion(of: model)
    rows = []
    selected = 0
    refreshRows()
  }

  /// The row of the selected node in ``rows`` (0 when it is hidden, which reduce never allows).
  package var selectedRow: Int { rows.firstIndex(of: selected) ?? 0 }

  /// The selected node.
  package var selectedNode: ExplorerNode { model.nodes[selected] }

  /// The current theme (the built-in default when ``themeName`` names none of ``themes``).
  package var theme: Theme { themes.first { $0.name == themeName } ?? .builtInDefault }

  /// Shows `newModel` as freshly opened (tree at block level, root selected, no search); the
  /// theme, input choice, size and glyphs stay.
  package mutating func open(_ newModel: ExplorerModel) {
    model = newModel
    subtreeEnd = Self.subtreeEnds(of: newModel.nodes)
    expanded = Self.blockLevelExpansion(of: newModel)
    selected = 0
    treeScroll = 0
    detailsScroll = 0
    focus = .tree
    search = nil
    refreshRows()
  }

  /// Recomputes ``rows`` from ``expanded``; call after changing expansion.
  package mutating func refreshRows() {
    let nodes = model.nodes
    var visible: [Int] = []
    visible.reserveCapacity(nodes.count)
    var i = 0
    while i < nodes.count {
      visible.append(i)
      i = expanded[i] && !nodes[i].children.isEmpty ? i + 1 : subtreeEnd[i]
    }
    rows = visible
  }

  /// Expands every node of the model.
  package mutating func expandAll() {
    expanded = Array(repeating: true, count: model.nodes.count)
    refreshRows()
  }

  /// Expands every ancestor of `node` so that it is visible.
  package mutating func reveal(_ node: Int) {
    var changed = false
    for ancestor in model.ancestors(of: node) where !expanded[ancestor] {
      expanded[ancestor] = true
      changed = true
    }
    if changed { refreshRows() }
  }

  /// Expands the ancestors of every node in `nodes`, refreshing the rows once.
  package mutating func revealAll(_ nodes: [Int]) {
    var changed = false
    for node in nodes {
      for ancestor in model.ancestors(of: node) where !expanded[ancestor] {
        expanded[ancestor] = true
        changed = true
      }
    }
    if changed { refreshRows() }
  }

  private static func subtreeEnds(of nodes: [ExplorerNode]) -> [Int] {
    var ends = Array(repeating: 0, count: nodes.count)
    for i in stride(from: nodes.count - 1, through: 0, by: -1) {
      ends[i] = nodes[i].children.last.map { ends[$0] } ?? i + 1
    }
    return ends
  }

  /// The ancestors of every block are expanded, so blocks show (collapsed) as the tree opens.
  private static func blockLevelExpansion(of model: ExplorerModel) -> [Bool] {
    var expanded = Array(repeating: false, count: model.nodes.count)
    if !expanded.isEmpty { expanded[0] = true }
    for (i, node) in model.nodes.enumerated() where node.isBlock {
      for ancestor in model.ancestors(of: i) { expanded[ancestor] = true }
    }
    return expanded
  }
}
