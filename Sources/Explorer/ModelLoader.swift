import Models

/// Analyses zoo models for the explorer (static analysis only: a few milliseconds a model).
package enum ModelLoader {
  /// `name` analysed at `input` (the model's own size when `input.size` is nil).
  package static func load(_ name: String, input: InputChoice) throws -> ExplorerModel {
    try ExplorerModel(zoo: try Zoo.model(named: name), batch: input.batch, size: input.size)
  }

  /// The model's default input size.
  package static func defaultSize(of name: String) -> Int {
    Zoo.models.first { $0.name == name }?.inputSize ?? 224
  }

  /// Every zoo model, in family order then zoo order, with its figures at `input`.
  package static func catalog(input: InputChoice) -> [CatalogEntry] {
    var out: [CatalogEntry] = []
    for family in Family.allCases {
      for zoo in Zoo.models where zoo.family == family {
        do {
          let analysis = try zoo.analyze(batch: input.batch, size: input.size)
          out.append(
            CatalogEntry(
              name: zoo.name, family: family.rawValue, inputSize: input.size ?? zoo.inputSize,
              params: analysis.totalParams, macs: analysis.totalMACs))
        } catch {
          out.append(
            CatalogEntry(
              name: zoo.name, family: family.rawValue, inputSize: input.size ?? zoo.inputSize, params: 0, macs: 0,
              refusal: "\(error)"))
        }
      }
    }
    return out
  }
}
