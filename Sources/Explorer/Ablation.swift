import Runtime
import Session

/// The intervention keys (`d` `D` `P`) and the two views they lead to (`L` lesion, `u` reuse).
package enum AblationCommand: Hashable, Sendable {
  /// `d`: the selected node's next intervention (after the last: none).
  case cycle
  /// `D`: every intervention off (plain mode stays).
  case clear
  /// `P`: plain mode (every shortcut off) on or off.
  case plain
  /// `L`: the lesion view (runs the study).
  case lesionView
  /// `u`: the DenseNet reuse view.
  case reuseView
  /// `b`: a backward pass (after the class prompt) and the gradient view.
  case gradient
}

/// After a full pass with interventions: how far its prediction is from the clean pass's.
package struct RunComparison: Equatable, Sendable {
  /// The clean pass's five most likely classes (sample 0).
  package var cleanTop: [ClassPrediction]
  /// KL(p_clean ‖ p), averaged over the samples (natural log).
  package var kl: Double
  /// Whether sample 0's top-1 class differs from the clean pass's.
  package var top1Changed: Bool

  package init(cleanTop: [ClassPrediction], kl: Double, top1Changed: Bool) {
    self.cleanTop = cleanTop
    self.kl = kl
    self.top1Changed = top1Changed
  }
}

/// Names one lesion study: results of another (an older one, another model's) are dropped.
package struct LesionID: Equatable, Sendable {
  package var generation: Int
  package var serial: Int

  package init(generation: Int, serial: Int) {
    self.generation = generation
    self.serial = serial
  }
}

/// One candidate of a lesion study, as the view shows it.
package struct LesionRow: Equatable, Sendable {
  package var path: String
  /// The spec (`layer3.2`, `…:shortcut`).
  package var spec: String
  package var kl: Double
  package var sameTop1: Bool
  /// The intervened top-1 class's name (sample 0).
  package var top1: String
  /// The intervened probability of the clean top-1 class.
  package var cleanTop1Probability: Double

  package init(
    path: String, spec: String, kl: Double, sameTop1: Bool, top1: String, cleanTop1Probability: Double
  ) {
    self.path = path
    self.spec = spec
    self.kl = kl
    self.sameTop1 = sameTop1
    self.top1 = top1
    self.cleanTop1Probability = cleanTop1Probability
  }
}

/// A finished lesion study: the candidates in network order.
package struct LesionResult: Equatable, Sendable {
  package var rows: [LesionRow]
  /// Steps run, in full passes (what the shared prefix saves).
  package var fullPassEquivalents: Double

  package init(rows: [LesionRow], fullPassEquivalents: Double) {
    self.rows = rows
    self.fullPassEquivalents = fullPassEquivalents
  }

  /// Row indices sorted by KL, largest first (ties in network order).
  package var byKL: [Int] {
    rows.indices.sorted { rows[$0].kl != rows[$1].kl ? rows[$0].kl > rows[$1].kl : $0 < $1 }
  }
}

/// What the lesion worker reports.
package enum LesionEvent: Equatable, Sendable {
  /// Which family runs (`blocks, branch off`) and how many candidates.
  case started(family: String, total: Int)
  case progress(done: Int, total: Int)
  case finished(LesionResult)
  case failed(String)
}

/// The lesion view (`L`): the study's progress, then KL along depth and the table sorted by KL.
package struct LesionOverlay: Equatable, Sendable {
  package var id: LesionID
  /// The interventions every pass of the study keeps on (the explorer's own), as one line.
  package var base: String
  package var family = ""
  package var done = 0
  package var total = 0
  package var result: LesionResult?
  package var failure: String?
  /// The selected row of the sorted table.
  package var selected = 0

  package init(id: LesionID, base: String) {
    self.id = id
    self.base = base
  }
}

/// DenseNet feature-reuse matrices as the reuse view shows them (``FeatureReuse``, by value).
package struct ReuseMaps: Equatable, Sendable {
  package struct Block: Equatable, Sendable {
    package var path: String
    package var sources: [String]
    package var targets: [String]
    /// targets × sources; nil where the target does not see the source.
    package var means: [[Double?]]

    package init(path: String, sources: [String], targets: [String], means: [[Double?]]) {
      self.path = path
      self.sources = sources
      self.targets = targets
      self.means = means
    }

    /// The largest mean of the block (the colour scale's top).
    package var maximum: Double { means.flatMap { $0.compactMap { $0 } }.max() ?? 0 }
  }

  package var blocks: [Block]

  package init(blocks: [Block]) { self.blocks = blocks }

  package init(_ reuse: FeatureReuse) {
    blocks = reuse.blocks.map { Block(path: $0.path, sources: $0.sources, targets: $0.targets, means: $0.means) }
  }
}

/// The reuse view (`u`): the maps and the cursor (block, target row, source column).
package struct ReuseOverlay: Equatable, Sendable {
  package var maps: ReuseMaps
  package var block = 0
  package var row = 0
  package var column = 0

  package init(maps: ReuseMaps) { self.maps = maps }

  /// Moves the cursor by rows and columns, crossing into the next / previous block at its sides.
  package mutating func move(rows dy: Int, columns dx: Int) {
    guard !maps.blocks.isEmpty else { return }
    var current = maps.blocks[block]
    row = min(max(0, row + dy), current.targets.count - 1)
    column += dx
    if column >= current.sources.count, block + 1 < maps.blocks.count {
      block += 1
      column = 0
    } else if column < 0, block > 0 {
      block -= 1
      current = maps.blocks[block]
      column = current.sources.count - 1
    }
    current = maps.blocks[block]
    row = min(row, current.targets.count - 1)
    column = min(max(0, column), current.sources.count - 1)
  }

  /// The next block (wrapping), the cursor kept in range.
  package mutating func nextBlock() {
    guard !maps.blocks.isEmpty else { return }
    block = (block + 1) % maps.blocks.count
    move(rows: 0, columns: 0)
  }
}

extension Intervention.Kind {
  /// What it does, in a few words (notices, the details pane).
  package var summary: String {
    switch self {
    case .branchOff: "branch off"
    case .shortcutOff: "shortcut off"
    case .gatesOff: "SE gates 1"
    case .uniform: "uniform weights"
    case .branch(let k): "branch \(k) only"
    case .split(let k): "split \(k) only"
    case .denseOff: "features off"
    }
  }

  /// The tree's short mark beside the name.
  package var mark: String {
    switch self {
    case .branchOff: "branch"
    case .shortcutOff: "shortcut"
    case .gatesOff: "gates"
    case .uniform: "uniform"
    case .branch(let k): "branch=\(k)"
    case .split(let k): "split=\(k)"
    case .denseOff: "off"
    }
  }
}
