// JSON values and the one JSON writer every output of convscope uses (reports, headers).

/// A JSON value; objects keep their key order so errors, files and printed reports stay reproducible.
package enum JSONValue: Equatable, Sendable {
  case null
  case bool(Bool)
  /// An integer that fits in Int64 (JSON numbers without fraction or exponent).
  case integer(Int64)
  /// Any other number.
  case number(Double)
  case string(String)
  case array([JSONValue])
  case object([(String, JSONValue)])

  package static func == (a: JSONValue, b: JSONValue) -> Bool {
    switch (a, b) {
    case (.null, .null): return true
    case let (.bool(x), .bool(y)): return x == y
    case let (.integer(x), .integer(y)): return x == y
    case let (.number(x), .number(y)): return x == y
    case let (.string(x), .string(y)): return x == y
    case let (.array(x), .array(y)): return x == y
    case let (.object(x), .object(y)):
      return x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
    case (.null, _), (.bool, _), (.integer, _), (.number, _), (.string, _), (.array, _), (.object, _): return false
    }
  }

  /// The value for `key` when this is an object.
  package subscript(key: String) -> JSONValue? {
    guard case .object(let members) = self else { return nil }
    return members.first { $0.0 == key }?.1
  }
}

extension JSONValue {
  /// How a document is laid out. Key order and number formatting are part of every output's format.
  package enum Layout: Sendable {
    /// No spaces at all (`run`, `bench`, safetensors headers).
    case compact
    /// `", "` and `": "` between items, on one line.
    case spaced
    /// The top-level object or array one item per line (indented 2), and the items of an array of
    /// objects one per line (indented 4); everything deeper `spaced` (`summary`, `list`).
    case rows
  }

  /// Compact JSON text for this value (keys in stored order).
  package var serialized: String { text(.compact) }

  /// The JSON text of this value in `layout`, without a trailing newline.
  package func text(_ layout: Layout) -> String {
    var out = ""
    switch layout {
    case .compact: write(to: &out, comma: ",", colon: ":")
    case .spaced: write(to: &out, comma: ", ", colon: ": ")
    case .rows: writeRows(to: &out)
    }
    return out
  }

  private func writeRows(to out: inout String) {
    switch self {
    case .array(let elements):
      out += "[\n"
      out += elements.map { "  " + $0.text(.spaced) }.joined(separator: ",\n")
      out += "\n]"
    case .object(let members):
      out += "{\n"
      out += members.map { key, value in
        var line = "  "
        JSONValue.writeString(key, to: &line)
        line += ": "
        if case .array(let rows) = value, rows.contains(where: \.isObject) {
          line += "[\n" + rows.map { "    " + $0.text(.spaced) }.joined(separator: ",\n") + "\n  ]"
        } else {
          line += value.text(.spaced)
        }
        return line
      }.joined(separator: ",\n")
      out += "\n}"
    case .null, .bool, .integer, .number, .string:
      out += text(.spaced)
    }
  }

  private var isObject: Bool {
    if case .object = self { return true }
    return false
  }

  private func write(to out: inout String, comma: String, colon: String) {
    switch self {
    case .null: out += "null"
    case .bool(let b): out += b ? "true" : "false"
    case .integer(let i): out += String(i)
    case .number(let d): out += d.isFinite ? "\(d)" : "null"
    case .string(let s): JSONValue.writeString(s, to: &out)
    case .array(let elements):
      out += "["
      for (i, e) in elements.enumerated() {
        if i > 0 { out += comma }
        e.write(to: &out, comma: comma, colon: colon)
      }
      out += "]"
    case .object(let members):
      out += "{"
      for (i, (k, v)) in members.enumerated() {
        if i > 0 { out += comma }
        JSONValue.writeString(k, to: &out)
        out += colon
        v.write(to: &out, comma: comma, colon: colon)
      }
      out += "}"
    }
  }

  private static func writeString(_ s: String, to out: inout String) {
    out += "\""
    for scalar in s.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      case let c where c.value < 0x20:
        let hex = String(c.value, radix: 16)
        out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
      default: out.unicodeScalars.append(scalar)  // a Unicode scalar that needs no escape
      }
    }
    out += "\""
  }
}
