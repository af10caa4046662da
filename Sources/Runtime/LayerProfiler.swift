// Per-node wall time of a forward pass (`bench --per-layer`, the explorer's `T`): each group of ops the executor
// runs at once is timed on the node that computes it, its fused partners named, nested groups subtracted.
import Graph

/// One node's time: its own (nested groups subtracted), summed over its calls, and the nodes fused into it.
package struct LayerTime: Sendable, Equatable {
  package var seconds: Double
  package var calls: Int
  /// Paths of the nodes computed inside this node's kernel (a BN and ReLU folded into a conv), in order.
  package var fused: [String]

  package init(seconds: Double, calls: Int = 1, fused: [String] = []) {
    self.seconds = seconds
    self.calls = calls
    self.fused = fused
  }
}

/// The per-node times of a pass, as a value (what ``LayerProfiler`` measured).
package struct LayerProfile: Sendable, Equatable {
  package var entries: [String: LayerTime]
  /// The timed paths in the order they first ran.
  package var order: [String]
  /// Nodes fused into another: partner path → the path that computed it.
  package var fusedInto: [String: String]

  package init(entries: [String: LayerTime] = [:], order: [String] = [], fusedInto: [String: String] = [:]) {
    self.entries = entries
    self.order = order
    self.fusedInto = fusedInto
  }
}

/// Wall time of the nodes of one or more forward passes, by module path.
package final class LayerProfiler: @unchecked Sendable {
  package typealias Entry = LayerTime

  /// Entries by path, and the paths in the order they first ran.
  package private(set) var entries: [String: Entry] = [:]
  package private(set) var order: [String] = []
  /// Nodes fused into another: partner path → the path that computed it.
  package private(set) var fusedInto: [String: String] = [:]
  private var open: [(start: ContinuousClock.Instant, nested: Double)] = []
  private let clock = ContinuousClock()

  package init() {}

  /// Forgets everything measured (a new pass).
  package func clear() {
    entries = [:]
    order = []
    fusedInto = [:]
    open = []
  }

  /// What was measured so far, as a value.
  package var profile: LayerProfile { LayerProfile(entries: entries, order: order, fusedInto: fusedInto) }

  /// Starts timing a group of ops.
  func begin() { open.append((clock.now, 0)) }

  /// Ends the group begun last: its time, less the groups nested in it, goes to the node that computes it (a
  /// conv when the group has one, else its first node); the other nodes of the group are its fused partners.
  func end(_ nodes: [ExecutionNode]) {
    guard let (start, nested) = open.popLast() else { return }
    let elapsed = Self.seconds(start.duration(to: clock.now))
    if !open.isEmpty { open[open.count - 1].nested += elapsed }
    let computed = nodes.filter { !$0.isSkippableIdentity }
    guard
      let owner = computed.first(where: {
        if case .conv2d = $0.module.layer { return true }
        return false
      }) ?? computed.first
    else { return }
    let partners = computed.filter { $0 !== owner }.map(\.path)
    var entry = entries[owner.path] ?? LayerTime(seconds: 0, calls: 0)
    if entries[owner.path] == nil { order.append(owner.path) }
    entry.seconds += max(0, elapsed - nested)
    entry.calls += 1
    for partner in partners where !entry.fused.contains(partner) {
      entry.fused.append(partner)
      fusedInto[partner] = owner.path
    }
    entries[owner.path] = entry
  }

  private static func seconds(_ d: Duration) -> Double {
    Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
  }
}

extension Executor {
  /// The nodes a group of ops runs (a `.dense` layer, an inline SE's owner), for ``LayerProfiler/end(_:)``.
  static func profiledNodes(_ ops: ArraySlice<CompiledOp>) -> [ExecutionNode] {
    ops.compactMap { op in
      switch op {
      case .node(let node), .dense(let node): return node
      case .scale(_, let owner): return owner.node
      case .relu, .sigmoid, .flatten, .globalAvgPool: return nil
      }
    }
  }
}
