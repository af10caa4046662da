import Runtime
import TensorCore

/// A feature map shrunk for a thumbnail: one channel of the first sample, box-averaged to at most
/// ``NodeDigest/thumbnailSide`` pixels a side, each pixel scaled to 0…1 over the node's thumbnails.
package struct FeatureThumbnail: Equatable, Sendable {
  package var channel: Int
  /// The channel's mean over the whole map (what ranked it among the most active).
  package var mean: Double
  package var width: Int
  package var height: Int
  /// Row-major pixel levels in 0…1.
  package var levels: [Float]

  /// The level of pixel (x, y).
  package subscript(x: Int, y: Int) -> Float { levels[y * width + x] }
}

/// What the explorer keeps of one observed node after its step ran: statistics, the most active
/// feature maps, and for a residual block the norms of its two summands. The tensors themselves are
/// dropped on the worker thread, so a finished run costs kilobytes per node.
package struct NodeDigest: Equatable, Sendable {
  /// Thumbnails kept per node, most active channel first.
  package static let thumbnailCount = 6
  /// Pixels on the longer side of a thumbnail.
  package static let thumbnailSide = 12

  package var shape: [Int]
  package var statistics: ActivationStatistics
  package var thumbnails: [FeatureThumbnail] = []
  /// L2 norms of the shortcut and of the residual branch just before their sum.
  package var shortcutNorm: Double?
  package var branchNorm: Double?

  package init(shape: [Int], statistics: ActivationStatistics, thumbnails: [FeatureThumbnail] = []) {
    self.shape = shape
    self.statistics = statistics
    self.thumbnails = thumbnails
  }

  /// ‖branch‖ / ‖shortcut‖: how much a residual block changes what flows through it.
  package var residualRatio: Double? {
    guard let s = shortcutNorm, let b = branchNorm, s > 0 else { return nil }
    return b / s
  }

  /// Thumbnails of the channels of `tensor` (N×C×H×W; first sample) with the highest means; when `channels` is
  /// given, `tensor` holds only those channels of the output, in that order (an observer's preview), already chosen.
  package static func thumbnails(of tensor: Tensor, means: [Double], channels: [Int]? = nil) -> [FeatureThumbnail] {
    guard tensor.rank == 4, tensor.shape[2] * tensor.shape[3] > 1 else { return [] }
    let (c, h, w) = (tensor.shape[1], tensor.shape[2], tensor.shape[3])
    // (position in tensor, channel of the output); every channel ranked only when the observer did not choose them
    let chosen: [(Int, Int)]
    if let channels {
      chosen = Array(channels.enumerated().prefix(thumbnailCount))
    } else {
      let ranked = (0..<min(c, means.count)).sorted { means[$0] != means[$1] ? means[$0] > means[$1] : $0 < $1 }
      chosen = ranked.prefix(thumbnailCount).map { ($0, $0) }
    }
    // Box-average to at most side × side, keeping the aspect ratio.
    let scale = max(1, (max(h, w) + thumbnailSide - 1) / thumbnailSide)
    let (th, tw) = ((h + scale - 1) / scale, (w + scale - 1) / scale)
    let base = tensor.sample(0)
    var maps: [(Int, [Float])] = []
    for (position, channel) in chosen {
      let plane = base + position * h * w
      var pixels = [Float](repeating: 0, count: th * tw)
      for ty in 0..<th {
        for tx in 0..<tw {
          var sum: Float = 0
          var n = 0
          for y in ty * scale..<min(h, (ty + 1) * scale) {
            for x in tx * scale..<min(w, (tx + 1) * scale) {
              sum += plane[y * w + x]
              n += 1
            }
          }
          pixels[ty * tw + tx] = n > 0 ? sum / Float(n) : 0
        }
      }
      maps.append((channel, pixels))
    }
    // One scale for all thumbnails of the node, so their brightness compares.
    let lo = maps.flatMap(\.1).min() ?? 0
    let hi = maps.flatMap(\.1).max() ?? 0
    let range = hi - lo
    return maps.map { channel, pixels in
      FeatureThumbnail(
        channel: channel, mean: means[channel], width: tw, height: th,
        levels: pixels.map { range > 0 ? ($0 - lo) / range : 0 })
    }
  }

  /// The L2 norm of a tensor, accumulated in Double.
  package static func norm(_ tensor: Tensor) -> Double {
    var total = 0.0
    for v in tensor.array { total += Double(v) * Double(v) }
    return total.squareRoot()
  }
}
