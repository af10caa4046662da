import Analysis
import Foundation
import Graph
import Models
import Presentation
import XCTest

/// The summary renderings: tree guides, depth, totals, JSON schema, number formats.
final class ReportTests: XCTestCase {
  private func analysis() throws -> Analysis {
    let block = Module.container(
      "block", kind: "BasicBlock",
      layer: .residual(ResidualConfig(body: [.module("conv1"), .module("conv2")], shortcut: [.module("downsample")])),
      [
        .conv2d("conv1", 3, 4, kernel: 3, padding: 1), .conv2d("conv2", 4, 4, kernel: 3, padding: 1),
        .sequential("downsample", [.conv2d("", 3, 4, kernel: 1)]),
      ])
    let network = Network(
      kind: "Net", children: [block, .linear("fc", 4, 2)],
      steps: [
        Network.Step("block", [.module("block")]), Network.Step("head", [.globalAvgPool, .flatten, .module("fc")]),
      ])
    return try Analysis(network: network, inputShape: [1, 3, 4, 4])
  }

  func testTableHasTreeGuidesAndTotals() throws {
    let table = try analysis().table(model: "net", depth: 2)
    let lines = table.split(separator: "\n").map(String.init)
    // The name column ends where the header's "Kind" starts.
    let header = try XCTUnwrap(lines.first { $0.hasPrefix("Layer") })
    let width = try XCTUnwrap(header.range(of: "Kind")).lowerBound.utf16Offset(in: header)
    let names = lines.filter { ["net ", "├─", "│", "└─"].contains(where: $0.hasPrefix) }.map {
      String($0.prefix(width)).trimmingCharacters(in: .whitespaces)
    }
    XCTAssertEqual(names, ["net", "├─ block", "│  ├─ conv1", "│  ├─ conv2", "│  └─ downsample", "└─ fc"])
    XCTAssertTrue(table.contains("Total params: 274"), table)
    XCTAssertTrue(table.contains("Uncounted ops: none"))
    let shallow = try analysis().table(model: "net", depth: 1)
    XCTAssertFalse(shallow.contains("conv1"))
  }

  func testJSONSchemaListsEveryNodeWhateverTheDepth() throws {
    let a = try analysis()
    let text = a.json(model: "net")
    let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    XCTAssertEqual(object["model"] as? String, "net")
    XCTAssertEqual(object["input_shape"] as? [Int], [1, 3, 4, 4])
    XCTAssertEqual(object["total_params"] as? Int, a.totalParams)
    XCTAssertEqual(object["total_macs"] as? Int, a.totalMACs)
    let nodes = try XCTUnwrap(object["nodes"] as? [[String: Any]])
    XCTAssertEqual(
      nodes.map { $0["path"] as? String },
      ["", "block", "block.conv1", "block.conv2", "block.downsample", "block.downsample.0", "fc"])
    XCTAssertEqual(nodes[2]["output_shape"] as? [Int], [1, 4, 4, 4])
    XCTAssertEqual(nodes[2]["macs"] as? Int, 16 * 4 * 3 * 9)
    XCTAssertEqual(nodes[1]["params"] as? Int, 4 * 27 + 4 * 36 + 12)
    XCTAssertEqual(nodes[6]["kind"] as? String, "Linear")
  }

  func testMarkdownTable() throws {
    let md = try analysis().markdown(model: "net", depth: 1)
    XCTAssertTrue(
      md.hasPrefix("| Layer | Kind | Output shape | Params | MACs | % MACs |\n|---|---|---|---:|---:|---:|\n| net |"))
    XCTAssertTrue(md.contains("| `block` | BasicBlock | 1×4×4×4 |"))
    XCTAssertTrue(md.contains("- **Total params**: 274"))
  }

  func testNumberFormats() {
    XCTAssertEqual(NumberFormat.grouped(25_557_032), "25,557,032")
    XCTAssertEqual(NumberFormat.grouped(999), "999")
    XCTAssertEqual(NumberFormat.grouped(1000), "1,000")
    XCTAssertEqual(NumberFormat.scaled(4_089_184_256), "4.09 G")
    XCTAssertEqual(NumberFormat.scaled(287_929_692), "287.93 M")
    XCTAssertEqual(NumberFormat.scaled(512), "512")
    XCTAssertEqual(NumberFormat.megabytes(102_228_128), "102.23 MB")
    XCTAssertEqual(NumberFormat.percent(1, of: 3), "33.33")
    XCTAssertEqual(NumberFormat.fixed(0.005, 2), "0.01")
    XCTAssertEqual(NumberFormat.shape(nil), "—")
  }
}

/// Summaries of variants name the base and the overrides; a zoo model as it is keeps its output.
final class VariantReportTests: XCTestCase {
  func testJSONNamesBaseAndOverrides() throws {
    let spec = try ModelSpec(named: "resnet18", settings: ["layers=1,1,1,1", "num_classes=10"])
    let json = try spec.analyze(size: 32).report(spec: spec, format: .json, depth: 0)
    XCTAssertTrue(
      json.hasPrefix(
        "{\n  \"model\": \"resnet18\",\n  \"overrides\": {\"layers\": [1, 1, 1, 1], \"num_classes\": 10},\n"), json)
    let preset = ModelSpec(base: try Zoo.model(named: "wide_resnet50_2"))
    let presetJSON = try preset.analyze(size: 32).report(spec: preset, format: .json, depth: 0)
    XCTAssertTrue(
      presetJSON.hasPrefix(
        "{\n  \"model\": \"wide_resnet50_2\",\n  \"base\": \"resnet50\",\n  \"overrides\": {\"width_per_group\": 128},\n"
      ))
    let ratio = try ModelSpec(named: "seresnet50", settings: ["se_rd_ratio=1/8", "avg_down=true", "stem_type=deep"])
    XCTAssertTrue(
      try ratio.analyze(size: 32).report(spec: ratio, format: .json, depth: 0).contains(
        "\"overrides\": {\"se_rd_ratio\": 0.125, \"avg_down\": true, \"stem_type\": \"deep\"},"))
  }

  func testPlainModelsKeepTheirOutput() throws {
    let spec = try ModelSpec(named: "resnet18")
    let analysis = try spec.analyze(size: 32)
    for format in ReportFormat.allCases {
      XCTAssertEqual(
        analysis.report(spec: spec, format: format, depth: 2),
        analysis.report(model: "resnet18", format: format, depth: 2))
    }
  }

  func testTableTitleShowsTheOverrides() throws {
    let spec = try ModelSpec(named: "resnext50_32x4d", settings: ["num_classes=10"])
    let table = try spec.analyze(size: 32).report(spec: spec, format: .table, depth: 0)
    XCTAssertTrue(
      table.contains(
        "resnext50_32x4d · num_classes=10 = resnet50 · groups=32 width_per_group=4 num_classes=10  ResNet"),
      table)
  }
}

/// `summary --format csv`: RFC 4180, the JSON node keys as header, one row per node at every depth.
final class SummaryCSVTests: XCTestCase {
  func testEveryNodeIsARowUnderTheJSONKeys() throws {
    let analysis = try ModelSpec(named: "resnet18").analyze(size: 64)
    let csv = analysis.csv()
    XCTAssertTrue(csv.hasSuffix("\r\n"))
    let lines = csv.components(separatedBy: "\r\n").dropLast()
    XCTAssertEqual(
      lines.first, "path,kind,depth,output_shape,params,macs,buffers,element_ops,output_bytes,receptive_field,stride")
    XCTAssertEqual(lines.count, analysis.nodes.count + 1)
    XCTAssertEqual(lines.dropFirst().first, ",ResNet,0,1x1000,11689512,148557824,9620,789480,4000,467,64")
    XCTAssertTrue(lines.contains("layer1.0.conv1,Conv2d,3,1x64x16x16,36864,9437184,0,0,65536,19,4"))
  }
}
