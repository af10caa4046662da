import CRandom

/// A seeded random generator that gives the same numbers on every machine.
///
/// The state is xoshiro256** (Blackman & Vigna, 2018), its four words filled from the seed by
/// SplitMix64, so any 64-bit seed (0 included) works. Only integer arithmetic is used for the raw
/// stream; `nextUniform` takes the top 24 bits, and `nextNormal` is Box–Muller in Double
/// (log, sqrt, cos, sin of correctly-rounding libms agree) rounded to Float.
package struct SeededGenerator: RandomNumberGenerator, Sendable {
  private var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64
  /// The second value of the last Box–Muller pair, handed out by the next `nextNormal` call.
  private var spareNormal: Float?

  package init(seed: UInt64) {
    var x = seed
    func splitMix() -> UInt64 {
      x &+= 0x9E37_79B9_7F4A_7C15
      var z = x
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return z ^ (z >> 31)
    }
    s0 = splitMix(); s1 = splitMix(); s2 = splitMix(); s3 = splitMix()
  }

  /// The next raw 64 bits (xoshiro256**).
  package mutating func next() -> UInt64 {
    let result = rotl(s1 &* 5, 7) &* 9
    let t = s1 << 17
    s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
    s2 ^= t
    s3 = rotl(s3, 45)
    return result
  }

  private func rotl(_ v: UInt64, _ k: UInt64) -> UInt64 { (v << k) | (v >> (64 - k)) }

  /// Uniform in [0, 1): the top 24 bits scaled by 2⁻²⁴, so every value is exact in Float.
  package mutating func nextUniform() -> Float {
    Float(next() >> 40) * 0x1p-24
  }

  /// Fills `buffer` with low + span·u for successive uniforms u, the values `nextUniform` would give one by one.
  /// Long buffers are cut into eight pieces, each started by jumping the state ahead, and drawn in AVX2 lanes.
  package mutating func fillUniform(_ buffer: UnsafeMutableBufferPointer<Float>, low: Float, span: Float) {
    guard let start = buffer.baseAddress else { return }
    var state = (s0, s1, s2, s3)
    withUnsafeMutableBytes(of: &state) { words in
      guard let words = words.baseAddress?.assumingMemoryBound(to: UInt64.self) else { return }
      crandom_fill_uniform(words, start, buffer.count, low, span)
    }
    (s0, s1, s2, s3) = state
  }

  /// Standard normal (mean 0, std 1) by the Box–Muller transform; values come in pairs.
  package mutating func nextNormal() -> Float {
    if let spare = spareNormal {
      spareNormal = nil
      return spare
    }
    let u1 = (Double(next() >> 11) + 1) * 0x1p-53  // (0, 1]: log stays finite
    let u2 = Double(next() >> 11) * 0x1p-53  // [0, 1)
    let radius = (-2 * _log(u1)).squareRoot()
    let angle = 2 * Double.pi * u2
    spareNormal = Float(radius * _sin(angle))
    return Float(radius * _cos(angle))
  }
}

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

private func _log(_ x: Double) -> Double { log(x) }
private func _sin(_ x: Double) -> Double { sin(x) }
private func _cos(_ x: Double) -> Double { cos(x) }
