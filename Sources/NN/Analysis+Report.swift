/// The output formats of `convscope summary`.
package enum ReportFormat: String, CaseIterable, Sendable {
  case table, markdown, json
}

extension Analysis {
  /// The summary of a model in one of the report formats; `depth` limits the rows of the table and markdown
  /// (the root is depth 0), JSON always lists every node.
  package func report(model: String, format: ReportFormat, depth: Int) -> String {
    switch format {
    case .table: return table(model: model, depth: depth)
    case .markdown: return markdown(model: model, depth: depth)
    case .json: return json(model: model)
    }
  }

  /// A torchinfo-style table: tree-indented names, kind, output shape, params, MACs, share of MACs, totals below.
  package func table(model: String, depth: Int) -> String {
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
    out += totalsLines(model: model).map { $0.label + ": " + $0.value }
    out.append(rule)
    return out.joined(separator: "\n") + "\n"
  }

  /// A GitHub markdown table (rows as dotted paths) followed by the totals as a list.
  package func markdown(model: String, depth: Int) -> String {
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
    out += totalsLines(model: model).map { "- **\($0.label)**: \($0.value)" }
    return out.joined(separator: "\n") + "\n"
  }

  /// The stable JSON schema documented in the README (every node, whatever the depth).
  package func json(model: String) -> String {
    var out = "{\n"
    out += "  \"model\": \(JSON.string(model)),\n"
    out += "  \"input_shape\": \(JSON.ints(inputShape)),\n"
    out += "  \"output_shape\": \(JSON.ints(outputShape)),\n"
    out += "  \"total_params\": \(totalParams),\n"
    out += "  \"total_buffers\": \(totalBuffers),\n"
    out += "  \"total_macs\": \(totalMACs),\n"
    out += "  \"total_flops\": \(totalFLOPs),\n"
    out += "  \"total_element_ops\": \(totalElementOps),\n"
    out += "  \"params_bytes\": \(parameterBytes),\n"
    out += "  \"activation_bytes\": \(activationBytes),\n"
    out += "  \"torchinfo_mult_adds\": \(otherConventions.torchinfoMultAdds),\n"
    out += "  \"fvcore_flops\": \(otherConventions.fvcoreTotal),\n"
    out += "  \"nodes\": [\n"
    out += nodes.map { node in
      let shape = node.outputShape.map(JSON.ints) ?? "null"
      let field = node.receptiveField.map(String.init) ?? "null"
      let jump = node.jump.map(String.init) ?? "null"
      return "    {\"path\": \(JSON.string(node.path)), \"kind\": \(JSON.string(node.kind)), \"depth\": \(node.depth), "
        + "\"output_shape\": \(shape), \"params\": \(node.params), \"macs\": \(node.macs), "
        + "\"buffers\": \(node.buffers), \"element_ops\": \(node.elementOps), "
        + "\"output_bytes\": \(node.outputBytes), \"receptive_field\": \(field), \"stride\": \(jump)}"
    }.joined(separator: ",\n")
    out += "\n  ]\n}\n"
    return out
  }

  /// The totals under the table, as label/value pairs.
  package func totalsLines(model: String) -> [HyperParameter] {
    let uncounted = Set(nodes.flatMap(\.uncounted)).sorted()
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
enum JSON {
  static func string(_ s: String) -> String {
    var out = "\""
    for scalar in s.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\t": out += "\\t"
      default:
        if scalar.value < 0x20 {
          let hex = String(scalar.value, radix: 16)
          out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        } else {
          out.unicodeScalars.append(scalar)
        }
      }
    }
    return out + "\""
  }

  static func ints(_ values: [Int]) -> String {
    "[" + values.map(String.init).joined(separator: ", ") + "]"
  }
}
