import Runtime
import TensorCore

/// One step that has run: its time and output, with digests of every node observed inside it.
package struct StepDigest: Equatable, Sendable {
  package var index: Int
  package var name: String
  package var seconds: Double
  package var outputShape: [Int]
  /// Statistics of the tensor the step hands on (what `run --stats` prints per step).
  package var statistics: ActivationStatistics?
  package var nodes: [String: NodeDigest]
  package var attention: [AttentionDigest]
  /// Each node's own time in this step, by path (the explorer's `T`).
  package var layerTimes: [String: LayerTime] = [:]
  /// Bytes the executor's buffer pool holds after this step (it only grows: the pass's peak so far).
  package var poolBytes: Int?

  package init(
    index: Int, name: String, seconds: Double, outputShape: [Int], statistics: ActivationStatistics?,
    nodes: [String: NodeDigest] = [:], attention: [AttentionDigest] = []
  ) {
    self.index = index
    self.name = name
    self.seconds = seconds
    self.outputShape = outputShape
    self.statistics = statistics
    self.nodes = nodes
    self.attention = attention
  }

  /// Digests a step report: statistics and thumbnails of outputs, residual norms, attention weights.
  /// The report's tensors are dropped after this.
  package init(report: StepReport) {
    var nodes: [String: NodeDigest] = [:]
    var attention: [AttentionDigest] = []
    var norms: [String: (shortcut: Double?, branch: Double?)] = [:]
    for observation in report.observations {
      switch observation.role {
      case .output:
        guard let statistics = observation.statistics else { continue }
        var digest = NodeDigest(shape: observation.shape, statistics: statistics)
        if let tensor = observation.tensor {
          digest.thumbnails = NodeDigest.thumbnails(
            of: tensor, means: statistics.channelMean, channels: observation.channels)
        }
        nodes[observation.path] = digest
      case .shortcut:
        if let norm = observation.norm ?? observation.tensor.map(NodeDigest.norm) {
          norms[observation.path, default: (nil, nil)].shortcut = norm
        }
      case .branch:
        if let norm = observation.norm ?? observation.tensor.map(NodeDigest.norm) {
          norms[observation.path, default: (nil, nil)].branch = norm
        }
      case .attention(let kind):
        if let tensor = observation.tensor {
          attention.append(AttentionDigest(path: observation.path, step: report.name, kind: kind, tensor: tensor))
        }
      }
    }
    for (path, pair) in norms {
      nodes[path]?.shortcutNorm = pair.shortcut
      nodes[path]?.branchNorm = pair.branch
    }
    self.init(
      index: report.index, name: report.name, seconds: report.seconds, outputShape: report.outputShape,
      statistics: report.statistics, nodes: nodes, attention: attention)
  }
}
