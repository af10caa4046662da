import ArgumentParser
import Formats
import Foundation
import Models
import Presentation
import Runtime
import Session
import TensorCore

/// `convscope cam MODEL --image F`: Grad-CAM of one class at one layer, blended onto the image the model saw.
struct CamCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "cam",
    abstract: "Grad-CAM: where the model looks for a class (a PNG of the input blended with the map, or JSON).",
    discussion: """
      αₖ = mean over H×W of ∂logit_C/∂Aₖ; CAM = ReLU(Σₖ αₖ·Aₖ) at layer A (default: the map entering the head's \
      global average pool), upsampled bilinearly to the input and divided by its maximum for the image. \
      --input F.npy gives the JSON only.
      """)

  /// The output formats of `cam`.
  enum Format: String, CaseIterable, ExpressibleByArgument {
    case table, json
  }

  @Argument(help: modelArgumentHelp)
  var model: String

  @OptionGroup var variant: VariantOptions

  @OptionGroup var source: SessionOptions

  @Option(name: .customLong("class"), parsing: .unconditional, help: "The class explained (default: sample 0's top-1).")
  var classIndex: Int?

  @Option(help: "The layer A (a module path; default: the map entering the head's global average pool).")
  var layer: String?

  @Option(help: "An intervention (repeatable), as `run --ablate`.")
  var ablate: [String] = []

  @Flag(help: "Every shortcut off (as `run --plain`).")
  var plain = false

  @Option(help: "The PNG to write (with --image; default cam.png).")
  var output: String?

  @Option(help: "Output format: table or json.")
  var format: Format = .table

  func validate() throws {
    if let classIndex, classIndex < 0 { throw ValidationError("--class must be 0 or more, got \(classIndex)") }
    if output == "" { throw ValidationError("--output needs a file name") }
    if source.image == nil && source.input == nil { throw ValidationError("cam needs --image F (or --input F.npy)") }
    if source.input != nil && output != nil {
      throw ValidationError("--input gives the JSON only; --output needs --image")
    }
    if source.images != nil { throw ValidationError("cam takes one --image, not --images") }
  }

  func run() throws {
    let spec = try variant.spec(model)
    let session = try source.session(spec)
    try session.checkMemory(keepingEveryOutput: true)
    let executor = try session.makeExecutor()
    try executor.setInterventions(try RunCommand.interventions(ablate, on: executor), plain: plain)
    if let layer, !executor.nodePaths.contains(layer) {
      throw CommandError("--layer: \(model) has no node '\(layer)' (paths as in `convscope summary \(model)`)")
    }
    let png = source.image != nil ? (output ?? "cam.png") : nil
    if let png { try RunCommand.checkOutputPath(png) }
    let report = try executor.backward(.classLogit(classIndex), camLayer: layer.map { .path($0) } ?? .poolInput)
    guard let cam = report.cam else {
      throw CommandError("--layer \(layer ?? ""): the layer is not computed in this pass (switched off?)")
    }
    guard cam.activation.rank == 4 else {
      throw CommandError(
        "--layer \(layer ?? ""): its output is \(cam.activation.shape.map(String.init).joined(separator: "×")), "
          + "not a feature map N×C×H×W")
    }
    let result = CAMResult(model: spec.displayName, target: report.target, layer: layer ?? "pool_input", gradient: cam)
    if let png {
      let preprocessing = try ImagePreprocessing.forModel(cifar: spec.isCIFAR, inputSize: session.inputShape[2])
      let input = try session.inputTensor()
      try result.overlay(input: input, mean: preprocessing.mean, std: preprocessing.std).writePNG(path: png)
    }
    print(format == .json ? result.json() : result.table() + (png.map { "wrote \($0)\n" } ?? ""), terminator: "")
  }
}
