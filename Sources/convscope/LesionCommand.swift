import ArgumentParser
import Foundation
import Models
import Presentation
import Runtime
import Session

/// `convscope lesion MODEL`: a clean pass, then one pass per candidate node with exactly that one intervention.
struct LesionCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "lesion",
    abstract: "Switch off each block, shortcut, attention or dense layer alone and measure what the output loses.",
    discussion: """
      Per candidate: the top-1 class and whether it changed, KL(p_clean ‖ p), the clean top-1's probability, \
      max |Δ logit|; with several samples (--images, --batch) the share whose top-1 is unchanged. Each candidate \
      recomputes only from its own step on.
      """)

  /// The output formats of `lesion`.
  enum Format: String, CaseIterable, ExpressibleByArgument {
    case table, json
  }

  @Argument(help: modelArgumentHelp)
  var model: String

  @OptionGroup var variant: VariantOptions

  @OptionGroup var source: SessionOptions

  @Option(help: "The candidates: blocks (branch off), shortcuts, attention or dense (default: dense for DenseNets).")
  var of: LesionFamily?

  @Option(help: "Interventions kept on in every pass, the clean one included (as `run --ablate`).")
  var ablate: [String] = []

  @Flag(help: "Every shortcut off in every pass (as `run --plain`).")
  var plain = false

  @Option(help: "Output format: table or json.")
  var format: Format = .table

  func run() throws {
    let spec = try variant.spec(model)
    let session = try source.session(spec)
    try session.checkMemory()
    let family = of ?? (spec.family == .densenet ? .dense : .blocks)
    let probe = try session.makeExecutor()
    session.warnings.forEach(Convscope.warn)
    let base = try RunCommand.interventions(ablate, on: probe)
    let candidates = probe.candidates(family)
    guard !candidates.isEmpty else {
      throw CommandError(
        "\(spec.displayName) has no \(family.rawValue) to lesion (try --of blocks|shortcuts|attention|dense)")
    }
    let bar = ProgressBar(label: "lesion \(spec.displayName)")
    let study = try LesionStudy.run(
      session, candidates: candidates, base: base, plain: plain, progress: { bar.update($0, of: $1) })
    bar.finish()
    let report = LesionReport(
      model: spec.displayName, source: session.source.description, family: family.rawValue, study: study)
    print(format == .json ? report.json() : report.table(), terminator: "")
  }
}

extension LesionFamily: ExpressibleByArgument {}

/// A progress bar on stderr, drawn only on a terminal and only once the work has run half a second.
final class ProgressBar {
  private let label: String
  private let start = ContinuousClock.now
  private var drawn = false
  private let isTerminal = isatty(STDERR_FILENO) == 1

  init(label: String) { self.label = label }

  func update(_ done: Int, of total: Int) {
    guard isTerminal, start.duration(to: .now) > .milliseconds(500) else { return }
    let width = 30
    let filled = total > 0 ? width * done / total : width
    let bar = String(repeating: "#", count: filled) + String(repeating: " ", count: width - filled)
    FileHandle.standardError.write(Data("\r\(label) [\(bar)] \(done)/\(total)".utf8))
    drawn = true
  }

  /// Clears the bar's line.
  func finish() {
    guard drawn else { return }
    FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
  }
}
