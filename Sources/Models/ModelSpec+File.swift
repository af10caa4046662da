// Model files: `{"base": "resnet50", "groups": 32, "width_per_group": 4}` wherever a model name is accepted.
import Foundation

extension ModelSpec {
  /// A model name or a model file (`.json`), with `--set` settings applied after the file's own keys. `read`
  /// reads a file's bytes (the command line passes Formats' `FileBytes.read`, which opens a name that is not
  /// UTF-8 by its bytes and refuses FIFOs and devices at once); its errors describe themselves as "PATH: reason".
  package init(resolving model: String, settings: [String] = [], reading read: (String) throws -> [UInt8]) throws {
    guard Self.isModelFile(model) else {
      try self.init(named: model, settings: settings)
      return
    }
    let (base, fileOverrides) = try Self.readModelFile(model, reading: read)
    let extra = try settings.map { setting throws(VariantError) in try ModelSpec.parse(setting, for: base) }
    try self.init(base: base, overrides: fileOverrides + extra)
  }

  /// Whether `argument` names a model file rather than a zoo model.
  package static func isModelFile(_ argument: String) -> Bool {
    argument.hasSuffix(".json") || argument.hasSuffix(".toml")
  }

  /// The base and overrides of a JSON model file (read by Foundation's JSONSerialization); keys in the base's
  /// key-table order.
  static func readModelFile(_ path: String, reading read: (String) throws -> [UInt8]) throws -> (ZooModel, [Override]) {
    if path.hasSuffix(".toml") {
      throw VariantError(
        "\(path): TOML model files are not supported; write the same keys as JSON (\(path.dropLast(5)).json)")
    }
    let data: Data
    do { data = Data(try read(path)) } catch { throw VariantError("cannot read model file \(error)") }
    let object: Any
    do { object = try JSONSerialization.jsonObject(with: data) } catch {
      throw VariantError("\(path): not valid JSON")
    }
    guard let fields = object as? [String: Any] else {
      throw VariantError("\(path): expected a JSON object such as {\"base\": \"resnet50\", \"groups\": 32}")
    }
    guard let baseName = fields["base"] as? String else {
      throw VariantError("\(path): needs \"base\": a zoo model name such as \"resnet50\"")
    }
    let base = try Zoo.model(named: baseName)
    for key in fields.keys where key != "base" && !base.keys.contains(where: { $0.name == key }) {
      throw VariantError.unknownKey(key, model: base.name, keys: base.keys.map(\.name))
    }
    var overrides: [Override] = []
    for key in base.keys.map(\.name) {
      guard let value = fields[key] else { continue }
      guard let text = Self.text(of: value) else {
        throw VariantError("\(path): \(key) must be a number, a list of integers, true/false or a string")
      }
      overrides.append(try base.override(key, text))
    }
    return (base, overrides)
  }

  /// A JSON value as `--set` would write it: `3,4,6,3`, `true`, `0.0625`, `deep`.
  private static func text(of value: Any) -> String? {
    if let string = value as? String { return string.isEmpty ? "\"\"" : string }
    if let number = value as? NSNumber {
      // JSONSerialization gives booleans as NSNumber too; their type encoding is 'c' (char).
      if String(cString: number.objCType) == "c" { return number.boolValue ? "true" : "false" }
      let double = number.doubleValue
      return double == double.rounded() && abs(double) < 1e15 ? String(Int(double)) : String(double)
    }
    if let list = value as? [Any] {
      let items = list.compactMap { text(of: $0) }
      return items.count == list.count ? items.joined(separator: ",") : nil
    }
    return nil
  }
}
