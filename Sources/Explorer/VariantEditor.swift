import Models

/// The variant editor (`e`): every key of the open model's base, its value here and its value in the base,
/// one of them chosen and being typed into. Enter asks for the variant the fields describe.
package struct VariantEditor: Equatable, Sendable {
  /// One key of the form.
  package struct Field: Equatable, Sendable {
    package var key: String
    /// What the key accepts (`an integer ≥ 1`) and what it means, from the key table.
    package var expected: String
    package var doc: String
    /// The key's value in the base, as `--set` writes it.
    package var base: String
    /// The value being edited (the open model's to start with).
    package var text: String
    /// Whether anything was typed here yet: the first character typed replaces the value.
    package var touched = false

    /// Whether the field asks for a value other than the base's.
    package var isChanged: Bool { text.trimmingCharacters(in: .whitespaces) != base }
  }

  /// The model being edited; its base (``ModelSpec/plain``) is what the fields' changes apply to.
  package var spec: ModelSpec
  package var fields: [Field]
  package var selected = 0
  /// Why the last Enter was refused (shown in the form until the next edit).
  package var refusal: String?

  /// The form for `spec`: its base's keys, with `spec`'s values.
  package init(spec: ModelSpec) {
    self.spec = spec
    fields = zip(spec.base.keys, zip(spec.values, spec.base.values)).map { info, values in
      Field(key: info.name, expected: info.kind.expected, doc: info.doc, base: values.1, text: values.0)
    }
  }

  /// `key=value` for every field that differs from the base, in key-table order (what `--set` would say).
  package var settings: [String] {
    fields.filter(\.isChanged).map { "\($0.key)=\($0.text.trimmingCharacters(in: .whitespaces))" }
  }

  /// Whether Enter would ask for the model already open.
  package var isUnchanged: Bool { settings == spec.overrides.map(\.description) }

  /// Moves the choice by `delta` fields, wrapping around.
  package mutating func move(by delta: Int) {
    guard !fields.isEmpty else { return }
    selected = ((selected + delta) % fields.count + fields.count) % fields.count
  }

  /// Types `character` into the chosen field (replacing an untouched value).
  package mutating func type(_ character: Character) {
    guard fields.indices.contains(selected) else { return }
    let field = fields[selected]
    fields[selected].text = (field.touched ? field.text : "") + String(character)
    fields[selected].touched = true
    refusal = nil
  }

  /// Deletes the chosen field's last character.
  package mutating func deleteBackward() {
    guard fields.indices.contains(selected) else { return }
    fields[selected].text = String(fields[selected].text.dropLast())
    fields[selected].touched = true
    refusal = nil
  }
}
