import Analysis
import ArgumentParser
import Formats
import Foundation
import Models
import Presentation
import Runtime
import Session
import TensorCore

/// `convscope run MODEL`: one headless forward pass with per-step timing, statistics, attention and dumps.
struct RunCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "run",
    abstract: "Run one forward pass: per-step wall time, logits, optional statistics, attention weights and dumps.")

  /// The output formats of `run`.
  enum Format: String, CaseIterable, ExpressibleByArgument {
    case table, json
  }

  @Argument(help: modelArgumentHelp)
  var model: String

  @OptionGroup var variant: VariantOptions

  @Option(help: "Weights (.safetensors with the model's state-dict keys); default: the seeded weights of --seed.")
  var weights: String?

  @Option(help: "Input array (.npy, N×3×H×W float, used as is); default: a synthetic input of --input-size.")
  var input: String?

  @Option(help: "An image (PNG or JPEG), preprocessed as torchvision does for the model (README: --image).")
  var image: String?

  @Option(
    parsing: .unconditional,
    help: "Input height = width for --image or the synthetic input (default: the model's own, 224 or 32).")
  var inputSize: Int?

  @Option(parsing: .unconditional, help: "Batch size of the synthetic input, or copies of --image.")
  var batch: Int = 1

  @Option(parsing: .unconditional, help: "Weight seed (the weights `export-weights --seed N` writes).")
  var seed: UInt64 = 0

  @Option(help: "Write the logits (N×classes) to this .npy file.")
  var output: String?

  @Option(
    parsing: .unconditional,
    help: "Show the K most likely classes of each sample (names for ImageNet-1k / CIFAR-10, probabilities).")
  var top: Int = 5

  @Flag(help: "Statistics of every step's output (min, max, mean, std, zeros, histogram, per channel).")
  var stats = false

  @Flag(help: "Attention weights of every SE / SK / split-attention node, with a summary.")
  var attention = false

  @Option(help: "Dump the output of a node (module path) or of every node (`all`) as .npy into --dump-dir.")
  var dump: String?

  @Option(help: "Directory for --dump files (created if missing).")
  var dumpDir: String?

  @Option(help: "Output format: table or json.")
  var format: Format = .table

  @Option(
    name: .customLong("ablate"),
    help: ArgumentHelp(
      "An intervention (repeatable): PATH (a block's branch off, an SE's gates 1, SK/split weights uniform, a dense "
        + "layer's features off), PATH:shortcut, PATH:se, PATH:uniform, PATH:branch=K, PATH:split=K.",
      valueName: "spec"))
  var ablate: [String] = []

  @Flag(help: "Switch every shortcut off (a plain network of the same depth).")
  var plain = false

  @Flag(help: "Refuse NaN or infinite values in the weights or input, and negative batch-norm variances.")
  var strict = false

  func validate() throws {
    guard batch >= 1 else { throw ValidationError("--batch must be 1 or more, got \(batch)") }
    if let inputSize, inputSize < 1 { throw ValidationError("--input-size must be 1 or more, got \(inputSize)") }
    guard top >= 0 else { throw ValidationError("--top must be 0 or more, got \(top)") }
    if dump != nil && dumpDir == nil { throw ValidationError("--dump needs --dump-dir") }
    if output == "" { throw ValidationError("--output needs a file name") }
    if dumpDir == "" { throw ValidationError("--dump-dir needs a directory name") }
    if dumpDir != nil && dump == nil { throw ValidationError("--dump-dir needs --dump NODE|all") }
    if input != nil && image != nil { throw ValidationError("--input and --image exclude each other; give one") }
    if input != nil && (inputSize != nil || batch != 1) {
      throw ValidationError("--input gives batch and size itself; drop --input-size/--batch")
    }
  }

  func run() throws {
    let spec = try variant.spec(model)
    let input: SessionSource.Input
    if let path = self.input {
      input = .array(try Session.readArray(path), name: URL(fileURLWithPath: path).lastPathComponent)
    } else if let image {
      input = .image(path: image)
    } else {
      input = .synthetic
    }
    let session = Session(
      spec: spec, source: SessionSource(weightsPath: weights, seed: seed, input: input), batch: batch, size: inputSize)
    // Shapes, counts and memory are checked before any tensor of the input's size is allocated.
    try session.checkMemory(keepingEveryOutput: dump == "all")
    let executor = try session.makeExecutor(strict: strict)
    session.warnings.forEach(Convscope.warn)
    let interventions = try Self.interventions(ablate, on: executor)
    try executor.setInterventions(interventions, plain: plain)
    executor.stepStatistics = stats
    if attention {
      for node in executor.attentionNodes { try executor.observe(node.path, .attention) }
    }
    if let dump {
      if dump == "all" {
        executor.observeAll(.output)
      } else {
        do { try executor.observe(dump, .output) } catch {
          throw CommandError("--dump: \(model) has no node '\(dump)' (paths as in `convscope summary \(model)`)")
        }
      }
    }
    // Files last: every other mistake is reported before anything is created.
    if let output { try Self.checkOutputPath(output) }
    if let dumpDir { try Self.prepareDirectory(dumpDir) }

    let clock = ContinuousClock()
    let start = clock.now
    let reports = try executor.runToEnd()
    let elapsed = start.duration(to: clock.now)
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    guard let logits = executor.output else { throw ExecutorError.noInput }

    let observations = reports.flatMap(\.observations)
    if let dumpDir { try writeDumps(observations, to: dumpDir) }
    if let output {
      try NPYArray(shape: logits.shape, values: logits.array).write(path: output)
      let bytes = FileBytes.size(of: output).map { " (\(NumberFormat.grouped($0)) bytes)" } ?? ""
      Convscope.report("wrote logits \(logits.shape.map(String.init).joined(separator: "×")) to \(output)\(bytes)")
    }

    let result = RunResult(
      model: spec.displayName, inputShape: session.inputShape, weights: weights ?? "seed \(seed)", seconds: seconds,
      reports: reports, logits: logits, top: top,
      attention: attention ? observations.filter { $0.role.label == "attention" } : nil,
      interventions: interventions, plain: plain)
    print(format == .json ? result.json() : result.table(), terminator: "")
  }

  /// One .npy per observed node output, named by module path (`model.npy` for the root); the last call wins
  /// for modules applied more than once (torchvision's shared `relu`), as a forward hook would see it.
  private func writeDumps(_ observations: [Observation], to directory: String) throws {
    var latest: [String: Tensor] = [:]
    var order: [String] = []
    for observation in observations where observation.role == .output {
      guard let tensor = observation.tensor else { continue }
      if latest[observation.path] == nil { order.append(observation.path) }
      latest[observation.path] = tensor
    }
    var written: [String] = []
    var bytes = 0
    for path in order {
      guard let tensor = latest[path] else { continue }
      let name = (path.isEmpty ? "model" : path) + ".npy"
      do {
        try NPYArray(shape: tensor.shape, values: tensor.array).write(path: directory + "/" + name)
      } catch {
        // Say what is already there, so a part-way failure leaves no doubt about which files are complete.
        let done = written.isEmpty ? "none" : "\(written.count) (\(written[0]) … \(written[written.count - 1]))"
        throw CommandError("--dump: writing \(name) failed after \(done) of \(order.count) files: \(error)")
      }
      written.append(name)
      bytes += FileBytes.size(of: directory + "/" + name) ?? 0
    }
    Convscope.report(
      "wrote \(written.count) file\(written.count == 1 ? "" : "s") (\(NumberFormat.grouped(bytes)) bytes) to \(directory)"
    )
  }

  /// `--ablate` specs checked against the network, each error naming its spec.
  static func interventions(_ specs: [String], on executor: Executor) throws -> [Intervention] {
    try specs.map { spec in
      do { return try executor.intervention(parsing: spec) } catch { throw CommandError("--ablate \(error)") }
    }
  }

  /// Refuses an `--output` that cannot be written (a directory, a missing or read-only parent) before the run.
  static func checkOutputPath(_ path: String, flag: String = "--output") throws {
    var isDirectory: ObjCBool = false
    if path.hasSuffix("/")
      || FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    {
      throw CommandError("\(flag) \(path) is a directory; give a file name such as logits.npy")
    }
    let slash = path.lastIndex(of: "/")
    let parent = slash.map { $0 == path.startIndex ? "/" : String(path[..<$0]) } ?? "."
    guard FileManager.default.fileExists(atPath: parent, isDirectory: &isDirectory), isDirectory.boolValue else {
      throw CommandError("\(flag) \(path): directory \(parent) does not exist")
    }
    guard access(parent, W_OK) == 0 else { throw CommandError("\(flag) \(path): directory \(parent) is not writable") }
  }

  /// Creates `--dump-dir` (and its parents) before the run, so a bad directory fails in one line before any work.
  static func prepareDirectory(_ directory: String) throws {
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) {
      guard isDirectory.boolValue else { throw CommandError("--dump-dir \(directory) is a file, not a directory") }
    } else {
      // mkdir -p by hand: POSIX's errno names the reason in plain words (Foundation's message does not).
      var path = directory.hasPrefix("/") ? "/" : ""
      for component in directory.split(separator: "/") {
        path += (path.isEmpty || path.hasSuffix("/") ? "" : "/") + component
        if mkdir(path, 0o777) != 0 && errno != EEXIST {
          throw CommandError("cannot create --dump-dir \(directory): \(path): \(String(cString: strerror(errno)))")
        }
      }
    }
    guard FileManager.default.isWritableFile(atPath: directory) else {
      throw CommandError("--dump-dir \(directory) is not writable")
    }
  }
}
