import Analysis
import Formats
import Models

extension Zoo {
  /// One row of `convscope list`: a model and its totals at its default input.
  package struct Listing: Sendable, Equatable {
    package let name: String
    package let family: Family
    package let inputSize: Int
    package let numClasses: Int
    package let params: Int
    package let macs: Int
    /// For a preset: its zoo base and overrides.
    package let preset: ZooModel.Preset?
  }

  /// Every model with its params and conv+linear MACs at batch 1 and its default input size.
  package static func listings() throws -> [Listing] {
    try models.map { model in
      let analysis = try model.analyze()
      return Listing(
        name: model.name, family: model.family, inputSize: model.inputSize, numClasses: model.numClasses,
        params: analysis.totalParams, macs: analysis.totalMACs, preset: model.preset)
    }
  }

  /// `convscope list` as an aligned table.
  package static func listingTable(_ rows: [Listing]) -> String {
    let header = ["Model", "Family", "Input", "Classes", "Params", "MACs", "", ""]
    let cells = rows.map { row in
      [
        row.name, row.family.rawValue, "\(row.inputSize)×\(row.inputSize)", String(row.numClasses),
        NumberFormat.grouped(row.params), NumberFormat.grouped(row.macs), NumberFormat.scaled(row.macs),
        row.preset.map { "= " + $0.base + " · " + $0.overrides.map(\.description).joined(separator: " ") } ?? "",
      ]
    }
    var widths = header.map(\.count)
    for row in cells {
      for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) }
    }
    let lines = ([header] + cells).map { row in
      row.enumerated().map { i, cell in
        let pad = String(repeating: " ", count: widths[i] - cell.count)
        return i < 2 || i == 7 ? cell + pad : pad + cell
      }.joined(separator: "  ")
    }
    return lines.map { String($0.reversed().drop { $0 == " " }.reversed()) }.joined(separator: "\n") + "\n"
  }

  /// `convscope list --format json`: a list of {name, family, input_size, num_classes, params, macs}, and for a
  /// preset its `base` and `overrides`.
  package static func listingJSON(_ rows: [Listing]) -> String {
    let items: [JSONValue] = rows.map { row in
      let fields: [(String, JSONValue)] = [
        ("name", .string(row.name)), ("family", .string(row.family.rawValue)),
        ("input_size", .integer(Int64(row.inputSize))), ("num_classes", .integer(Int64(row.numClasses))),
        ("params", .integer(Int64(row.params))), ("macs", .integer(Int64(row.macs))),
      ]
      let preset: [(String, JSONValue)] =
        row.preset.map { [("base", .string($0.base)), ("overrides", $0.overrides.jsonObject)] } ?? []
      return .object(fields + preset)
    }
    return JSONValue.array(items).text(.rows) + "\n"
  }

}
