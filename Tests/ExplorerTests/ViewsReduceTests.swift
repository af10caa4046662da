import Explorer
import Models
import Session
import XCTest

/// Reduce for the model picker, the compare view, the input size prompt and theme cycling, on
/// real zoo models (static analysis takes milliseconds).
final class ViewsReduceTests: XCTestCase {
  private let size = TerminalSize(width: 100, height: 30)

  private func fresh(_ name: String = "resnet50") throws -> ExplorerState {
    let themes = ["dark", "default", "light", "mono"].map { name in
      Theme(name: name, source: "test", file: ThemeFile(parsing: "", file: name), fallback: .builtInDefault)
    }
    return ExplorerState(model: try ExplorerModel.zoo(named: name), size: size, themes: themes)
  }

  private func press(_ state: ExplorerState, _ keys: Key...) -> ExplorerState {
    keys.reduce(state) { $0.then(.key($1)) }
  }

  private func type(_ state: ExplorerState, _ text: String) -> ExplorerState {
    text.reduce(state) { $0.then(.key(.character($1))) }
  }

  private func picker(_ state: ExplorerState) -> ModelPicker? {
    if case .picker(let picker) = state.overlay { return picker }
    return nil
  }

  // MARK: - Picker

  func testPickerListsEveryModelByFamilyWithTheOpenOneChosen() throws {
    let state = press(try fresh(), .character("m"))
    let picker = try XCTUnwrap(self.picker(state))
    XCTAssertEqual(picker.entries.count, 32)
    XCTAssertEqual(picker.entries[try XCTUnwrap(picker.selected)].name, "resnet50")
    let families = picker.lines.compactMap { line -> String? in
      if case .family(let name) = line { return name }
      return nil
    }
    XCTAssertEqual(families, ["ResNet", "DenseNet", "SENet", "SKNet", "ResNeSt"])
    let resnet50 = try XCTUnwrap(picker.entries.first { $0.name == "resnet50" })
    XCTAssertEqual(resnet50.params, 25_557_032)
    XCTAssertEqual(resnet50.macs, state.model.totalMACs)
  }

  func testTypingFiltersAndEnterOpensKeepingThemeAndInput() throws {
    var state = try fresh()
    state.themeName = "light"
    state = type(press(state, .character("i")), "160 2")
    state = press(state, .enter)
    XCTAssertEqual(state.model.inputShape, [2, 3, 160, 160])
    state = type(press(state, .character("m")), "sk")
    let filtered = try XCTUnwrap(picker(state))
    XCTAssertEqual(
      filtered.matching.map { filtered.entries[$0].name },
      ["sknet_cifar", "skresnet18", "skresnet34", "skresnext50_32x4d", "skresnet50"])
    XCTAssertEqual(filtered.entries[try XCTUnwrap(filtered.selected)].name, "sknet_cifar", "the first match is chosen")
    XCTAssertEqual(filtered.entries.first { $0.name == "skresnet18" }?.inputSize, 160)
    // The input column shows the batch when it is not 1 (issue #17).
    XCTAssertEqual(filtered.entries.first { $0.name == "skresnet18" }?.batch, 2)
    XCTAssertTrue(ExplorerRenderer.render(state, size: size).text.contains("2×3×160×160"))
    state = type(state, "q")  // q is text in the picker's filter, not quit
    XCTAssertFalse(state.shouldQuit)
    XCTAssertEqual(picker(state)?.matching, [])
    state = press(state, .backspace, .down, .down, .enter)
    XCTAssertNil(state.overlay)
    XCTAssertEqual(state.model.name, "skresnet34")
    XCTAssertEqual(state.model.inputShape, [2, 3, 160, 160], "the input size stays")
    XCTAssertEqual(state.themeName, "light", "the theme stays")
    XCTAssertEqual(state.selected, 0)
    XCTAssertEqual(state.notice?.text, "opened skresnet34")
  }

  func testEscClosesThePickerAndNothingChanges() throws {
    let state = try fresh()
    let closed = press(type(press(state, .character("m")), "dense"), .escape)
    XCTAssertNil(closed.overlay)
    XCTAssertEqual(closed.model.name, "resnet50")
    XCTAssertEqual(press(state, .character("m"), .control("c")).shouldQuit, true)
  }

  func testAModelThatCannotTakeTheChosenSizeOpensAtItsOwn() throws {
    var state = press(type(press(try fresh(), .character("i")), "16"), .enter)
    XCTAssertEqual(state.model.inputShape, [1, 3, 16, 16], "ResNet-50 takes 16×16")
    state = press(type(press(state, .character("m")), "densenet121"), .enter)
    XCTAssertEqual(state.model.name, "densenet121")
    XCTAssertEqual(state.model.inputShape, [1, 3, 224, 224])
    XCTAssertEqual(state.input.size, nil)
    XCTAssertEqual(state.notice?.isWarning, true)
    XCTAssertTrue(state.notice?.text.contains("features.transition3.pool") ?? false, state.notice?.text ?? "")
  }

  func testPickerMouse() throws {
    let state = press(try fresh(), .character("m"))
    let layout = ExplorerLayout(size: size)
    let picker = try XCTUnwrap(self.picker(state))
    // The list's first line is the ResNet heading, the second resnet18.
    let row = layout.pickerListTop - picker.scroll + 1
    let clicked = state.then(.mouse(MouseEvent(x: layout.pickerRect.x + 5, y: row, kind: .press)))
    XCTAssertEqual(self.picker(clicked).flatMap { p in p.selected.map { p.entries[$0].name } }, "resnet18")
    let opened = clicked.then(.mouse(MouseEvent(x: layout.pickerRect.x + 5, y: row, kind: .press)))
    XCTAssertEqual(opened.model.name, "resnet18", "a click on the chosen row opens it")
    let wheeled = state.then(.mouse(MouseEvent(x: layout.pickerRect.x + 5, y: row + 3, kind: .wheelDown)))
    XCTAssertGreaterThan(self.picker(wheeled)?.scroll ?? 0, picker.scroll)
    let outside = state.then(.mouse(MouseEvent(x: 0, y: 1, kind: .press)))
    XCTAssertNil(outside.overlay, "a click outside closes the picker")
  }

  // MARK: - Compare

  func testCompareOpensOnTheDefaultSet() throws {
    let state = press(try fresh(), .character("c"))
    let view = try XCTUnwrap(state.compare)
    XCTAssertEqual(view.models.map(\.name), CompareView.defaultModels)
    XCTAssertEqual(view.selected, 0, "the open model is selected")
    XCTAssertEqual(view.models[0].params, 25_557_032)
    XCTAssertNil(press(state, .character("c")).compare, "c closes it")
    XCTAssertNil(press(state, .escape).compare, "Esc closes it")
  }

  /// Compare opened from a model outside the default five includes it, selected (issue #17).
  func testCompareIncludesTheOpenModelOutsideTheDefaultSet() throws {
    for name in ["resnet152", "densenet161"] {
      let view = try XCTUnwrap(press(try fresh(name), .character("c")).compare)
      XCTAssertEqual(view.models.map(\.name), CompareView.defaultModels + [name])
      XCTAssertEqual(view.selected, 5, "\(name) is selected")
    }
  }

  func testCompareAddAndRemove() throws {
    var state = press(try fresh(), .character("c"), .character("+"))
    XCTAssertEqual(picker(state)?.purpose, .addToCompare)
    state = press(type(state, "resnet18"), .enter)
    var view = try XCTUnwrap(state.compare)
    XCTAssertEqual(view.models.map(\.name), CompareView.defaultModels + ["resnet18"])
    XCTAssertEqual(view.selected, 5, "the added model is selected")
    XCTAssertGreaterThan(view.columnScroll, 0, "and scrolled into view")
    state = press(state, .character("h"), .character("h"), .character("-"))
    view = try XCTUnwrap(state.compare)
    XCTAssertEqual(view.models.map(\.name), ["resnet50", "seresnet50", "skresnext50_32x4d", "densenet121", "resnet18"])
    XCTAssertEqual(state.notice?.text, "removed resnest50d")
    // Adding a model already there selects it.
    state = press(type(press(state, .character("+")), "resnet50"), .enter)
    XCTAssertEqual(state.compare?.models.count, 5)
    XCTAssertEqual(state.compare?.selected, 0)
    // Enter opens the selected model and closes the view.
    state = press(state, .character("l"), .enter)
    XCTAssertNil(state.compare)
    XCTAssertEqual(state.model.name, "seresnet50")
  }

  func testCompareEmptiedAndRefilledCountsItsModels() throws {
    var state = press(try fresh(), .character("c"))
    for _ in 0..<7 { state = press(state, .character("-")) }
    XCTAssertEqual(state.compare?.models.count, 0)
    XCTAssertEqual(state.notice?.text, "nothing to remove: + adds a model")
    // Keys on an empty view change nothing and draw the hint.
    state = press(state, .enter, .character("l"), .character("G"), .pageDown)
    XCTAssertNotNil(state.compare)
    XCTAssertTrue(ExplorerRenderer.render(state, size: size).text.contains("┌ compare · 0 models "))
    state = press(type(press(state, .character("+")), "densenet121"), .enter)
    // One model is "1 model" (it read "1 models").
    XCTAssertTrue(ExplorerRenderer.render(state, size: size).text.contains("┌ compare · 1 model · input 1×3×224×224"))
  }

  func testCompareScrollsSidewaysWhenNarrow() throws {
    let narrow = TerminalSize(width: 80, height: 24)
    var state = try fresh().then(.resize(narrow))
    state = press(state, .character("c"))
    XCTAssertEqual(ExplorerLayout(size: narrow).compareColumns, 2)
    state = press(state, .right, .right, .right)
    XCTAssertEqual(state.compare?.selected, 3)
    XCTAssertEqual(state.compare?.columnScroll, 2)
    state = press(state, .character("g"))
    XCTAssertEqual(state.compare?.columnScroll, 0)
    state = press(state, .character("G"))
    XCTAssertEqual(state.compare?.columnScroll, 3)
    // Removing down to nothing, then Enter and - say what to do rather than fail.
    for _ in 0..<5 { state = press(state, .character("-")) }
    XCTAssertEqual(state.compare?.models, [])
    state = press(state, .character("-"))
    XCTAssertEqual(state.notice?.text, "nothing to remove: + adds a model")
  }

  func testCompareMouse() throws {
    let state = press(try fresh(), .character("c"))
    let layout = ExplorerLayout(size: size)
    let x = layout.compareX + CompareView.labelWidth + CompareView.columnWidth + 3
    let clicked = state.then(.mouse(MouseEvent(x: x, y: 5, kind: .press)))
    XCTAssertEqual(clicked.compare?.selected, 1, "a click selects the column under it")
    let wheeled = state.then(.mouse(MouseEvent(x: x, y: 5, kind: .wheelDown)))
    XCTAssertEqual(wheeled.compare?.columnScroll, 1, "every line shows at 100×30: the wheel scrolls sideways")
  }

  // MARK: - Input size

  func testInputSizeRecomputesEveryFigure() throws {
    var state = press(try fresh(), .character("c"))
    state = press(type(press(state, .character("i")), "2x3x160x160"), .enter)
    XCTAssertEqual(state.model.inputShape, [2, 3, 160, 160])
    XCTAssertEqual(state.input, InputChoice(batch: 2, size: 160))
    let at160 = try ExplorerModel(session: Session(spec: try ModelSpec(named: "resnet50"), size: 160))
    XCTAssertEqual(state.model.totalMACs, 2 * at160.totalMACs, "twice the batch, twice the MACs")
    XCTAssertLessThan(at160.totalMACs, try fresh().model.totalMACs)
    XCTAssertEqual(state.model.totalParams, 25_557_032)
    XCTAssertEqual(state.compare?.models.map(\.inputShape), Array(repeating: [2, 3, 160, 160], count: 5))
    XCTAssertEqual(state.compare?.models[0].macs, 2 * at160.totalMACs)
    XCTAssertEqual(state.notice?.text, "input is now 2×3×160×160: every figure recomputed")
    // Only the size: the batch stays.
    state = press(type(press(state, .character("i")), "192"), .enter)
    XCTAssertEqual(state.model.inputShape, [2, 3, 192, 192])
  }

  func testAnImpossibleSizeIsRefusedWithTheReasonAndTheOldSizeKept() throws {
    // ResNet-50 takes 16×16 but DenseNet-121, in the comparison, does not.
    var state = press(try fresh(), .character("c"))
    let before = state
    state = press(type(press(state, .character("i")), "16"), .enter)
    XCTAssertEqual(state.model, before.model)
    XCTAssertEqual(state.compare?.models, before.compare?.models)
    XCTAssertEqual(state.input, InputChoice())
    XCTAssertEqual(state.notice?.isWarning, true)
    XCTAssertEqual(
      state.notice?.text,
      "input size refused: densenet121: input too small: features.transition3.pool (AvgPool2d) gets 1×512×1×1: "
        + "a 2×2 window with stride 2 and padding 0 leaves an output of 0×0; keeping 1×3×224×224")
    for (text, reason) in [
      ("abc", "\"abc\" is not an input size"), ("0", "input size 0 is out of range: 1 to 4096"),
      ("224 0", "batch 0 is out of range"), ("1x4x32x32", "3 input channels, not 4"),
      ("1x3x32x48", "H and W must be equal"),
    ] {
      let refused = press(type(press(before, .character("i")), text), .enter)
      XCTAssertTrue(refused.notice?.text.contains(reason) ?? false, "\(text): \(refused.notice?.text ?? "")")
      XCTAssertEqual(refused.model, before.model)
    }
  }

  func testInputPromptEditsAndEscCancels() throws {
    var state = press(try fresh(), .character("i"))
    XCTAssertEqual(state.prompt?.purpose, .inputSize)
    state = press(type(state, "1600"), .backspace, .character("q"))
    XCTAssertEqual(state.prompt?.text, "160q", "q is text in a prompt")
    state = press(state, .escape)
    XCTAssertNil(state.prompt)
    XCTAssertEqual(state.model.inputShape, [1, 3, 224, 224])
  }

  // MARK: - Themes

  func testThemesCycleAlphabetically() throws {
    var state = try fresh()
    XCTAssertEqual(state.themeName, "default")
    var seen: [String] = []
    for _ in 0..<4 {
      state = press(state, .character("t"))
      seen.append(state.themeName)
    }
    XCTAssertEqual(seen, ["light", "mono", "dark", "default"])
    XCTAssertEqual(state.notice?.text, "theme default (2 of 4)")
    let single = ExplorerState(model: state.model, size: size)
    XCTAssertEqual(press(single, .character("t")).themeName, "default")
  }

  func testAThemeWithMalformedLinesSaysSoWhenChosen() throws {
    var state = try fresh()
    let broken = Theme(
      name: "broken", source: "b.theme", file: ThemeFile(parsing: "x\ny\n", file: "b.theme"), fallback: .builtInDefault)
    state.themes.append(broken)
    state.themeName = "default"
    state = press(state, .character("t"))
    XCTAssertEqual(state.themeName, "light")
    state = ExplorerState(model: state.model, size: size, themes: [.builtInDefault, broken])
    state = press(state, .character("t"))
    XCTAssertEqual(state.themeName, "broken", "after default comes broken again, wrapping around")
    XCTAssertEqual(state.notice?.text, "b.theme:1: expected theme[key]=\"#RRGGBB\", got: x (+1 more)")
    XCTAssertEqual(state.notice?.isWarning, true)
  }

  func testTheRunLoopHandsTheNewPaletteToTheTerminal() throws {
    let terminal = MemoryTerminal(size: size)
    terminal.events = [.key(.character("t")), .key(.character("t"))]
    let (_, final) = ExplorerApp.run(try fresh(), on: terminal)
    XCTAssertEqual(final.themeName, "mono")
    XCTAssertEqual(terminal.paletteChanges, 1, "both keys arrive before the next frame: one palette change")
    XCTAssertEqual(terminal.palette?.name, "mono")
  }
}
