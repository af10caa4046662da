import Explorer
import Models
import Session
import XCTest

/// The variant editor (`e`), `E` back to the base, and variants in the picker and the compare view, on real zoo
/// models (the analysis of a variant takes milliseconds).
final class VariantEditorTests: XCTestCase {
  private let size = TerminalSize(width: 120, height: 40)

  private func fresh(_ name: String = "resnet50") throws -> ExplorerState {
    ExplorerState(model: try ExplorerModel.zoo(named: name), size: size)
  }

  private func press(_ state: ExplorerState, _ keys: Key...) -> ExplorerState {
    keys.reduce(state) { $0.then(.key($1)) }
  }

  private func type(_ state: ExplorerState, _ text: String) -> ExplorerState {
    text.reduce(state) { $0.then(.key(.character($1))) }
  }

  private func editor(_ state: ExplorerState) -> VariantEditor? {
    if case .variant(let editor) = state.overlay { return editor }
    return nil
  }

  /// resnet50, `e`, groups 32 and width_per_group 4, before Enter.
  private func resnext() throws -> ExplorerState {
    var state = press(try fresh(), .character("e"), .down, .down)
    state = type(state, "32")
    return type(press(state, .down), "4")
  }

  func testEditorListsEveryKeyWithItsValueAndBaseValue() throws {
    let state = press(try fresh(), .character("e"))
    XCTAssertEqual(state.keyContext, .variantEditor)
    let form = try XCTUnwrap(editor(state))
    XCTAssertEqual(form.fields.map(\.key), ["layers", "block", "groups", "width_per_group", "num_classes"])
    XCTAssertEqual(form.fields.map(\.base), ["3,4,6,3", "bottleneck", "1", "64", "1000"])
    XCTAssertEqual(form.fields.map(\.text), form.fields.map(\.base))
    XCTAssertEqual(form.settings, [])
  }

  func testTypingReplacesThenEditsAndEscCancels() throws {
    let state = try resnext()
    let form = try XCTUnwrap(editor(state))
    XCTAssertEqual(form.settings, ["groups=32", "width_per_group=4"])
    XCTAssertEqual(editor(press(state, .backspace))?.fields[3].text, "")
    let cancelled = press(state, .escape)
    XCTAssertNil(cancelled.overlay)
    XCTAssertEqual(cancelled.model.name, "resnet50")
    XCTAssertEqual(cancelled.model.totalParams, 25_557_032)
  }

  func testEnterAppliesTheVariantAndEReturnsToTheBase() throws {
    var state = try resnext()
    state = press(state, .enter)
    XCTAssertNil(state.overlay)
    XCTAssertEqual(state.model.name, "resnet50 · groups=32 width_per_group=4")
    XCTAssertEqual(state.model.totalParams, 25_028_904)
    XCTAssertEqual(state.model.spec, try ModelSpec(named: "resnet50", settings: ["groups=32", "width_per_group=4"]))
    XCTAssertEqual(state.live.stepNames.count, 18, "the live run follows the variant's steps")
    let line = StatusBar.line(for: state, width: size.width).segments.map(\.text).joined()
    XCTAssertTrue(line.contains("variant groups=32 width_per_group=4"), line)
    // The editor reopens on the variant's values, against the base's.
    let again = try XCTUnwrap(editor(press(state, .character("e"))))
    XCTAssertEqual(again.fields[2].text, "32")
    XCTAssertEqual(again.fields[2].base, "1")
    let base = press(state, .character("E"))
    XCTAssertEqual(base.model.name, "resnet50")
    XCTAssertEqual(base.model.totalParams, 25_557_032)
    XCTAssertTrue(press(base, .character("E")).notice?.text.contains("not a variant") ?? false)
  }

  func testSelectionStaysOnTheSamePathAcrossAnEdit() throws {
    var state = try fresh()
    XCTAssertTrue(state.select(path: "layer2.1.conv2"))
    state = type(press(state, .character("e"), .down, .down), "32")
    state = press(state, .enter)
    XCTAssertEqual(state.selectedNode.path, "layer2.1.conv2")
    XCTAssertEqual(state.selectedNode.hyperParameters.first { $0.0 == "groups" }?.1, "32")
  }

  /// Every refusal keeps the model, names the rule in one line and leaves the editor open with it.
  func testRefusalsKeepTheModelAndSayWhy() throws {
    let cases: [(model: String, down: Int, text: String, reason: String)] = [
      ("resnet50", 2, "0", "resnet50: groups=0: must be 1 or more (a count of 0 cannot build)"),
      ("resnet50", 2, "x", "resnet50: groups=x: expected an integer ≥ 1"),
      ("resnet50", 0, "3,0,6,3", "resnet50: layers=3,0,6,3: every count must be 1 or more, got 0"),
      ("resnet50", 0, "3,4,6", "resnet50: layers=3,4,6: needs 4 integers, got 3"),
      ("resnet50", 1, "wide", "resnet50: block=wide: expected one of basic, bottleneck"),
      ("resnet18", 2, "32", "resnet18: block=basic groups=32 width_per_group=64: BasicBlock only supports groups=1"),
      ("resnest50d", 7, "3", "radix=3"),
      ("skresnet18", 1, "2", "only supports cardinality of 1 (timm)"),
    ]
    for c in cases {
      var state = press(try fresh(c.model), .character("e"))
      for _ in 0..<c.down { state = press(state, .down) }
      state = press(type(state, c.text), .enter)
      XCTAssertEqual(state.model.name, c.model, c.text)
      let refusal = try XCTUnwrap(editor(state)?.refusal, "\(c.model) \(c.text)")
      XCTAssertTrue(refusal.contains(c.reason), "\(c.model) \(c.text): \(refusal)")
      XCTAssertFalse(refusal.contains("\n"))
      XCTAssertEqual(state.notice?.isWarning, true)
      XCTAssertTrue(state.notice?.text.hasPrefix("refused: ") ?? false)
      // Editing again clears the refusal; Esc keeps the model.
      XCTAssertNil(editor(press(state, .backspace))?.refusal)
      XCTAssertEqual(press(state, .escape).model.name, c.model)
    }
  }

  func testNoChangeClosesAndModelsWithoutKeysSaySo() throws {
    let state = press(try fresh(), .character("e"), .enter)
    XCTAssertNil(state.overlay)
    XCTAssertTrue(state.notice?.text.hasPrefix("no change") ?? false)
    let hand = ExplorerState(model: FixtureModel.make(), size: size)
    XCTAssertNil(press(hand, .character("e")).overlay)
  }

  func testPickerListsTheVariantAfterItsBaseAndCompareShowsDifferences() throws {
    let variant = press(try resnext(), .enter)
    let picker = press(variant, .character("m"))
    guard case .picker(let list) = picker.overlay else { return XCTFail("no picker") }
    let names = list.entries.map(\.name)
    let base = try XCTUnwrap(names.firstIndex(of: "resnet50"))
    XCTAssertEqual(names[base + 1], "resnet50 · groups=32 width_per_group=4")
    XCTAssertEqual(list.entries[base + 1].params, 25_028_904)
    XCTAssertEqual(list.entries[try XCTUnwrap(list.selected)].name, variant.model.name)

    let compare = press(variant, .character("c"))
    let view = try XCTUnwrap(compare.compare)
    let columns = view.models.map(\.name)
    XCTAssertEqual(columns.prefix(2), ["resnet50", "resnet50 · groups=32 width_per_group=4"])
    XCTAssertEqual(view.selected, 1)
    XCTAssertEqual(view.base(of: view.models[1])?.name, "resnet50")
    let lines = ComparePane.lines(for: view, glyphs: .unicode)
    let params = lines.first { $0.label.segments.first?.text == "params" }?.cells[1].segments.map(\.text).joined()
    XCTAssertEqual(params, "25,028,904  −528 K")
    let macs = lines.first { $0.label.segments.first?.text == "MACs" }?.cells[1].segments.map(\.text).joined()
    XCTAssertTrue(macs?.contains(" %") ?? false, macs ?? "")
  }

  func testAVariantWhoseBaseIsNotInTheDefaultSetBringsItsBase() throws {
    var state = type(press(try fresh("resnet152"), .character("e"), .down, .down), "2")
    state = press(state, .enter, .character("c"))
    let columns = try XCTUnwrap(state.compare).models.map(\.name)
    let variant = try XCTUnwrap(columns.firstIndex(of: "resnet152 · groups=2"))
    XCTAssertEqual(columns[variant - 1], "resnet152")
  }

  func testPlusAddsTheVariantBesideItsBase() throws {
    var state = press(try resnext(), .enter)
    state = press(state, .character("c"))
    state = press(state, .character("-"))  // removes the variant (selected)
    XCTAssertFalse(try XCTUnwrap(state.compare).models.contains { $0.name == "resnet50 · groups=32 width_per_group=4" })
    state = type(press(state, .character("+")), "groups")
    state = press(state, .enter)
    let columns = try XCTUnwrap(state.compare).models.map(\.name)
    XCTAssertEqual(columns.prefix(2), ["resnet50", "resnet50 · groups=32 width_per_group=4"])
  }

  func testDifferencesAreSignedAndCompact() {
    XCTAssertEqual(ExplorerState.difference(25_028_904, from: 25_557_032), "−528 K")
    XCTAssertEqual(ExplorerState.difference(27_800_000, from: 25_500_000), "+2.30 M")
    XCTAssertEqual(ExplorerState.difference(5, from: 5), "±0")
    XCTAssertEqual(ExplorerState.percentChange(88, from: 100), "−12 %")
    XCTAssertEqual(ExplorerState.percentChange(1035, from: 1000), "+3.5 %")
    XCTAssertNil(ExplorerState.percentChange(1, from: 0))
  }
}
