// Observers on the fused pass: the statistics of a conv, its batch norm and the ReLU after them, derived from the
// one tensor the fused conv + BN stores, instead of three unfused passes each copied and summarised.
import Graph
import TensorCore

/// How a node's output is derived, element by element, from the tensor a fused group stores (or reads):
/// v ↦ (v + pre[c]) · mul[c] + post[c] per channel c, then max(·, 0) when `relu`. The identity is the stored tensor.
package struct DerivedView: Sendable {
  package var pre: [Float]?
  package var mul: [Float]?
  package var post: [Float]?
  package var relu = false

  package init(pre: [Float]? = nil, mul: [Float]? = nil, post: [Float]? = nil, relu: Bool = false) {
    (self.pre, self.mul, self.post, self.relu) = (pre, mul, post, relu)
  }

  package static let stored = DerivedView()
  static let relu = DerivedView(relu: true)

  /// A conv's own output from its output with the batch norm folded in (y = W∗x · s + b, the conv's bias folded into
  /// b): (y − b) · (1/s) + bias. Nil when some s is zero or not finite (that channel's conv output is lost in y): then
  /// the conv is observed unfused.
  static func inverse(scale: Tensor, bias: Tensor, convBias: Tensor?) -> DerivedView? {
    let s = scale.array
    let b = bias.array
    guard s.allSatisfy({ $0 != 0 && $0.isFinite && (1 / $0).isFinite }), b.allSatisfy(\.isFinite) else { return nil }
    return DerivedView(pre: b.map { -$0 }, mul: s.map { 1 / $0 }, post: convBias?.array)
  }

  /// A batch norm (then ReLU) applied to its input, as the conv after it would apply it in its GEMM.
  static func affine(_ map: ChannelAffine, relu: Bool) -> DerivedView {
    DerivedView(mul: map.scale.array, post: map.shift.array, relu: relu)
  }

  var isStored: Bool { pre == nil && mul == nil && post == nil && !relu }

  /// One value of channel `c` as this view: the Float operations `row` applies, so monotone in x (increasing, or
  /// decreasing where mul[c] < 0), which lets a channel's extremes be mapped instead of read again.
  func value(_ x: Float, channel c: Int) -> Float {
    let v = (x + (pre?[c] ?? 0)) * (mul?[c] ?? 1) + (post?[c] ?? 0)
    return relu ? max(v, 0) : v
  }

  /// Row `source` (channel `c`, `count` values) as this view into `out`; the stored row itself when the view is
  /// the identity.
  func row(_ source: UnsafePointer<Float>, channel c: Int, count: Int, into out: UnsafeMutablePointer<Float>)
    -> UnsafePointer<Float>
  {
    if isStored { return source }
    let (a, m, p) = (pre?[c] ?? 0, mul?[c] ?? 1, post?[c] ?? 0)
    let (a8, m8, p8) = (SIMD8<Float>(repeating: a), SIMD8<Float>(repeating: m), SIMD8<Float>(repeating: p))
    let zero = SIMD8<Float>()
    var i = 0
    while i + 8 <= count {
      var v = (UnsafeRawPointer(source + i).loadUnaligned(as: SIMD8<Float>.self) + a8) * m8 + p8
      if relu { v = v.replacing(with: zero, where: v .< zero) }
      UnsafeMutableRawPointer(out + i).storeBytes(of: v, as: SIMD8<Float>.self)
      i += 8
    }
    while i < count {
      let v = (source[i] + a) * m + p
      out[i] = relu ? max(v, 0) : v
      i += 1
    }
    return UnsafePointer(out)
  }
}

extension Executor {
  /// A node a fused group reports and the view of the group's tensor that is its output.
  struct FusedReport {
    let node: ExecutionNode
    let view: DerivedView
  }

  /// Records each of `reports` as derived from `tensor` (every view's statistics in one sweep over it), then applies
  /// a ReLU to `tensor` in place when `relu` (the ReLU that the unobserved pass fuses into the GEMM's store).
  func recordDerived(_ reports: [FusedReport], from tensor: Tensor, relu: Bool) throws {
    let wanted = reports.filter { !$0.node.observe.isDisjoint(with: [.statistics, .preview]) }
    var statistics: [ActivationStatistics] = []
    if !wanted.isEmpty {
      let plane = tensor.rank > 1 ? tensor.shape.dropFirst(2).reduce(1, *) : tensor.shape[0]
      let rows = ActivationStatistics.rows(of: tensor)
      let scratch = UnsafeMutablePointer<Float>.allocate(capacity: max(plane, 1))
      defer { scratch.deallocate() }
      statistics =
        wanted.contains { $0.node.observe.contains(.statistics) }
        ? ActivationStatistics.sweep(tensor, views: wanted.map(\.view)) : []
      for (v, report) in wanted.enumerated() {
        let view = report.view
        record(
          report.node, .output, tensor, statistics: statistics.isEmpty ? nil : statistics[v],
          rows: view.isStored ? nil : { s, c in view.row(rows(s, c), channel: c, count: plane, into: scratch) })
      }
    }
    if relu {
      recent = nil
      try Ops.relu(tensor, into: tensor)
      if let k = wanted.firstIndex(where: { $0.view.relu && $0.view.pre == nil && $0.view.mul == nil }),
        k < statistics.count
      {
        remember(tensor, statistics[k])  // the tensor now holds the ReLU's output
      }
    }
  }

  /// The channels of highest mean (ties: lower index first) of the first sample, copied as 1×k×H×W, for a
  /// thumbnail; nil when the tensor is not N×C×H×W with more than one pixel per channel.
  func preview(shape: [Int], means: [Double], rows: (Int, Int) -> UnsafePointer<Float>) -> (Tensor, [Int])? {
    guard shape.count == 4, shape[2] * shape[3] > 1, previewChannels > 0 else { return nil }
    let plane = shape[2] * shape[3]
    // The first `previewChannels` of that order, kept by insertion (a sort of every channel, for six of up to 2048,
    // was a visible share of the observed pass).
    let first = { (a: Int, b: Int) in means[a] != means[b] ? means[a] > means[b] : a < b }
    var chosen: [Int] = []
    chosen.reserveCapacity(previewChannels + 1)
    for c in 0..<min(shape[1], means.count) where chosen.count < previewChannels || first(c, chosen[chosen.count - 1]) {
      chosen.insert(c, at: chosen.firstIndex { first(c, $0) } ?? chosen.count)
      if chosen.count > previewChannels { chosen.removeLast() }
    }
    guard let copy = try? Tensor(uninitialized: [1, chosen.count, shape[2], shape[3]]) else { return nil }
    for (k, c) in chosen.enumerated() { (copy.sample(0) + k * plane).update(from: rows(0, c), count: plane) }
    return (copy, chosen)
  }

  /// Records the L2 norms of a residual block's shortcut and branch when its observer asks for them.
  func recordNorms(_ node: ExecutionNode, shortcut: Tensor?, branch: Tensor?) {
    guard node.observe.contains(.norms) else { return }
    for case let (role, tensor?) in [(Observation.Role.shortcut, shortcut), (.branch, branch)] {
      observations.append(
        Observation(
          path: node.path, role: role, shape: tensor.shape, tensor: nil, statistics: nil,
          norm: ActivationStatistics.l2(tensor)))
    }
  }

  /// Statistics of `tensor`, reused when the last tensor summarised is this one, unchanged since (a block's
  /// output is also its stage's, its ReLU's and the step's).
  func statistics(of tensor: Tensor) -> ActivationStatistics {
    if let recent, recent.storage === tensor.storage, recent.offset == tensor.offset, recent.shape == tensor.shape,
      recent.batchStride == tensor.batchStride
    {
      return recent.statistics
    }
    let s = ActivationStatistics(tensor)
    remember(tensor, s)
    return s
  }

  func remember(_ tensor: Tensor, _ statistics: ActivationStatistics) {
    recent = RecentStatistics(
      storage: tensor.storage, offset: tensor.offset, shape: tensor.shape, batchStride: tensor.batchStride,
      statistics: statistics)
  }
}

/// The statistics last computed and the tensor they are of (cleared whenever a buffer is written in place).
struct RecentStatistics {
  let storage: TensorStorage
  let offset: Int
  let shape: [Int]
  let batchStride: Int
  let statistics: ActivationStatistics
}
