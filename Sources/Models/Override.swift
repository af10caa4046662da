import Foundation
// Variants: a zoo base's hyper-parameters as a key table, and the typed values `--set KEY=VALUE` gives them.
import Graph

/// What a key accepts; parsing a value's text against its kind gives the typed value or names the rule.
package enum ValueKind: Sendable, Equatable {
  /// An integer of at least `minimum` (`num_classes`, `groups`; `radix` may be 0).
  case integer(minimum: Int)
  /// A comma list of `count` integers, each 1 or more (`layers=3,4,23,3`); any length when `count` is nil.
  case integers(count: Int?)
  /// `true` or `false`.
  case boolean
  /// One of the names (`block=bottleneck`; `""` is written `stem_type=` or `stem_type=""`).
  case choice([String])
  /// A positive number, written `1/16`, `0.0625` or `2`.
  case ratio

  /// How the README and the errors describe the kind.
  package var expected: String {
    switch self {
    case .integer(let minimum): return "an integer ≥ \(minimum)"
    case .integers(let count?): return "\(count) comma-separated integers ≥ 1"
    case .integers(nil): return "comma-separated integers ≥ 1"
    case .boolean: return "true or false"
    case .choice(let names): return "one of " + names.map { $0.isEmpty ? "\"\"" : $0 }.joined(separator: ", ")
    case .ratio: return "a positive ratio such as 1/16 or 0.0625"
    }
  }
}

/// A typed override value.
package enum OverrideValue: Hashable, Sendable {
  case integer(Int)
  case integers([Int])
  case boolean(Bool)
  case name(String)
  case ratio(Double)

  /// The integer of an `.integer` value (0 for another case, which the key's kind rules out).
  var int: Int { if case .integer(let v) = self { v } else { 0 } }
  var ints: [Int] { if case .integers(let v) = self { v } else { [] } }
  var bool: Bool { if case .boolean(let v) = self { v } else { false } }
  var string: String { if case .name(let v) = self { v } else { "" } }
  var double: Double { if case .ratio(let v) = self { v } else { 0 } }

  /// The value as `--set` writes it (`3,4,6,3`, `true`, `""`; a ratio 1/n as `1/16`).
  package var text: String {
    switch self {
    case .integer(let v): return String(v)
    case .integers(let v): return v.map(String.init).joined(separator: ",")
    case .boolean(let v): return v ? "true" : "false"
    case .name(let v): return v.isEmpty ? "\"\"" : v
    case .ratio(let v):
      let inverse = 1 / v
      if v < 1, inverse == inverse.rounded(), inverse < 1e6 { return "1/\(Int(inverse))" }
      return v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : String(v)
    }
  }
}

/// One changed hyper-parameter: the reference constructor's argument name, its typed value and the text it was
/// written as (`1/16` stays `1/16` in titles).
package struct Override: Hashable, Sendable, CustomStringConvertible {
  package let key: String
  package let value: OverrideValue
  /// The value as written, normalised (`3,4,6,3`, `true`, `1/16`, `""` for an empty name).
  package let text: String

  package init(key: String, value: OverrideValue, text: String) {
    self.key = key
    self.value = value
    self.text = text
  }

  /// `key=text`.
  package var description: String { "\(key)=\(text)" }

  /// Parses `text` as `kind` for `key`; a wrong value throws naming the key, the value and what it must be.
  package init(key: String, kind: ValueKind, text raw: String, model: String) throws(VariantError) {
    let text = raw.trimmingCharacters(in: .whitespaces)
    func refuse(_ rule: String) -> VariantError { VariantError("\(model): \(key)=\(raw): \(rule)") }
    switch kind {
    case .integer(let minimum):
      guard let v = Int(text) else { throw refuse("expected \(kind.expected)") }
      guard v >= minimum else {
        throw refuse(minimum == 1 ? "must be 1 or more (a count of \(v) cannot build)" : "must be \(minimum) or more")
      }
      self.init(key: key, value: .integer(v), text: String(v))
    case .integers(let count):
      let parts = text.split(separator: ",", omittingEmptySubsequences: false).map {
        Int($0.trimmingCharacters(in: .whitespaces))
      }
      let values = parts.compactMap { $0 }
      guard !text.isEmpty, values.count == parts.count else { throw refuse("expected \(kind.expected)") }
      if let count, values.count != count { throw refuse("needs \(count) integers, got \(values.count)") }
      if let bad = values.first(where: { $0 < 1 }) {
        throw refuse(
          "every count must be 1 or more, got \(bad) (torchvision would silently build one block; convscope refuses)")
      }
      self.init(key: key, value: .integers(values), text: values.map(String.init).joined(separator: ","))
    case .boolean:
      switch text.lowercased() {
      case "true": self.init(key: key, value: .boolean(true), text: "true")
      case "false": self.init(key: key, value: .boolean(false), text: "false")
      default: throw refuse("expected \(kind.expected)")  // a String that is neither
      }
    case .choice(let names):
      let name = text == "\"\"" || text == "''" ? "" : text
      guard names.contains(name) else { throw refuse("expected \(kind.expected)") }
      self.init(key: key, value: .name(name), text: name.isEmpty ? "\"\"" : name)
    case .ratio:
      let v: Double?
      if let slash = text.firstIndex(of: "/") {
        let num = Double(text[..<slash].trimmingCharacters(in: .whitespaces))
        let den = Double(text[text.index(after: slash)...].trimmingCharacters(in: .whitespaces))
        v = num.flatMap { n in den.flatMap { d in d == 0 ? nil : n / d } }
      } else {
        v = Double(text)
      }
      guard let v, v.isFinite else { throw refuse("expected \(kind.expected)") }
      guard v > 0 else { throw refuse("must be positive (a ratio of \(v) gives zero channels)") }
      self.init(key: key, value: .ratio(v), text: text.replacingOccurrences(of: " ", with: ""))
    }
  }
}

/// A refused variant: an unknown key or model, a value of the wrong kind, or a rule the reference enforces.
package struct VariantError: Error, CustomStringConvertible, Equatable {
  package let description: String

  package init(_ description: String) { self.description = description }
}

/// One hyper-parameter of a base: the reference's argument name, its kind, one line of documentation and how it
/// sets the base's config.
struct Key<Config>: Sendable {
  let name: String
  let kind: ValueKind
  let doc: String
  /// The key's value in a config (what the editor shows as the base value).
  let get: @Sendable (Config) -> OverrideValue
  let set: @Sendable (inout Config, OverrideValue) -> Void

  init(
    _ name: String, _ kind: ValueKind, _ doc: String, get: @escaping @Sendable (Config) -> OverrideValue,
    set: @escaping @Sendable (inout Config, OverrideValue) -> Void
  ) {
    self.name = name
    self.kind = kind
    self.doc = doc
    self.get = get
    self.set = set
  }

  /// A key that is one field of the config (the usual case: `\.groups`).
  init(_ name: String, _ kind: ValueKind, _ doc: String, _ field: WritableKeyPath<Config, Int> & Sendable) {
    self.init(name, kind, doc, get: { .integer($0[keyPath: field]) }, set: { $0[keyPath: field] = $1.int })
  }

  init(_ name: String, _ kind: ValueKind, _ doc: String, _ field: WritableKeyPath<Config, [Int]> & Sendable) {
    self.init(name, kind, doc, get: { .integers($0[keyPath: field]) }, set: { $0[keyPath: field] = $1.ints })
  }

  init(_ name: String, _ kind: ValueKind, _ doc: String, _ field: WritableKeyPath<Config, Bool> & Sendable) {
    self.init(name, kind, doc, get: { .boolean($0[keyPath: field]) }, set: { $0[keyPath: field] = $1.bool })
  }

  init(_ name: String, _ kind: ValueKind, _ doc: String, _ field: WritableKeyPath<Config, Double> & Sendable) {
    self.init(name, kind, doc, get: { .ratio($0[keyPath: field]) }, set: { $0[keyPath: field] = $1.double })
  }

  /// A `.choice` key whose field is an enum of those names.
  init<Choice: RawRepresentable<String>>(
    _ name: String, _ kind: ValueKind, _ doc: String, _ field: WritableKeyPath<Config, Choice> & Sendable
  ) {
    self.init(
      name, kind, doc, get: { .name($0[keyPath: field].rawValue) },
      set: { config, value in
        // The kind's names are the enum's raw values, so parsing has already ruled out a miss.
        if let choice = Choice(rawValue: value.string) { config[keyPath: field] = choice }
      })
  }

  var info: KeyInfo { KeyInfo(name: name, kind: kind, doc: doc) }
}

/// A key as the layers above Models see it (name, kind, documentation).
package struct KeyInfo: Sendable, Equatable {
  package let name: String
  package let kind: ValueKind
  package let doc: String
}

/// How a base becomes a variant: its keys, the rules the reference enforces, and the builder.
struct Recipe<Config: Sendable>: Sendable {
  let keys: [Key<Config>]
  /// Throws naming the key, value and rule when the config cannot build (or the reference refuses it).
  let validate: @Sendable (Config, _ model: String) throws(VariantError) -> Void
  let build: @Sendable (Config) -> Network

  /// `config` with the overrides applied and checked; unknown keys name this base's keys.
  func apply(_ overrides: [Override], to config: Config, model: String) throws(VariantError) -> Config {
    var config = config
    for override in overrides {
      guard let key = keys.first(where: { $0.name == override.key }) else {
        throw VariantError.unknownKey(override.key, model: model, keys: keys.map(\.name))
      }
      key.set(&config, override.value)
    }
    try validate(config, model)
    return config
  }
}

extension VariantError {
  /// An unknown key, with a did-you-mean and the list of this base's keys.
  static func unknownKey(_ key: String, model: String, keys: [String]) -> VariantError {
    let guess = Spelling.closest(to: key, in: keys).map { " (did you mean '\($0)'?)" } ?? ""
    return VariantError("\(model) has no key '\(key)'\(guess); its keys: \(keys.joined(separator: ", "))")
  }

  /// A rule the reference (or buildability) enforces, naming the keys and values involved.
  static func rule(_ model: String, _ settings: String, _ rule: String) -> VariantError {
    VariantError("\(model): \(settings): \(rule)")
  }
}

/// Did-you-mean suggestions: the closest name by edit distance (case-insensitive), if close enough.
package enum Spelling {
  package static func closest(to word: String, in candidates: [String]) -> String? {
    let target = Array(word.lowercased())
    let scored = candidates.map { ($0, distance(target, Array($0.lowercased()))) }
    guard let best = scored.min(by: { $0.1 < $1.1 }) else { return nil }
    let limit = max(2, target.count / 3)
    return best.1 <= limit ? best.0 : nil
  }

  /// Levenshtein distance.
  static func distance(_ a: [Character], _ b: [Character]) -> Int {
    var row = Array(0...b.count)
    for (i, x) in a.enumerated() {
      var previous = row[0]
      row[0] = i + 1
      for (j, y) in b.enumerated() {
        let current = row[j + 1]
        row[j + 1] = min(row[j] + 1, row[j + 1] + 1, previous + (x == y ? 0 : 1))
        previous = current
      }
    }
    return row[b.count]
  }
}
