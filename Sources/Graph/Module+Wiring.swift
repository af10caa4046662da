/// One piece of a block's data flow, as the wiring view (`W`) draws it; paths are relative to the block.
///
/// Derived from a module's `Layer` and children (``Module/wiring``), so every family's block is drawn from the
/// same tree the executor runs, not from a picture made per family.
package indirect enum WiringStage: Sendable, Equatable {
  /// A module applied to the flowing tensor (a leaf, or a container shown as one line).
  case node(String)
  /// A functional op with no module (`relu`, `flatten`, `mean_HW`, `sigmoid`).
  case function(String)
  /// A softmax across `groups` groups of the flowing tensor's channels (timm's SK attention: N×(M·C)×H×W viewed
  /// N×M×C×H×W, softmax over M), named by what it runs over (`m`).
  case softmax(over: String, groups: Int)
  /// y = post(body(pre(x)) ⊕ shortcut(x)); an empty shortcut is the identity.
  case residual(pre: [WiringStage], body: [WiringStage], shortcut: [WiringStage], post: [WiringStage])
  /// Attention that reweights what its paths compute: the paths fan out from x (no paths: x itself), are summed
  /// and squeezed (`squeeze` names how), the attention path turns that into weights, and `combine` joins them.
  case attention(
    owner: String, kind: String, paths: [[WiringStage]], squeeze: String, weights: [WiringStage], combine: String)
  /// DenseNet's block: x ← cat_C(x, layer(x)) for each layer in order.
  case dense(owner: String, layers: [String])
}

extension Module {
  /// Whether the wiring view has a drawing of this module's own wiring (a block or an attention module).
  package var hasWiring: Bool {
    switch layer {
    case .residual, .denseBlock, .squeezeExcite, .selectiveKernel, .skConv, .splitAttention: return true
    case .conv2d, .batchNorm2d, .batchNormAct, .linear, .relu, .sigmoid, .identity, .flatten, .maxPool2d,
      .avgPool2d, .adaptiveAvgPool2d, .softmax, .radixSoftmax, .sequential, .moduleList, .program,
      .selectiveKernelAttention:
      return false
    }
  }

  /// This module's data flow as stages over paths relative to it; nested attention modules and blocks are
  /// expanded, other containers stay one line each.
  package var wiring: [WiringStage] { wiring(prefix: "") }

  private func wiring(prefix: String) -> [WiringStage] {
    func path(_ name: String) -> String { prefix.isEmpty ? name : prefix + "." + name }
    func children(_ names: [String]) -> [WiringStage] {
      names.map { name in child(name).map { $0.inline(path(name)) } ?? [.node(path(name))] }.flatMap { $0 }
    }
    switch layer {
    case .residual(let config):
      return [
        .residual(
          pre: stages(config.pre, prefix: prefix), body: stages(config.body, prefix: prefix),
          shortcut: unfolded(stages(config.shortcut, prefix: prefix)), post: stages(config.post, prefix: prefix))
      ]
    case .denseBlock:
      return [.dense(owner: prefix, layers: self.children.map { path($0.name) })]
    case .squeezeExcite:
      return [
        .attention(
          owner: prefix, kind: kind, paths: [], squeeze: "mean_HW(x)", weights: children(self.children.map(\.name)),
          combine: "x ⊙ a")
      ]
    case .selectiveKernel(let config):
      let paths = (0..<config.branches).map { [WiringStage.node(path("paths.\($0)"))] }
      let attn = child("attn")?.children.map { path("attn." + $0.name) } ?? []
      return [
        .attention(
          owner: prefix, kind: kind, paths: paths, squeeze: "mean_HW(Σ_m U_m)",
          weights: attn.map(WiringStage.node) + [.softmax(over: "m", groups: config.branches)],
          combine: "Σ_m a_m ⊙ U_m")
      ]
    case .skConv(let config):
      let paths = (0..<config.branches).map { [WiringStage.node(path("convs.\($0)"))] }
      let fcs = (0..<config.branches).map { path("fcs.\($0)") }.joined(separator: " ")
      return [
        .attention(
          owner: prefix, kind: kind, paths: paths, squeeze: "Σ_m U_m",
          weights: [.node(path("gap")), .node(path("fc")), .function(fcs), .node(path("softmax"))],
          combine: "Σ_m a_m ⊙ U_m")
      ]
    case .splitAttention(let config):
      return [
        .attention(
          owner: prefix, kind: kind, paths: [children(["conv", "bn0", "drop", "act0"])],
          squeeze: "mean_HW(Σ_r U_r), \(config.radix) splits",
          weights: children(["fc1", "bn1", "act1", "fc2", "rsoftmax"]), combine: "Σ_r a_r ⊙ U_r")
      ]
    case .conv2d, .batchNorm2d, .batchNormAct, .linear, .relu, .sigmoid, .identity, .flatten, .maxPool2d,
      .avgPool2d, .adaptiveAvgPool2d, .softmax, .radixSoftmax, .sequential, .moduleList, .program,
      .selectiveKernelAttention:
      return [.node(prefix)]
    }
  }

  /// `stages` with each `Sequential` container replaced by its children (a shortcut's `downsample.0`, `.1`).
  private func unfolded(_ stages: [WiringStage]) -> [WiringStage] {
    stages.flatMap { stage -> [WiringStage] in
      guard case .node(let path) = stage, let module = descendant(at: path), case .sequential = module.layer else {
        return [stage]
      }
      return module.children.map { .node(path + "." + $0.name) }
    }
  }

  /// How this module shows inside another's flow at `path`: expanded when it has wiring, else one line.
  private func inline(_ path: String) -> [WiringStage] {
    hasWiring ? wiring(prefix: path) : [.node(path)]
  }

  private func stages(_ ops: [Op], prefix: String) -> [WiringStage] {
    func path(_ name: String) -> String { prefix.isEmpty ? name : prefix + "." + name }
    return ops.flatMap { op -> [WiringStage] in
      switch op {
      case .module(let relative):
        return descendant(at: relative).map { $0.inline(path(relative)) } ?? [.node(path(relative))]
      case .dense(let relative): return [.dense(owner: prefix, layers: [path(relative)])]
      case .relu: return [.function("relu")]
      case .sigmoid: return [.function("sigmoid")]
      case .flatten: return [.function("flatten")]
      case .globalAvgPool: return [.function("mean_HW")]
      case .scale(let inner):
        return [
          .attention(
            owner: prefix, kind: "SE", paths: [], squeeze: "mean_HW(x)", weights: stages(inner, prefix: prefix),
            combine: "x ⊙ a")
        ]
      }
    }
  }
}
