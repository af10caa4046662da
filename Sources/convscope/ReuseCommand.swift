import ArgumentParser
import Foundation
import Models
import Presentation
import Session

/// `convscope reuse MODEL`: DenseNet's feature-reuse matrices (Huang et al. 2016, Fig. 5) from the weights.
struct ReuseCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "reuse",
    abstract: "How strongly each dense layer uses every earlier layer's features (DenseNet models, from weights).")

  /// The output formats of `reuse`.
  enum Format: String, CaseIterable, ExpressibleByArgument {
    case table, json
  }

  @Argument(help: ArgumentHelp("A DenseNet zoo model or model file (see `convscope list`)."))
  var model: String

  @OptionGroup var variant: VariantOptions

  @Option(help: "Weights (.safetensors with the model's state-dict keys); default: the seeded weights of --seed.")
  var weights: String?

  @Option(parsing: .unconditional, help: "Weight seed (the weights `export-weights --seed N` writes).")
  var seed: UInt64 = 0

  @Option(help: "Output format: table or json.")
  var format: Format = .table

  func run() throws {
    let spec = try variant.spec(model)
    let session = Session(spec: spec, source: SessionSource(weightsPath: weights, seed: seed))
    guard session.network.root.walk().contains(where: { $0.module.layer == .denseBlock }) else {
      throw CommandError("\(spec.displayName) has no dense blocks: reuse applies to DenseNet models")
    }
    let reuse = try FeatureReuse.of(session.network, model: spec.displayName, values: session.parameterValues())
    let report = ReuseReport(model: spec.displayName, reuse: reuse)
    print(format == .json ? report.json() : report.table(colour: isatty(STDOUT_FILENO) == 1), terminator: "")
  }
}
