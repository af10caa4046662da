// One-line summaries of attention weights: SE gate range, and the mean share of each SK / split branch.

/// A summary of one attention node's weights over the batch.
package struct AttentionSummary: Equatable, Sendable {
  package var kind: AttentionKind
  /// SE: mean, min and max gate over N×C.
  package var gateMean: Double = 0
  package var gateMin: Double = 0
  package var gateMax: Double = 0
  /// SE: population standard deviation over channels of the batch-averaged gates (how selective the block is).
  package var gateSpread: Double = 0
  /// SK / split attention: mean weight of each branch (radix) over N×C; they sum to 1 for a softmax.
  package var branchShare: [Double] = []

  /// Summarises `weights`: N×C for SE, N×M×C for SK and split attention.
  package init(kind: AttentionKind, weights: [Float], shape: [Int]) {
    self.kind = kind
    switch kind {
    case .squeezeExcite:
      gateMin = Double(weights.min() ?? 0)
      gateMax = Double(weights.max() ?? 0)
      gateMean = weights.isEmpty ? 0 : weights.reduce(0.0) { $0 + Double($1) } / Double(weights.count)
      gateSpread = Self.channelSpread(weights, samples: shape[0])
    case .selectiveKernel, .splitAttention:
      let (n, m, c) = (shape[0], shape[1], shape[2])
      branchShare = (0..<m).map { branch in
        var total = 0.0
        for s in 0..<n {
          for j in 0..<c { total += Double(weights[(s * m + branch) * c + j]) }
        }
        return total / Double(max(n * c, 1))
      }
    }
  }

  /// Averages N×C gates over the batch, then takes the population standard deviation over channels.
  private static func channelSpread(_ weights: [Float], samples n: Int) -> Double {
    guard n > 0, !weights.isEmpty else { return 0 }
    let c = weights.count / n
    var perChannel = [Double](repeating: 0, count: c)
    for s in 0..<n {
      for j in 0..<c { perChannel[j] += Double(weights[s * c + j]) / Double(n) }
    }
    let mean = perChannel.reduce(0, +) / Double(c)
    return (perChannel.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(c)).squareRoot()
  }

  /// `gate mean 0.512 min 0.101 max 0.934 spread 0.210` or `branch share 0.612 / 0.388`.
  package var text: String {
    func f(_ x: Double) -> String { String(format3: x) }
    switch kind {
    case .squeezeExcite:
      return "gate mean \(f(gateMean)) min \(f(gateMin)) max \(f(gateMax)) spread \(f(gateSpread))"
    case .selectiveKernel, .splitAttention:
      return "branch share " + branchShare.map(f).joined(separator: " / ")
    }
  }
}

extension String {
  /// `x` with three decimals (no Foundation formatting needed).
  package init(format3 x: Double) {
    // Beyond 1e15 the thousandths no longer fit an Int exactly; Swift's own form (`1e+30`) is clearer anyway.
    guard x.isFinite, abs(x) < 1e15 else {
      self = x.isNaN ? "nan" : "\(x)"
      return
    }
    let scaled = (abs(x) * 1000).rounded()
    let whole = Int(scaled / 1000)
    let frac = Int(scaled.truncatingRemainder(dividingBy: 1000))
    let digits = String(frac)
    self = (x < 0 && scaled > 0 ? "-" : "") + "\(whole)." + String(repeating: "0", count: 3 - digits.count) + digits
  }
}
