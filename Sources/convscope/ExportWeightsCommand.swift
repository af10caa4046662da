import ArgumentParser
import Models
import Runtime
import Session

/// `convscope export-weights MODEL OUT.safetensors`: the seeded weights `run --seed` uses, as a file.
struct ExportWeightsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "export-weights",
    abstract: "Write a model's seeded parameters and buffers to a safetensors file (what `run --seed N` uses).")

  @Argument(help: modelArgumentHelp)
  var model: String

  @OptionGroup var variant: VariantOptions

  @Argument(help: "Output .safetensors path (written atomically).")
  var out: String

  @Option(parsing: .unconditional, help: "Weight seed.")
  var seed: UInt64 = 0

  @Flag(help: "Also randomise BatchNorm running mean/var and affine parameters, so BN is not the identity.")
  var testStats = false

  func run() throws {
    let session = Session(spec: try variant.spec(model), source: SessionSource(seed: seed))
    let file = WeightInit.stateDict(specs: session.network.root.parameterSpecs, seed: seed, testStatistics: testStats)
    try file.write(path: out)
    let count = file.tensors.reduce(0) { $0 + $1.tensor.shape.reduce(1, *) }
    print(
      "wrote \(out): \(file.tensors.count) tensors, \(count) values (seed \(seed)\(testStats ? ", test statistics" : ""))"
    )
  }
}
