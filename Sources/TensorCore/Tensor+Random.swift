/// Random tensors from a `SeededGenerator`: the same seed gives the same tensor everywhere.
extension Tensor {
  /// Elements drawn uniformly from [low, high), in row-major order.
  package static func uniform(_ shape: [Int], low: Float = 0, high: Float = 1, generator: inout SeededGenerator) throws
    -> Tensor
  {
    let t = try Tensor(uninitialized: shape)
    let p = t.storage.base
    for i in 0..<t.count { p[i] = low + (high - low) * generator.nextUniform() }
    return t
  }

  /// Elements drawn from N(mean, std²), in row-major order.
  package static func normal(_ shape: [Int], mean: Float = 0, std: Float = 1, generator: inout SeededGenerator) throws
    -> Tensor
  {
    let t = try Tensor(uninitialized: shape)
    let p = t.storage.base
    for i in 0..<t.count { p[i] = mean + std * generator.nextNormal() }
    return t
  }

  /// Convenience: `normal` with a fresh generator seeded by `seed`.
  package static func normal(_ shape: [Int], mean: Float = 0, std: Float = 1, seed: UInt64) throws -> Tensor {
    var g = SeededGenerator(seed: seed)
    return try normal(shape, mean: mean, std: std, generator: &g)
  }

  /// Convenience: `uniform` with a fresh generator seeded by `seed`.
  package static func uniform(_ shape: [Int], low: Float = 0, high: Float = 1, seed: UInt64) throws -> Tensor {
    var g = SeededGenerator(seed: seed)
    return try uniform(shape, low: low, high: high, generator: &g)
  }
}
