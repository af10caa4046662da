// What observers receive from a forward pass, and what each step reports.
import TensorCore

/// What to record at an observed node.
package struct ObserverOptions: OptionSet, Sendable, Hashable {
  package let rawValue: Int
  package init(rawValue: Int) { self.rawValue = rawValue }

  /// The node's output tensor (a copy), equal to what the module returns in PyTorch.
  package static let output = ObserverOptions(rawValue: 1)
  /// Statistics of the node's output (and of its shortcut/branch/attention tensors).
  package static let statistics = ObserverOptions(rawValue: 2)
  /// For a residual block: the shortcut and the residual branch just before their sum.
  package static let residual = ObserverOptions(rawValue: 4)
  /// For an attention node (SE, SK, split attention): its weights.
  package static let attention = ObserverOptions(rawValue: 8)

  /// With `.statistics`: the first sample's `Executor.previewChannels` channels of highest mean (a copy of those
  /// only, listed in `Observation.channels`), what the explorer draws thumbnails from.
  package static let preview = ObserverOptions(rawValue: 16)
  /// For a residual block: the L2 norms of the shortcut and of the branch just before their sum (no copies).
  package static let norms = ObserverOptions(rawValue: 32)

  package static let all: ObserverOptions = [.output, .statistics, .residual, .attention]
  /// What the explorer's live pass records: statistics, previews, residual norms and attention weights; none of
  /// them needs a whole output, so every node is observed on the fused pass (see `Executor+Observed`).
  package static let live: ObserverOptions = [.statistics, .preview, .norms, .attention]
  /// The options a node may have and still run fused.
  static let fusedObservable: ObserverOptions = [.statistics, .preview, .norms, .attention]
}

/// The kind of attention weights an attention node produces.
package enum AttentionKind: String, Sendable {
  /// Squeeze-and-excitation gates, N×C, each in (0, 1).
  case squeezeExcite = "se"
  /// Selective-kernel branch softmax, N×M×C (sums to 1 over M).
  case selectiveKernel = "sk"
  /// ResNeSt split-attention softmax, N×R×C radix-major (sums to 1 over R; sigmoid when R = 1).
  case splitAttention = "split"
}

/// One tensor recorded at an observed node.
package struct Observation: Sendable {
  /// What the tensor is.
  package enum Role: Sendable, Equatable {
    case output
    case shortcut
    case branch
    case attention(AttentionKind)

    /// The label used in file names and JSON (`output`, `shortcut`, `branch`, `attention`).
    package var label: String {
      switch self {
      case .output: return "output"
      case .shortcut: return "shortcut"
      case .branch: return "branch"
      case .attention: return "attention"
      }
    }
  }

  /// The node's module path (`""` for the root).
  package var path: String
  package var role: Role
  package var shape: [Int]
  /// A copy of the tensor when `.output` (or `.attention` / `.residual`) was requested.
  package var tensor: Tensor?
  /// Present when `.statistics` was requested.
  package var statistics: ActivationStatistics?
  /// With `.preview`: the channels of the output that `tensor` holds (1×k×H×W, the first sample's), in order.
  package var channels: [Int]?
  /// With `.norms`: the L2 norm of a shortcut or branch (accumulated in Double).
  package var norm: Double?
}

/// The result of running one step.
package struct StepReport: Sendable {
  /// Index in `Network.steps`.
  package var index: Int
  /// The step's name: `stem`, a module path, or `head`.
  package var name: String
  /// Wall time of the step in seconds.
  package var seconds: Double
  /// Shape of the tensor the step hands to the next one.
  package var outputShape: [Int]
  /// Statistics of that tensor, when step statistics are on.
  package var statistics: ActivationStatistics?
  /// What the observers recorded during the step, in execution order.
  package var observations: [Observation]
}

/// Why a forward pass stopped.
package enum ExecutorError: Error, CustomStringConvertible, Equatable {
  /// `cancel()` was called from another thread; the run can resume from the interrupted step.
  case cancelled(step: String)
  /// An op failed at a node (typically an input too small or of the wrong shape).
  case op(path: String, TensorError)
  case noInput
  case unknownNode(String)
  case unknownStep(String)
  case badInput(expected: String, got: [Int])
  /// An intervention spec that names no node, or asks for what its node cannot do.
  case badIntervention(String)

  package var description: String {
    switch self {
    case .cancelled(let step): return "forward pass cancelled during step \(step)"
    case .op(let path, let error): return "at \(path.isEmpty ? "the root" : path): \(error)"
    case .noInput: return "no input set"
    case .unknownNode(let path): return "no node at path '\(path)'"
    case .unknownStep(let name): return "no step named '\(name)'"
    case .badInput(let expected, let got):
      return "input must be \(expected), got \(got.map(String.init).joined(separator: "×"))"
    case .badIntervention(let reason): return reason
    }
  }
}
