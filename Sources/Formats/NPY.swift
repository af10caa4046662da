// NumPy's .npy format (numpy/lib/format.py, versions 1.0–3.0): magic, version, a header that is a
// Python dict literal ({'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }), then raw data.

/// A float array read from or written to a .npy file, C order.
package struct NPYArray: Equatable, Sendable {
  package var shape: [Int]
  package var values: [Float]

  package init(shape: [Int], values: [Float]) {
    precondition(ScalarBytes.elementCount(shape) == values.count, "shape and value count disagree")
    self.shape = shape
    self.values = values
  }
}

/// What is wrong with a .npy file; each description is one line.
package enum NPYError: Error, CustomStringConvertible, Equatable {
  case io(FileIOError)
  case badMagic
  case unsupportedVersion(major: UInt8, minor: UInt8)
  case truncatedHeader(needed: Int, available: Int)
  case badHeader(String)
  case unsupportedDType(String)
  case fortranOrder
  case dataSize(shape: [Int], dtype: String, expected: Int, found: Int)

  package var description: String {
    switch self {
    case .io(let e): return e.description
    case .badMagic: return ".npy file does not start with the \\x93NUMPY magic"
    case .unsupportedVersion(let major, let minor):
      return ".npy format version \(major).\(minor) is not supported (1.0, 2.0, 3.0)"
    case .truncatedHeader(let needed, let available):
      return ".npy header is truncated: needs \(needed) bytes, the file has \(available)"
    case .badHeader(let reason): return ".npy header is malformed: \(reason)"
    case .unsupportedDType(let descr):
      return ".npy dtype '\(descr)' is not supported (little-endian float: <f4, <f8, <f2)"
    case .fortranOrder: return ".npy array is in Fortran order; only C order is supported (use np.ascontiguousarray)"
    case .dataSize(let shape, let dtype, let expected, let found):
      return ".npy data for \(dtype) \(ScalarBytes.describe(shape)) needs \(expected) bytes, the file has \(found)"
    }
  }
}

extension NPYArray {
  private static let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)

  /// Reads and validates the file at `path`.
  package static func read(path: String) throws(NPYError) -> NPYArray {
    let bytes: [UInt8]
    do { bytes = try FileBytes.read(path) } catch { throw .io(error) }
    return try decode(bytes)
  }

  /// Decodes a whole .npy file: `<f4` as is, `<f8` and `<f2` converted to Float.
  package static func decode(_ bytes: [UInt8]) throws(NPYError) -> NPYArray {
    guard bytes.count >= 8, Array(bytes[0..<6]) == magic else { throw .badMagic }
    let (major, minor) = (bytes[6], bytes[7])
    let lengthBytes: Int
    switch (major, minor) {
    case (1, 0): lengthBytes = 2
    case (2, 0), (3, 0): lengthBytes = 4
    default: throw .unsupportedVersion(major: major, minor: minor)  // a (UInt8, UInt8) version
    }
    guard bytes.count >= 8 + lengthBytes else {
      throw .truncatedHeader(needed: 8 + lengthBytes, available: bytes.count)
    }
    let headerLength = Int(ScalarBytes.uintLE(bytes, at: 8, count: lengthBytes))
    let dataStart = 8 + lengthBytes + headerLength
    guard dataStart <= bytes.count else { throw .truncatedHeader(needed: dataStart, available: bytes.count) }
    let (descr, fortran, shape) = try parseHeader(Array(bytes[(8 + lengthBytes)..<dataStart]))
    guard !fortran else { throw .fortranOrder }
    let width: Int
    switch descr {
    case "<f4": width = 4
    case "<f8": width = 8
    case "<f2": width = 2
    default: throw .unsupportedDType(descr)  // a String descr
    }
    let available = bytes.count - dataStart
    guard let count = ScalarBytes.elementCount(shape) else {
      throw .badHeader("shape \(ScalarBytes.describe(shape)) overflows")
    }
    let (needed, overflow) = count.multipliedReportingOverflow(by: width)
    guard !overflow, needed == available else {
      throw .dataSize(shape: shape, dtype: descr, expected: overflow ? Int.max : needed, found: available)
    }
    let values: [Float]
    switch width {
    case 4: values = ScalarBytes.decodeFloat32(bytes, at: dataStart, count: count)
    case 8:
      values = ScalarBytes.decodeFloats(bytes, at: dataStart, count: count, width: 8) { Float(Double(bitPattern: $0)) }
    default:  // an Int: width 2, the only other width the dtype check admits
      values = ScalarBytes.decodeFloats(bytes, at: dataStart, count: count, width: 2) {
        ScalarBytes.floatFromHalf(UInt16(truncatingIfNeeded: $0))
      }
    }
    return NPYArray(shape: shape, values: values)
  }

  /// The file's bytes: version 1.0 (2.0 when the header needs it), `<f4`, C order, header padded to 64 bytes.
  package func encoded() -> [UInt8] {
    let dims = shape.map(String.init)
    let tuple = dims.count == 1 ? "(\(dims[0]),)" : "(" + dims.joined(separator: ", ") + ")"
    var header = Array("{'descr': '<f4', 'fortran_order': False, 'shape': \(tuple), }".utf8)
    let lengthBytes = header.count + 1 + 10 > 65535 ? 4 : 2
    let prefix = 8 + lengthBytes
    while (prefix + header.count + 1) % 64 != 0 { header.append(0x20) }
    header.append(0x0A)
    var out = Self.magic + [lengthBytes == 2 ? 1 : 2, 0]
    ScalarBytes.appendUIntLE(UInt64(header.count), count: lengthBytes, to: &out)
    out += header
    ScalarBytes.appendFloats(values, to: &out)
    return out
  }

  /// Writes the file atomically (temp file beside `path`, then rename).
  package func write(path: String) throws(FileIOError) {
    try FileBytes.writeAtomically(encoded(), to: path)
  }

  /// Parses the header dict: exactly the keys descr, fortran_order and shape.
  private static func parseHeader(_ bytes: [UInt8]) throws(NPYError) -> (String, Bool, [Int]) {
    var lexer = PythonLiteralLexer(bytes: bytes)
    var descr: String?
    var fortran: Bool?
    var shape: [Int]?
    try lexer.expect("{")
    while true {
      if try lexer.peek() == "}" { break }
      let key = try lexer.string()
      try lexer.expect(":")
      switch key {
      case "descr": descr = try lexer.string()
      case "fortran_order": fortran = try lexer.bool()
      case "shape": shape = try lexer.intTuple()
      default: throw .badHeader("unexpected key '\(key)'")  // a String key
      }
      if try lexer.peek() == "," { try lexer.expect(",") } else { break }
    }
    try lexer.expect("}")
    try lexer.expectEnd()
    guard let descr else { throw .badHeader("no 'descr'") }
    guard let fortran else { throw .badHeader("no 'fortran_order'") }
    guard let shape else { throw .badHeader("no 'shape'") }
    return (descr, fortran, shape)
  }
}

/// Just enough of Python's literal syntax for .npy headers: strings, True/False, tuples of ints.
private struct PythonLiteralLexer {
  let bytes: [UInt8]
  var position = 0

  init(bytes: [UInt8]) { self.bytes = bytes }

  mutating func skipSpace() {
    while position < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[position]) { position += 1 }
  }

  mutating func peek() throws(NPYError) -> Character {
    skipSpace()
    guard position < bytes.count else { throw .badHeader("unexpected end") }
    return Character(Unicode.Scalar(bytes[position]))
  }

  mutating func expect(_ c: Character) throws(NPYError) {
    guard try peek() == c else { throw .badHeader("expected '\(c)' at byte \(position)") }
    position += 1
  }

  mutating func expectEnd() throws(NPYError) {
    skipSpace()
    guard position == bytes.count else { throw .badHeader("unexpected text after the dict") }
  }

  mutating func string() throws(NPYError) -> String {
    let quote = try peek()
    guard quote == "'" || quote == "\"" else { throw .badHeader("expected a string at byte \(position)") }
    position += 1
    let start = position
    while position < bytes.count, Character(Unicode.Scalar(bytes[position])) != quote { position += 1 }
    guard position < bytes.count else { throw .badHeader("unterminated string") }
    defer { position += 1 }
    return String(decoding: bytes[start..<position], as: UTF8.self)
  }

  mutating func bool() throws(NPYError) -> Bool {
    skipSpace()
    for (word, value) in [("True", true), ("False", false)] {
      let utf8 = Array(word.utf8)
      if position + utf8.count <= bytes.count, Array(bytes[position..<position + utf8.count]) == utf8 {
        position += utf8.count
        return value
      }
    }
    throw .badHeader("expected True or False at byte \(position)")
  }

  mutating func intTuple() throws(NPYError) -> [Int] {
    try expect("(")
    var values: [Int] = []
    while try peek() != ")" {
      let start = position
      while position < bytes.count, (0x30...0x39).contains(bytes[position]) { position += 1 }
      guard position > start else { throw .badHeader("expected a dimension at byte \(start)") }
      let digits = String(decoding: bytes[start..<position], as: UTF8.self)
      // 18 digits keep every product of a few dimensions far from overflowing; no real array comes near.
      guard position - start <= 18, let value = Int(digits) else {
        let shown = digits.count > 40 ? digits.prefix(40) + "…" : Substring(digits)
        throw .badHeader("dimension \(shown) at byte \(start) is too large")
      }
      if position < bytes.count, bytes[position] == UInt8(ascii: "L") { position += 1 }  // Python 2 longs
      values.append(value)
      if try peek() == "," { position += 1 } else { break }
    }
    try expect(")")
    return values
  }
}
