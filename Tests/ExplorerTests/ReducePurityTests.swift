import Explorer
import Models
import Runtime
import XCTest

/// Reduce is pure: every action in every context changes the state and returns effects, and never
/// reaches the analysis, the catalogue or the forward pass (here services that fail when called).
final class ReducePurityTests: XCTestCase {
  /// Services that fail the test if anything calls them.
  private static let failing = ExplorerServices(
    open: { spec, _ in
      XCTFail("reduce analysed \(spec)")
      throw InputRefusal(model: spec.displayName, reason: "called")
    },
    summary: { spec, _ in
      XCTFail("reduce summarised \(spec)")
      throw InputRefusal(model: spec.displayName, reason: "called")
    },
    catalogue: { _ in
      XCTFail("reduce built the catalogue")
      return []
    })

  /// Every key the table binds, plus keys bound to nothing, editing keys and every special key.
  private static var keys: [Key] {
    let special: [Key] = [
      .up, .down, .left, .right, .pageUp, .pageDown, .home, .end, .enter, .escape, .tab, .backTab, .backspace,
      .delete, .control("c"), .control("x"),
    ]
    return KeyBindings.table.flatMap { $0.keys.map(\.0) }
      + "abcdefghijklmnopqrstuvwxyz0123456789+-/?.GNE ".map { .character($0) }
      + special
  }

  private static func mice(_ size: TerminalSize) -> [ExplorerAction] {
    var out: [ExplorerAction] = []
    for y in stride(from: 0, to: size.height, by: 3) {
      for x in stride(from: 0, to: size.width, by: 7) {
        for kind in [MouseEvent.Kind.press, .wheelUp, .wheelDown] {
          out.append(.mouse(MouseEvent(x: x, y: y, kind: kind)))
        }
      }
    }
    return out
  }

  /// The results that come back from effects, made up without the services.
  private static func results(_ state: ExplorerState) -> [ExplorerAction] {
    let model = state.model
    let summary = ModelSummary(model)
    let entry = CatalogEntry(spec: ModelSpec(base: Zoo.models[0]), family: "ResNet", inputSize: 224, params: 1, macs: 1)
    let opened = OpenedModel(model: model, input: InputChoice(), live: state.live)
    let digest = StepDigest(index: 0, name: "conv1", seconds: 0.001, outputShape: [1, 16, 16, 16], statistics: nil)
    return [
      .measured(ContentHeights(details: 40, overlay: 200)), .opened(opened),
      .opened(OpenedModel(model: model, input: InputChoice(size: 64), live: state.live, fallbackReason: "too small")),
      .openRefused(name: "resnet50", reason: "too small"),
      .inputChanged(InputChange(input: InputChoice(size: 64), model: model, compared: [summary], live: state.live)),
      .inputRefused(InputRefusal(model: "resnet50", reason: "too small")),
      .catalogue([entry], input: InputChoice(), purpose: .open),
      .catalogue([entry], input: InputChoice(), purpose: .addToCompare),
      .compared([summary, summary], refused: ["densenet121"]), .addedToCompare(summary),
      .compareRefused(name: "densenet121", reason: "too small"), .run(.started(step: 0), generation: 0),
      .run(.finished(digest), generation: 0), .run(.top([]), generation: 0),
      .run(.ended(nextStep: 1, failure: nil), generation: 0),
      .run(.ended(nextStep: 0, failure: "failed"), generation: 0),
      .run(.started(step: 0), generation: 7), .runElapsed(1.2), .resize(TerminalSize(width: 40, height: 10)),
      .resize(TerminalSize(width: 160, height: 48)), .variantApplied(opened),
      .variantRefused("resnet50: groups=0: must be 1 or more"),
      .run(.compared(RunComparison(cleanTop: [], kl: 0.5, top1Changed: true)), generation: 0),
      .lesion(.started(family: "blocks, branch off", total: 5), id: LesionID(generation: 0, serial: 1)),
      .lesion(.progress(done: 2, total: 5), id: LesionID(generation: 0, serial: 1)),
      .lesion(.finished(lesionResult), id: LesionID(generation: 0, serial: 1)),
      .lesion(.failed("failed"), id: LesionID(generation: 0, serial: 1)),
      .lesion(.progress(done: 1, total: 5), id: LesionID(generation: 3, serial: 9)),
      .reuse(reuseMaps), .reuseRefused("tinynet has no dense blocks"),
      .resize(TerminalSize(width: 160, height: 48)),
    ]
  }

  private static let lesionResult = LesionResult(
    rows: [
      LesionRow(path: "layer1.0", spec: "layer1.0", kl: 0.2, sameTop1: true, top1: "c", cleanTop1Probability: 0.4),
      LesionRow(path: "layer2.1", spec: "layer2.1", kl: 2, sameTop1: false, top1: "d", cleanTop1Probability: 0.1),
    ], fullPassEquivalents: 1.5)

  private static let reuseMaps = ReuseMaps(blocks: [
    .init(path: "b1", sources: ["input", "l1"], targets: ["l1.conv1", "l2.conv1"], means: [[1, nil], [0.5, 0.2]]),
    .init(path: "b2", sources: ["input"], targets: ["l1.conv1"], means: [[0.3]]),
  ])

  /// The explorer in each context a key can meet: tree, details, help, run views, picker, compare, prompts.
  private func contexts() -> [ExplorerState] {
    var base = ExplorerState(model: FixtureModel.make())
    base.apply(.measured(ContentHeights(details: 40, overlay: 0)))
    // `d` takes a block of the fixture (its choices come from the network in a real session).
    base.live.interventionChoices["layer1.0"] = [.branchOff, .shortcutOff]
    base.live.plainFirstStep = 1
    let entries = [
      CatalogEntry(spec: ModelSpec(base: Zoo.models[0]), family: "ResNet", inputSize: 224, params: 1, macs: 1)
    ]
    var states = [base]
    for keys in ["\t", "?", "v", "a", "/", "i", "/con"] {
      var state = base
      for key in keys { state.apply(.key(key == "\t" ? .tab : .character(key))) }
      states.append(state)
    }
    var picker = base
    picker.apply(.catalogue(entries, input: InputChoice(), purpose: .open))
    var compare = base
    compare.apply(.compared([ModelSummary(base.model)], refused: []))
    var running = base
    running.apply(.key(.character("r")))
    var intervened = base
    XCTAssertTrue(intervened.select(path: "layer1.0"))
    intervened.apply(.key(.character("d")))
    var lesion = base
    lesion.apply(.key(.character("L")))
    var lesionDone = lesion
    lesionDone.apply(.lesion(.finished(Self.lesionResult), id: LesionID(generation: 0, serial: 1)))
    var reuse = base
    reuse.apply(.reuse(Self.reuseMaps))
    var tiny = base
    tiny.apply(.resize(TerminalSize(width: 30, height: 8)))
    // A zoo model (with keys to edit), as it is, in the variant editor, and as a variant.
    var zoo = base
    zoo.model.spec = ModelSpec(base: Zoo.models[0])
    var editor = zoo
    editor.apply(.key(.character("e")))
    XCTAssertEqual(editor.keyContext, .variantEditor)
    var edited = editor
    edited.apply(.key(.character("5")))
    var variant = zoo
    variant.model.spec = try? ModelSpec(named: "resnet18", settings: ["num_classes=10"])
    var variantCompare = variant
    variantCompare.apply(.compared([ModelSummary(base.model)], refused: []))
    var variantPicker = variant
    variantPicker.apply(.catalogue(entries, input: InputChoice(), purpose: .addToCompare))
    return states + [
      picker, compare, running, intervened, lesion, lesionDone, reuse, tiny, zoo, editor, edited, variant,
      variantCompare, variantPicker,
    ]
  }

  func testReduceNeverCallsTheServicesForAnyAction() {
    // The runner holds the services; reduce gets no way to them, and its effects are only recorded here.
    let runner = EffectRunner(services: Self.failing, synchronous: true)
    var effects: [ExplorerEffect] = []
    for context in contexts() {
      let actions = Self.keys.map(ExplorerAction.key) + Self.mice(context.size) + Self.results(context)
      for action in actions {
        var state = context
        effects += state.apply(action)
        XCTAssertFalse(runner.holdsInput)
      }
    }
    // The actions that ask for work return it as effects instead of doing it.
    XCTAssertTrue(effects.contains(.loadCatalogue(input: InputChoice(), purpose: .open)))
    XCTAssertTrue(effects.contains(.compare(input: InputChoice())))
    XCTAssertTrue(effects.contains { if case .run(.through, _) = $0 { true } else { false } })
    XCTAssertTrue(effects.contains { if case .run(.reset, _) = $0 { true } else { false } })
    XCTAssertTrue(effects.contains { if case .open = $0 { true } else { false } })
    XCTAssertTrue(effects.contains { if case .applyVariant = $0 { true } else { false } })
    XCTAssertTrue(effects.contains { if case .open(ModelSpec(base: Zoo.models[0]), _, _) = $0 { true } else { false } })
    XCTAssertTrue(effects.contains { if case .run(.configure, _) = $0 { true } else { false } })
    XCTAssertTrue(effects.contains { if case .startLesion = $0 { true } else { false } })
    XCTAssertTrue(effects.contains(.cancelLesion))
    XCTAssertTrue(effects.contains(.reuse))
  }
}
