import ArgumentParser
import Formats
import Foundation
import Models
import Presentation
import Runtime
import Session
import TensorCore

/// `convscope grad MODEL`: one forward and backward pass; gradient norms per step, node and residual block.
struct GradCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "grad",
    abstract: "Backpropagate through the model (inference mode): gradient norms per step, node and residual block.",
    discussion: """
      The objective: --class C gives L = Σₙ logit[n, C] (default C: sample 0's top-1 class); --label Y gives the mean \
      cross-entropy against class Y (F.cross_entropy). Batch norm uses its running statistics (model.eval()).
      """)

  /// The output formats of `grad`.
  enum Format: String, CaseIterable, ExpressibleByArgument {
    case table, json
  }

  @Argument(help: modelArgumentHelp)
  var model: String

  @OptionGroup var variant: VariantOptions

  @OptionGroup var source: SessionOptions

  @Option(name: .customLong("class"), parsing: .unconditional, help: "L = Σₙ logit[n, C] (default: sample 0's top-1).")
  var classIndex: Int?

  @Option(parsing: .unconditional, help: "L = mean cross-entropy of the logits against class Y.")
  var label: Int?

  @Option(help: "An intervention (repeatable), as `run --ablate`.")
  var ablate: [String] = []

  @Flag(help: "Every shortcut off (as `run --plain`).")
  var plain = false

  @Option(help: "Output format: table or json.")
  var format: Format = .table

  @Option(
    help: "Write the gradient of every parameter (F32, keyed by state-dict key; no buffers) to this .safetensors.")
  var dumpGrads: String?

  @Option(help: "Write ∂L/∂input (N×3×H×W) to this .npy file.")
  var dumpInputGrad: String?

  func validate() throws {
    if classIndex != nil && label != nil { throw ValidationError("--class and --label exclude each other; give one") }
    if let classIndex, classIndex < 0 { throw ValidationError("--class must be 0 or more, got \(classIndex)") }
    if let label, label < 0 { throw ValidationError("--label must be 0 or more, got \(label)") }
    if dumpGrads == "" { throw ValidationError("--dump-grads needs a file name") }
    if dumpInputGrad == "" { throw ValidationError("--dump-input-grad needs a file name") }
  }

  func run() throws {
    let spec = try variant.spec(model)
    let session = try source.session(spec)
    try session.checkMemory(keepingEveryOutput: true)
    let executor = try session.makeExecutor()
    try executor.setInterventions(try RunCommand.interventions(ablate, on: executor), plain: plain)
    if let dumpGrads { try RunCommand.checkOutputPath(dumpGrads, flag: "--dump-grads") }
    if let dumpInputGrad { try RunCommand.checkOutputPath(dumpInputGrad, flag: "--dump-input-grad") }
    let objective: GradientObjective = label.map { .crossEntropy(label: $0) } ?? .classLogit(classIndex)
    let report = try executor.backward(objective)
    if let dumpGrads {
      let tensors = report.parameters.map { ($0.key, StoredTensor(shape: $0.value.shape, floats: $0.gradient.array)) }
      try SafetensorsFile(tensors: tensors.map { (name: $0.0, tensor: $0.1) }).write(path: dumpGrads)
    }
    if let dumpInputGrad {
      try NPYArray(shape: report.inputGradient.shape, values: report.inputGradient.array).write(path: dumpInputGrad)
    }
    let described = label.map { "cross-entropy, label \($0)" } ?? "class \(report.target)"
    let result = GradientResult(
      model: spec.displayName, inputShape: session.inputShape,
      weights: source.weights ?? "seed \(source.seed)", objective: described, report: report)
    print(format == .json ? result.json() : result.table(), terminator: "")
  }
}
