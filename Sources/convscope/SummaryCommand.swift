import ArgumentParser
import Models
import Presentation
import Session

extension ReportFormat: ExpressibleByArgument {}

/// `convscope summary MODEL`: a torchinfo-style table of the module tree with exact counts.
struct SummaryCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "summary",
    abstract: "Show the module tree of a model with output shapes, params and MACs of every node.")

  @Argument(help: modelArgumentHelp)
  var model: String

  @OptionGroup var variant: VariantOptions

  @Option(
    parsing: .unconditional,
    help: "Deepest tree level shown in the table (the root is 0); JSON always lists every node.")
  var depth: Int = 3

  @Option(parsing: .unconditional, help: "Input height = width (default: the model's own, 224 or 32).")
  var inputSize: Int?

  @Option(parsing: .unconditional, help: "Batch size.")
  var batch: Int = 1

  @Option(help: "Output format: table, markdown, json or csv (every node, RFC 4180).")
  var format: ReportFormat = .table

  @Flag(
    help: ArgumentHelp(
      "Skip the measured memory figures (a forward pass and a taped forward on seeded weights); "
        + "activation_peak_bytes and backward_bytes are then null."))
  var noMeasure = false

  func validate() throws {
    guard depth >= 0 else { throw ValidationError("--depth must be 0 or more, got \(depth)") }
    guard batch >= 1 else { throw ValidationError("--batch must be 1 or more, got \(batch)") }
    if let inputSize, inputSize < 1 { throw ValidationError("--input-size must be 1 or more, got \(inputSize)") }
  }

  func run() throws {
    let session = Session(spec: try variant.spec(model), batch: batch, size: inputSize)
    let analysis = try session.analysis()
    print(analysis.report(spec: session.spec, format: format, depth: depth, memory: memory(session)), terminator: "")
  }

  /// The measured memory figures (CSV has no totals, so nothing is run for it).
  private func memory(_ session: Session) -> MemoryFigures? {
    if format == .csv { return nil }
    if noMeasure { return MemoryFigures(measured: nil, reason: "--no-measure") }
    do {
      return MemoryFigures(measured: try session.measuredMemory())
    } catch {
      return MemoryFigures(measured: nil, reason: "\(error)")
    }
  }
}
