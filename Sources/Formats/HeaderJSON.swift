// A small strict JSON parser for file headers (safetensors), bounded in depth and size.
// Hand-written on purpose: Foundation's JSONSerialization accepts duplicate keys, loses key order and
// integer precision beyond 2^53, and has no depth or size bound — a safetensors header must be refused
// for each of these, with the byte offset of the problem.

/// Why a JSON text could not be parsed; `offset` is the byte position of the problem.
package struct JSONParseError: Error, CustomStringConvertible, Equatable {
  package var reason: String
  package var offset: Int
  package var description: String { "invalid JSON at byte \(offset): \(reason)" }
}

/// Parses one JSON value from UTF-8 bytes, rejecting duplicate keys, trailing data and deep nesting.
package struct JSONParser {
  private let bytes: [UInt8]
  private var position = 0
  private let maxDepth: Int

  private init(bytes: [UInt8], maxDepth: Int) {
    self.bytes = bytes
    self.maxDepth = maxDepth
  }

  /// Parses `bytes` as exactly one JSON value (surrounding whitespace allowed).
  package static func parse(_ bytes: [UInt8], maxDepth: Int = 64) throws(JSONParseError) -> JSONValue {
    var parser = JSONParser(bytes: bytes, maxDepth: maxDepth)
    parser.skipWhitespace()
    let value = try parser.parseValue(depth: 0)
    parser.skipWhitespace()
    guard parser.position == bytes.count else { throw parser.error("unexpected data after the value") }
    return value
  }

  private func error(_ reason: String) -> JSONParseError { JSONParseError(reason: reason, offset: position) }

  private var current: UInt8? { position < bytes.count ? bytes[position] : nil }

  private mutating func skipWhitespace() {
    while let b = current, b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 { position += 1 }
  }

  private mutating func expect(_ literal: String, _ value: JSONValue) throws(JSONParseError) -> JSONValue {
    let utf8 = Array(literal.utf8)
    guard position + utf8.count <= bytes.count, Array(bytes[position..<position + utf8.count]) == utf8 else {
      throw error("expected '\(literal)'")
    }
    position += utf8.count
    return value
  }

  private mutating func parseValue(depth: Int) throws(JSONParseError) -> JSONValue {
    guard depth <= maxDepth else { throw error("nested deeper than \(maxDepth) levels") }
    guard let b = current else { throw error("unexpected end of text") }
    switch b {
    case UInt8(ascii: "{"): return try parseObject(depth: depth)
    case UInt8(ascii: "["): return try parseArray(depth: depth)
    case UInt8(ascii: "\""): return .string(try parseString())
    case UInt8(ascii: "t"): return try expect("true", .bool(true))
    case UInt8(ascii: "f"): return try expect("false", .bool(false))
    case UInt8(ascii: "n"): return try expect("null", .null)
    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
    default: throw error("unexpected character '\(Character(Unicode.Scalar(b)))'")  // a byte that starts no value
    }
  }

  private mutating func parseObject(depth: Int) throws(JSONParseError) -> JSONValue {
    position += 1
    var members: [(String, JSONValue)] = []
    var seen = Set<String>()
    skipWhitespace()
    if current == UInt8(ascii: "}") {
      position += 1
      return .object(members)
    }
    while true {
      skipWhitespace()
      guard current == UInt8(ascii: "\"") else { throw error("expected a string key") }
      let key = try parseString()
      guard seen.insert(key).inserted else { throw error("duplicate key \"\(key)\"") }
      skipWhitespace()
      guard current == UInt8(ascii: ":") else { throw error("expected ':' after key \"\(key)\"") }
      position += 1
      skipWhitespace()
      members.append((key, try parseValue(depth: depth + 1)))
      skipWhitespace()
      switch current {
      case UInt8(ascii: ","): position += 1
      case UInt8(ascii: "}"):
        position += 1
        return .object(members)
      default: throw error("expected ',' or '}' in object")  // a byte
      }
    }
  }

  private mutating func parseArray(depth: Int) throws(JSONParseError) -> JSONValue {
    position += 1
    var elements: [JSONValue] = []
    skipWhitespace()
    if current == UInt8(ascii: "]") {
      position += 1
      return .array(elements)
    }
    while true {
      skipWhitespace()
      elements.append(try parseValue(depth: depth + 1))
      skipWhitespace()
      switch current {
      case UInt8(ascii: ","): position += 1
      case UInt8(ascii: "]"):
        position += 1
        return .array(elements)
      default: throw error("expected ',' or ']' in array")  // a byte
      }
    }
  }

  private mutating func parseHex4() throws(JSONParseError) -> UInt32 {
    guard position + 4 <= bytes.count else { throw error("truncated \\u escape") }
    var value: UInt32 = 0
    for _ in 0..<4 {
      let b = bytes[position]
      let digit: UInt32
      switch b {
      case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(b - UInt8(ascii: "0"))
      case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(b - UInt8(ascii: "a") + 10)
      case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(b - UInt8(ascii: "A") + 10)
      default: throw error("bad hex digit in \\u escape")  // a byte
      }
      value = value * 16 + digit
      position += 1
    }
    return value
  }

  private mutating func parseString() throws(JSONParseError) -> String {
    position += 1
    var scalars = String.UnicodeScalarView()
    var raw: [UInt8] = []  // runs of unescaped bytes, validated as UTF-8 when flushed
    func flush() throws(JSONParseError) {
      guard !raw.isEmpty else { return }
      guard let text = String(validating: raw, as: UTF8.self) else { throw error("string is not valid UTF-8") }
      scalars.append(contentsOf: text.unicodeScalars)
      raw.removeAll(keepingCapacity: true)
    }
    while true {
      guard let b = current else { throw error("unterminated string") }
      position += 1
      switch b {
      case UInt8(ascii: "\""):
        try flush()
        return String(scalars)
      case UInt8(ascii: "\\"):
        try flush()
        guard let e = current else { throw error("unterminated escape") }
        position += 1
        switch e {
        case UInt8(ascii: "\""): scalars.append("\"")
        case UInt8(ascii: "\\"): scalars.append("\\")
        case UInt8(ascii: "/"): scalars.append("/")
        case UInt8(ascii: "b"): scalars.append("\u{08}")
        case UInt8(ascii: "f"): scalars.append("\u{0C}")
        case UInt8(ascii: "n"): scalars.append("\n")
        case UInt8(ascii: "r"): scalars.append("\r")
        case UInt8(ascii: "t"): scalars.append("\t")
        case UInt8(ascii: "u"):
          var code = try parseHex4()
          if (0xD800..<0xDC00).contains(code) {
            guard current == UInt8(ascii: "\\"), position + 1 < bytes.count, bytes[position + 1] == UInt8(ascii: "u")
            else { throw error("unpaired surrogate") }
            position += 2
            let low = try parseHex4()
            guard (0xDC00..<0xE000).contains(low) else { throw error("unpaired surrogate") }
            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
          }
          guard let scalar = Unicode.Scalar(code) else { throw error("invalid \\u escape") }
          scalars.append(scalar)
        default: throw error("invalid escape")  // a byte after a backslash
        }
      case 0..<0x20: throw error("control character in string")
      default: raw.append(b)  // a byte: any other byte is part of the string
      }
    }
  }

  private mutating func parseNumber() throws(JSONParseError) -> JSONValue {
    let start = position
    if current == UInt8(ascii: "-") { position += 1 }
    func digits() -> Int {
      let from = position
      while let b = current, b >= UInt8(ascii: "0"), b <= UInt8(ascii: "9") { position += 1 }
      return position - from
    }
    let intStart = position
    let intDigits = digits()
    guard intDigits > 0 else { throw error("expected digits") }
    guard !(intDigits > 1 && bytes[intStart] == UInt8(ascii: "0")) else { throw error("leading zero in number") }
    var isInteger = true
    if current == UInt8(ascii: ".") {
      position += 1
      isInteger = false
      guard digits() > 0 else { throw error("expected digits after '.'") }
    }
    if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
      position += 1
      isInteger = false
      if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { position += 1 }
      guard digits() > 0 else { throw error("expected digits in exponent") }
    }
    let text = String(decoding: bytes[start..<position], as: UTF8.self)
    if isInteger, let value = Int64(text) { return .integer(value) }
    guard let value = Double(text) else { throw error("unreadable number \(text)") }
    // 1e400 reads as infinity, which no JSON writer can show again (it would be reported as null).
    guard value.isFinite else { throw error("number \(text) is out of the range of a double") }
    return .number(value)
  }
}
