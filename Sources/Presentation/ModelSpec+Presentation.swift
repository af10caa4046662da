import Formats
import Models

extension ModelSpec {
  /// The table's root row: the display name, and for a preset what it is (`resnext50_32x4d = resnet50 ·
  /// groups=32 width_per_group=4`).
  package var title: String {
    guard let preset = base.preset else { return displayName }
    return displayName + " = " + preset.base + " · " + effectiveOverrides.map(\.description).joined(separator: " ")
  }

  /// `base` (a preset's zoo base) and `overrides` (every override relative to it) for JSON; empty for a zoo model
  /// as it is, so its output stays what it was.
  package var variantJSONFields: [(String, JSONValue)] {
    var fields: [(String, JSONValue)] = []
    if let preset = base.preset { fields.append(("base", .string(preset.base))) }
    let overrides = effectiveOverrides
    if !overrides.isEmpty { fields.append(("overrides", overrides.jsonObject)) }
    return fields
  }
}

extension [Override] {
  /// `{"groups": 32, "layers": [3, 4, 6, 3], "avg_down": true, "se_rd_ratio": 0.0625}`.
  package var jsonObject: JSONValue {
    .object(map { ($0.key, $0.value.json) })
  }
}

extension OverrideValue {
  /// The value as JSON: integers, lists, booleans, names and ratios as numbers.
  package var json: JSONValue {
    switch self {
    case .integer(let v): return .integer(Int64(v))
    case .integers(let v): return .array(v.map { .integer(Int64($0)) })
    case .boolean(let v): return .bool(v)
    case .name(let v): return .string(v)
    case .ratio(let v): return .number(v)
    }
  }
}
