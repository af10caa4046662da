import Formats
import Foundation
import Models
import Runtime
import Session

/// The work the explorer's effects need, as closures: the live ones analyse zoo models; tests put
/// in ones that fail when called, to prove that reduce never reaches them.
package struct ExplorerServices: Sendable {
  /// `spec` analysed at `input` for the tree, with the session its forward pass runs in.
  package var open: @Sendable (ModelSpec, InputChoice) throws -> (model: ExplorerModel, session: Session)
  /// `spec`'s figures at `input`, for the compare view.
  package var summary: @Sendable (ModelSpec, InputChoice) throws -> ModelSummary
  /// Every zoo model with its figures at `input`, for the picker.
  package var catalogue: @Sendable (InputChoice) -> [CatalogEntry]

  package init(
    open: @escaping @Sendable (ModelSpec, InputChoice) throws -> (model: ExplorerModel, session: Session),
    summary: @escaping @Sendable (ModelSpec, InputChoice) throws -> ModelSummary,
    catalogue: @escaping @Sendable (InputChoice) -> [CatalogEntry]
  ) {
    self.open = open
    self.summary = summary
    self.catalogue = catalogue
  }

  /// The zoo's models analysed for real, their sessions made by `sessions`.
  package static func live(_ sessions: SessionFactory = SessionFactory()) -> ExplorerServices {
    ExplorerServices(
      open: { spec, input in
        let session = sessions.session(for: spec, input: input)
        return (try ExplorerModel(session: session), session)
      },
      summary: { spec, input in
        ModelSummary(try ExplorerModel(session: Session(spec: spec, batch: input.batch, size: input.size)))
      },
      catalogue: catalogue(input:))
  }

  /// Every zoo model, in family order then zoo order, with its figures at `input`.
  package static func catalogue(input: InputChoice) -> [CatalogEntry] {
    var out: [CatalogEntry] = []
    for family in Family.allCases {
      for spec in Zoo.specs where spec.family == family {
        let size = input.size ?? spec.inputSize
        do {
          let analysis = try spec.analyze(batch: input.batch, size: input.size)
          out.append(
            CatalogEntry(
              spec: spec, family: family.rawValue, inputSize: size, batch: input.batch, params: analysis.totalParams,
              macs: analysis.totalMACs))
        } catch {
          out.append(
            CatalogEntry(
              spec: spec, family: family.rawValue, inputSize: size, batch: input.batch, params: 0, macs: 0,
              refusal: "\(error)"))
        }
      }
    }
    return out
  }
}

/// Makes the session of each model the explorer shows, from the weights and input it was started with.
///
/// A weights file belongs to the model it was given for, and to any other model or variant whose state dict it
/// fits exactly (every key and shape: a resnext50_32x4d file fits `resnet50 · groups=32 width_per_group=4`);
/// another model gets seeded weights. An input array fits only its own shape (another size gets the synthetic
/// input); an image is preprocessed for whichever model and size is shown.
package struct SessionFactory: Sendable {
  /// The model the explorer was started with, and its source as given on the command line.
  package let given: ModelSpec?
  package let source: SessionSource
  /// The weights file's keys and shapes, read once when another model first asks whether it fits.
  private let stored = StoredShapes()

  package init(given: ModelSpec? = nil, source: SessionSource = SessionSource()) {
    self.given = given
    self.source = source
  }

  /// The session for `spec` at `input`.
  package func session(for spec: ModelSpec, input: InputChoice) -> Session {
    var source = source
    if spec != given, let path = source.weightsPath, !stored.fits(spec, path: path) { source.weightsPath = nil }
    if let array = source.array, array.shape != spec.inputShape(batch: input.batch, size: input.size) {
      source.input = .synthetic
    }
    return Session(spec: spec, source: source, batch: input.batch, size: input.size)
  }
}

/// The key → shape table of a weights file, read on first use and kept (the explorer asks on every model shown).
private final class StoredShapes: @unchecked Sendable {
  private let lock = NSLock()
  private var shapes: [String: [Int]]?

  /// Whether the file at `path` holds exactly `spec`'s state dict (counters such as `num_batches_tracked` may
  /// be absent, as the strict loader allows).
  func fits(_ spec: ModelSpec, path: String) -> Bool {
    let table: [String: [Int]] = lock.withLock {
      if let shapes { return shapes }
      var read: [String: [Int]] = [:]
      if let file = try? SafetensorsFile.read(path: path) {
        for (name, tensor) in file.tensors { read[name] = tensor.shape }
      }
      shapes = read
      return read
    }
    guard !table.isEmpty else { return false }
    let specs = spec.build().root.parameterSpecs
    let keys = Set(specs.map(\.key))
    guard table.keys.allSatisfy(keys.contains) else { return false }
    return specs.allSatisfy { table[$0.key] == $0.shape || ($0.isCounter && table[$0.key] == nil) }
  }
}
