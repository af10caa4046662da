import ArgumentParser
import Models

/// `convscope list`: every zoo model with its family, default input, params and MACs.
struct ListCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "list", abstract: "List every zoo model: family, default input, params and MACs.")

  /// The output formats of `list`.
  enum Format: String, CaseIterable, ExpressibleByArgument {
    case table, json
  }

  @Option(help: "Output format: table or json.")
  var format: Format = .table

  func run() throws {
    let rows = try Zoo.listings()
    print(format == .json ? Zoo.listingJSON(rows) : Zoo.listingTable(rows), terminator: "")
  }
}
