import Analysis
import Formats
import Graph
import Models
import Runtime

/// The output formats of `convscope summary`.
package enum ReportFormat: String, CaseIterable, Sendable {
  case table, markdown, json, csv
}

extension Analysis {
  /// The summary of a model in one of the report formats; `depth` limits the rows of the table and markdown
  /// (the root is depth 0), JSON always lists every node.
  package func report(model: String, format: ReportFormat, depth: Int) -> String {
    switch format {
    case .table: return table(model: model, depth: depth)
    case .markdown: return markdown(model: model, depth: depth)
    case .json: return json(model: model)
    case .csv: return csv()
    }
  }

  /// A torchinfo-style table: tree-indented names, kind, output shape, params, MACs, share of MACs, totals below.
  package func table(model: String, depth: Int, memory: MemoryFigures? = nil) -> String {
    let shown = nodes.filter { $0.depth <= depth }
    let names = treeNames(shown, root: model)
    let header = ["Layer", "Kind", "Output shape", "Params", "MACs", "% MACs"]
    let rows = zip(shown, names).map { node, name in
      [
        name, node.kind, NumberFormat.shape(node.outputShape), NumberFormat.grouped(node.params),
        NumberFormat.grouped(node.macs), NumberFormat.percent(node.macs, of: totalMACs),
      ]
    }
    var widths = header.map(\.count)
    for row in rows {
      for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) }
    }
    func line(_ cells: [String]) -> String {
      cells.enumerated().map { i, cell in
        let pad = String(repeating: " ", count: widths[i] - cell.count)
        return i < 3 ? cell + pad : pad + cell  // names left, numbers right
      }.joined(separator: "  ")
    }
    let rule = String(repeating: "─", count: widths.reduce(0, +) + 2 * (widths.count - 1))
    var out = [rule, line(header), rule] + rows.map(line) + [rule]
    out += totalsLines(model: model, memory: memory).map { $0.label + ": " + $0.value }
    out.append(rule)
    return out.joined(separator: "\n") + "\n"
  }

  /// A GitHub markdown table (rows as dotted paths) followed by the totals as a list.
  package func markdown(model: String, depth: Int, memory: MemoryFigures? = nil) -> String {
    var out = [
      "| Layer | Kind | Output shape | Params | MACs | % MACs |", "|---|---|---|---:|---:|---:|",
    ]
    for node in nodes where node.depth <= depth {
      let name = node.path.isEmpty ? model : "`" + node.path + "`"
      out.append(
        "| \(name) | \(node.kind) | \(NumberFormat.shape(node.outputShape)) | \(NumberFormat.grouped(node.params)) | "
          + "\(NumberFormat.grouped(node.macs)) | \(NumberFormat.percent(node.macs, of: totalMACs)) |")
    }
    out.append("")
    out += totalsLines(model: model, memory: memory).map { "- **\($0.label)**: \($0.value)" }
    return out.joined(separator: "\n") + "\n"
  }

  /// The summary of a model spec: the table's root row is its title, JSON names the base and the overrides.
  package func report(spec: ModelSpec, format: ReportFormat, depth: Int, memory: MemoryFigures? = nil) -> String {
    switch format {
    case .table: return table(model: spec.title, depth: depth, memory: memory)
    case .markdown: return markdown(model: spec.title, depth: depth, memory: memory)
    case .json: return json(model: spec.baseName, variant: spec.variantJSONFields, memory: memory)
    case .csv: return csv()
    }
  }

  /// Every node at every depth as RFC 4180 CSV: a header of the JSON node keys in their order, one row per node,
  /// shapes as `1x256x56x56`, plain integers, empty cells for JSON's nulls; no title or totals.
  package func csv() -> String {
    let header = [
      "path", "kind", "depth", "output_shape", "params", "macs", "buffers", "element_ops", "output_bytes",
      "receptive_field", "stride",
    ]
    func field(_ text: String) -> String {
      text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
        ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
    }
    let rows = nodes.map { node -> String in
      let shape: String = node.outputShape.map { $0.map(String.init).joined(separator: "x") } ?? ""
      let field1: String = node.receptiveField.map(String.init) ?? ""
      let stride: String = node.jump.map(String.init) ?? ""
      let counts: [Int] = [node.params, node.macs, node.buffers, node.elementOps, node.outputBytes]
      let cells: [String] =
        [node.path, node.kind, String(node.depth), shape] + counts.map(String.init) + [field1, stride]
      return cells.map(field).joined(separator: ",")
    }
    return ([header.joined(separator: ",")] + rows).joined(separator: "\r\n") + "\r\n"
  }

  /// The stable JSON schema documented in the README (every node, whatever the depth); `variant` (a preset's
  /// `base`, the `overrides`) follows `model` and is empty for a zoo model as it is.
  package func json(model: String, variant: [(String, JSONValue)] = [], memory: MemoryFigures? = nil) -> String {
    func int(_ value: Int) -> JSONValue { .integer(Int64(value)) }
    func ints(_ values: [Int]) -> JSONValue { .array(values.map(int)) }
    let rows: [JSONValue] = nodes.map { node in
      let fields: [(String, JSONValue)] = [
        ("path", .string(node.path)), ("kind", .string(node.kind)), ("depth", int(node.depth)),
        ("output_shape", node.outputShape.map(ints) ?? .null), ("params", int(node.params)),
        ("macs", int(node.macs)), ("buffers", int(node.buffers)), ("element_ops", int(node.elementOps)),
        ("output_bytes", int(node.outputBytes)), ("receptive_field", node.receptiveField.map(int) ?? .null),
        ("stride", node.jump.map(int) ?? .null),
      ]
      return .object(fields)
    }
    let totals: [(String, JSONValue)] = [
      ("input_shape", ints(inputShape)), ("output_shape", ints(outputShape)),
      ("total_params", int(totalParams)), ("total_buffers", int(totalBuffers)), ("total_macs", int(totalMACs)),
      ("total_flops", int(totalFLOPs)), ("total_element_ops", int(totalElementOps)),
      ("params_bytes", int(parameterBytes)), ("activation_bytes", int(activationBytes)),
    ]
    let others: [(String, JSONValue)] = [
      ("torchinfo_mult_adds", int(otherConventions.torchinfoMultAdds)),
      ("fvcore_flops", int(otherConventions.fvcoreTotal)), ("nodes", .array(rows)),
    ]
    let head: [(String, JSONValue)] = [("model", .string(model))] + variant
    let document = JSONValue.object(head + totals + memoryFields(memory) + others)
    return document.text(.rows) + "\n"
  }

  /// `input_bytes`, and the measured `activation_peak_bytes` and `backward_bytes` (null when not measured).
  private func memoryFields(_ memory: MemoryFigures?) -> [(String, JSONValue)] {
    let measured = memory?.measured
    let peak: JSONValue = measured.map { .integer(Int64($0.activationPeakBytes)) } ?? .null
    let backward: JSONValue = measured.map { .integer(Int64($0.backwardBytes)) } ?? .null
    return [
      ("input_bytes", .integer(Int64(4 * inputShape.reduce(1, *)))), ("activation_peak_bytes", peak),
      ("backward_bytes", backward),
    ]
  }

  /// The totals under the table, as label/value pairs.
  package func totalsLines(model: String, memory: MemoryFigures? = nil) -> [HyperParameter] {
    let uncounted = Set(nodes.flatMap(\.uncounted)).sorted()
    let measured: [HyperParameter] = memory.map { $0.lines(inputBytes: 4 * inputShape.reduce(1, *)) } ?? []
    return [
      HyperParameter("Input", NumberFormat.shape(inputShape) + " → output " + NumberFormat.shape(outputShape)),
      HyperParameter("Total params", NumberFormat.grouped(totalParams)),
      HyperParameter("Buffers (BN running statistics)", NumberFormat.grouped(totalBuffers)),
      HyperParameter(
        "Total MACs (conv + linear)", NumberFormat.grouped(totalMACs) + " (" + NumberFormat.scaled(totalMACs) + ")"),
      HyperParameter(
        "FLOPs (2 × MACs)", NumberFormat.grouped(totalFLOPs) + " (" + NumberFormat.scaled(totalFLOPs) + ")"),
      HyperParameter("Element ops (BN, activations, pooling, adds, attention)", NumberFormat.grouped(totalElementOps)),
      HyperParameter("Params size", NumberFormat.megabytes(parameterBytes)),
      HyperParameter("Activation memory (forward, float32, no reuse)", NumberFormat.megabytes(activationBytes)),
    ] + measured + [
      HyperParameter(
        "For comparison",
        "torchinfo Total mult-adds " + NumberFormat.grouped(otherConventions.torchinfoMultAdds)
          + " · fvcore total " + NumberFormat.grouped(otherConventions.fvcoreTotal)),
      HyperParameter("Uncounted ops", uncounted.isEmpty ? "none" : uncounted.joined(separator: ", ")),
    ]
  }

  /// Row labels with tree guides (`├─ conv1`, `│  └─ bn1`); the root row is the model name.
  private func treeNames(_ shown: [Node], root: String) -> [String] {
    var isLast = [Bool](repeating: true, count: shown.count)
    var laterSibling: [Bool] = []
    for i in shown.indices.reversed() {
      let d = shown[i].depth
      if laterSibling.count <= d { laterSibling += [Bool](repeating: false, count: d + 1 - laterSibling.count) }
      isLast[i] = !laterSibling[d]
      laterSibling[d] = true
      for deeper in (d + 1)..<laterSibling.count { laterSibling[deeper] = false }
    }
    var ancestorsLast: [Bool] = []
    return shown.indices.map { i in
      let node = shown[i]
      guard node.depth > 0 else {
        ancestorsLast = [true]
        return root
      }
      // Index k holds whether the ancestor at depth k is its parent's last child (index 0 is the root).
      ancestorsLast = Array(ancestorsLast.prefix(node.depth))
      let guides = ancestorsLast.dropFirst().map { $0 ? "   " : "│  " }.joined()
      ancestorsLast.append(isLast[i])
      let name = node.path.split(separator: ".").last.map(String.init) ?? node.path
      return guides + (isLast[i] ? "└─ " : "├─ ") + name
    }
  }
}

/// Minimal JSON rendering for the summary (keys in a fixed, documented order).
