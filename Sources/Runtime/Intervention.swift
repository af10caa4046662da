// Interventions on a forward pass (Veit et al. 2016 lesion studies; the SE, SK and ResNeSt papers' questions of
// what attention changes; DenseNet §5): each is exact, so a PyTorch forward hook reproduces it.

/// One intervention: a node of the network and what is switched off or fixed there.
package struct Intervention: Hashable, Sendable, CustomStringConvertible {
  /// What the intervention does at its node.
  package enum Kind: Hashable, Sendable {
    /// A residual block returns post(shortcut(x)): its branch is zero.
    case branchOff
    /// A residual block returns post(branch(x)): its shortcut is zero (a plain block).
    case shortcutOff
    /// An SE node (or a block's inline SE) gates every channel with 1.
    case gatesOff
    /// An SK or split-attention node weighs its M branches (R splits) equally: 1/M (1/R; gate 1 when R = 1).
    case uniform
    /// An SK node takes only path K (weight 1, the others 0).
    case branch(Int)
    /// A split-attention node takes only radix chunk K.
    case split(Int)
    /// A dense layer appends zeros instead of its features.
    case denseOff
  }

  /// The node's module path, as `summary` prints it.
  package let path: String
  package let kind: Kind

  package init(path: String, kind: Kind) {
    self.path = path
    self.kind = kind
  }

  /// The spec that names this intervention on the command line (`layer3.2`, `layer3.2:shortcut`, …).
  package var description: String {
    switch kind {
    case .branchOff, .denseOff: path
    case .shortcutOff: path + ":shortcut"
    case .gatesOff: path + ":se"
    case .uniform: path + ":uniform"
    case .branch(let k): path + ":branch=\(k)"
    case .split(let k): path + ":split=\(k)"
    }
  }

  /// The kind as JSON names it.
  package var kindName: String {
    switch kind {
    case .branchOff: "branch_off"
    case .shortcutOff: "shortcut_off"
    case .gatesOff: "gates_off"
    case .uniform: "uniform"
    case .branch(let k): "branch=\(k)"
    case .split(let k): "split=\(k)"
    case .denseOff: "dense_off"
    }
  }
}

/// The families of candidates a lesion study goes through.
package enum LesionFamily: String, CaseIterable, Sendable {
  /// Every residual block, branch off.
  case blocks
  /// Every residual block, shortcut off.
  case shortcuts
  /// Every SE, SK and split-attention node: gates 1, uniform weights.
  case attention
  /// Every dense layer, off.
  case dense
}

/// What the interventions do at one node of the executor (plain mode and a lesion can meet at one block).
struct NodeIntervention: Equatable {
  var branchOff = false
  var shortcutOff = false
  var gatesOff = false
  /// Fixed branch / split weights: nil keeps the attention's own.
  var mixing: Mixing?
  var denseOff = false

  enum Mixing: Equatable {
    case uniform
    case only(Int)
  }

  var isEmpty: Bool { self == NodeIntervention() }
}
