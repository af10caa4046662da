// Little-endian scalar decoding and encoding, and IEEE half / bfloat16 to Float conversion.

/// Byte-level conversions shared by the safetensors and .npy readers and writers.
package enum ScalarBytes {
  /// The little-endian unsigned integer of `count` bytes at `offset`.
  package static func uintLE(_ bytes: [UInt8], at offset: Int, count: Int) -> UInt64 {
    var value: UInt64 = 0
    for i in (0..<count).reversed() { value = value << 8 | UInt64(bytes[offset + i]) }
    return value
  }

  /// IEEE 754 binary16 bits to Float (subnormals, infinities and NaN included).
  package static func floatFromHalf(_ h: UInt16) -> Float {
    let sign = UInt32(h >> 15) << 31
    let exponent = Int((h >> 10) & 0x1F)
    let mantissa = UInt32(h & 0x3FF)
    switch exponent {
    case 0:
      // Zero or subnormal: mantissa × 2⁻²⁴, exact in Float.
      let magnitude = Float(mantissa) * Float(sign: .plus, exponent: -24, significand: 1)
      return sign == 0 ? magnitude : -magnitude
    case 31:
      return Float(bitPattern: sign | 0x7F80_0000 | (mantissa << 13))
    default:  // an Int exponent: a normal number
      return Float(bitPattern: sign | UInt32(exponent - 15 + 127) << 23 | (mantissa << 13))
    }
  }

  /// bfloat16 bits (the top half of a Float) to Float.
  package static func floatFromBFloat16(_ b: UInt16) -> Float { Float(bitPattern: UInt32(b) << 16) }

  /// Decodes `count` little-endian scalars of `width` bytes starting at `offset` into Floats.
  package static func decodeFloats(
    _ bytes: [UInt8], at offset: Int, count: Int, width: Int, convert: (UInt64) -> Float
  ) -> [Float] {
    [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
      for i in 0..<count { buffer[i] = convert(uintLE(bytes, at: offset + i * width, count: width)) }
      initialized = count
    }
  }

  /// Decodes `count` little-endian binary32 values at `offset` (a straight copy on little-endian hosts).
  package static func decodeFloat32(_ bytes: [UInt8], at offset: Int, count: Int) -> [Float] {
    [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
      bytes.withUnsafeBytes { raw in
        for i in 0..<count {
          buffer[i] = Float(
            bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: offset + 4 * i, as: UInt32.self)))
        }
      }
      initialized = count
    }
  }

  /// Appends Floats as little-endian binary32.
  package static func appendFloats(_ values: [Float], to out: inout [UInt8]) {
    out.reserveCapacity(out.count + values.count * 4)
    for v in values {
      let bits = v.bitPattern
      out.append(UInt8(truncatingIfNeeded: bits))
      out.append(UInt8(truncatingIfNeeded: bits >> 8))
      out.append(UInt8(truncatingIfNeeded: bits >> 16))
      out.append(UInt8(truncatingIfNeeded: bits >> 24))
    }
  }

  /// Appends an unsigned integer as `count` little-endian bytes.
  package static func appendUIntLE(_ value: UInt64, count: Int, to out: inout [UInt8]) {
    for i in 0..<count { out.append(UInt8(truncatingIfNeeded: value >> (8 * UInt64(i)))) }
  }

  /// The product of `shape`, or nil when it overflows (a hostile header) or a dimension is negative.
  package static func elementCount(_ shape: [Int]) -> Int? {
    var count = 1
    for d in shape {
      guard d >= 0 else { return nil }
      let (p, overflow) = count.multipliedReportingOverflow(by: d)
      guard !overflow else { return nil }
      count = p
    }
    return count
  }

  /// `[2, 3, 4]` as users see shapes in messages.
  package static func describe(_ shape: [Int]) -> String { "[" + shape.map(String.init).joined(separator: ", ") + "]" }
}
