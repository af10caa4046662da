import Explorer
import Foundation
import Models
import XCTest

/// Long random sequences of keys, mouse reports and resizes through `reduce` (with the live run
/// ticking, so the run views have data), checking after every event that nothing crashes, the
/// state's indices stay in range and the renderer fills exactly the requested grid.
final class FuzzTests: XCTestCase {
  private var originalDirectory = ""
  private var scratchDirectory: URL?

  /// Random keys can press `w` then Enter, which writes the default export file into the working directory:
  /// run from a scratch folder so nothing lands in the checkout.
  override func setUpWithError() throws {
    let fm = FileManager.default
    originalDirectory = fm.currentDirectoryPath
    let scratch = fm.temporaryDirectory.appendingPathComponent("convscope-fuzz-\(UUID().uuidString)")
    try fm.createDirectory(at: scratch, withIntermediateDirectories: true)
    scratchDirectory = scratch
    XCTAssertTrue(fm.changeCurrentDirectoryPath(scratch.path))
  }

  override func tearDownWithError() throws {
    let fm = FileManager.default
    _ = fm.changeCurrentDirectoryPath(originalDirectory)
    if let scratchDirectory { try? fm.removeItem(at: scratchDirectory) }
  }

  /// A small deterministic generator (SplitMix64), so a failure names a reproducible seed.
  private struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
      state &+= 0x9E37_79B9_7F4A_7C15
      var z = state
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return z ^ (z >> 31)
    }
  }

  /// Every key of the binding table plus the keys a user can hit by accident.
  private static let keys: [Key] = {
    var keys = KeyBindings.table.flatMap { $0.keys.map(\.0) }
    keys += [.enter, .escape, .tab, .backTab, .backspace, .delete, .home, .end, .control("a"), .control("u")]
    return keys
  }()

  /// Text a user might type into a prompt: digits, separators, regex-like and wide characters.
  private static let printable: [Character] = Array(
    "0123456789 ×xX*abcdefgzqQ[](){}.*+?^$\\|/-_,;:'\"~`!@#%&=<>層⣿🔥é\u{301}\u{85}\u{200B}\u{FE0F}\u{202E}👩‍👩‍👧")

  private static let sizes = [
    TerminalSize(width: 1, height: 1), TerminalSize(width: 59, height: 15), TerminalSize(width: 60, height: 16),
    TerminalSize(width: 300, height: 100), TerminalSize(width: 80, height: 24), TerminalSize(width: 2, height: 40),
    TerminalSize(width: 200, height: 3), TerminalSize(width: 0, height: 0), TerminalSize(width: 61, height: 17),
  ]

  private func randomEvent(_ rng: inout SplitMix, size: TerminalSize) -> ExplorerAction {
    let roll = Int.random(in: 0..<100, using: &rng)
    switch roll {
    case 0..<55: return .key(Self.keys.randomElement(using: &rng) ?? .escape)
    case 55..<80: return .key(.character(Self.printable.randomElement(using: &rng) ?? "a"))
    case 80..<92:
      let kinds: [MouseEvent.Kind] = [.press, .wheelUp, .wheelDown]
      return .mouse(
        MouseEvent(
          x: Int.random(in: -2...(size.width + 2), using: &rng), y: Int.random(in: -2...(size.height + 2), using: &rng),
          kind: kinds.randomElement(using: &rng) ?? .press))
    default:
      if Bool.random(using: &rng) { return .resize(Self.sizes.randomElement(using: &rng) ?? .minimum) }
      return .resize(
        TerminalSize(width: Int.random(in: 1...320, using: &rng), height: Int.random(in: 1...110, using: &rng)))
    }
  }

  /// What must hold after every event.
  private func checkInvariants(_ state: ExplorerState, _ context: @autoclosure () -> String) {
    let count = state.model.nodes.count
    XCTAssertTrue((0..<count).contains(state.selected), "selection out of range: \(context())")
    XCTAssertTrue(state.rows.contains(state.selected), "selected node hidden: \(context())")
    XCTAssertTrue(
      state.treeScroll >= 0 && state.treeScroll < max(1, state.rows.count),
      "tree scroll \(state.treeScroll): \(context())")
    XCTAssertGreaterThanOrEqual(state.detailsScroll, 0, context())
    XCTAssertEqual(state.expanded.count, count, context())
    switch state.overlay {
    case .help(let scroll), .activations(let scroll), .attention(let scroll), .notices(let scroll),
      .wiring(let scroll):
      XCTAssertGreaterThanOrEqual(scroll, 0, "overlay scroll: \(context())")
    case .picker(let picker):
      XCTAssertGreaterThanOrEqual(picker.scroll, 0, "picker scroll: \(context())")
      if let selected = picker.selected {
        XCTAssertTrue(picker.matching.contains(selected), "picker selection \(selected): \(context())")
      }
    case .variant(let editor):
      XCTAssertTrue(editor.fields.indices.contains(editor.selected), "editor selection: \(context())")
    case .lesion(let view):
      XCTAssertGreaterThanOrEqual(view.selected, 0, "lesion selection: \(context())")
    case .reuse(let view):
      XCTAssertTrue(view.maps.blocks.indices.contains(view.block), "reuse block: \(context())")
    case .classPrompt(let chooser):
      XCTAssertTrue(chooser.entries.isEmpty || chooser.entries.indices.contains(chooser.choice), context())
    case .gradient(let scroll):
      XCTAssertGreaterThanOrEqual(scroll, 0, "gradient view scroll: \(context())")
    case nil: break
    }
    if let view = state.compare {
      XCTAssertTrue(view.models.isEmpty || view.models.indices.contains(view.selected), "compare sel: \(context())")
      XCTAssertGreaterThanOrEqual(view.columnScroll, 0, context())
      XCTAssertGreaterThanOrEqual(view.lineScroll, 0, context())
    }
    if let search = state.search, let current = search.current {
      XCTAssertTrue(search.matches.indices.contains(current), "search current: \(context())")
    }
    if !state.size.isTooSmall {
      let visible = ExplorerLayout(size: state.size).contentHeight
      let row = state.selectedRow
      XCTAssertTrue(
        row >= state.treeScroll && row < state.treeScroll + max(1, visible),
        "selected row \(row) not shown (scroll \(state.treeScroll), \(visible) rows): \(context())")
    }
  }

  /// CONVSCOPE_FUZZ_EVENTS_PERCENT shortens every sequence to that share (make test's AddressSanitizer run: the
  /// sanitizer makes each event ~4× dearer, and the keys fuzz target covers reduce and render there as well).
  private static let eventPercent =
    ProcessInfo.processInfo.environment["CONVSCOPE_FUZZ_EVENTS_PERCENT"]
    .flatMap { Int($0) }.map { min(max($0, 1), 100) } ?? 100

  private func fuzz(_ name: String, size: Int? = nil, seed: UInt64, events fullEvents: Int) throws {
    let events = fullEvents * Self.eventPercent / 100
    var (state, controller) = try openForLiveRun(name, size: size)
    let themes =
      [Theme.builtInDefault]
      + ["a", "b"].map { suffix in
        var theme = Theme.builtInDefault
        theme.name = "fuzz-\(suffix)"
        return theme
      }
    state.themes = themes
    state.input = InputChoice(batch: 1, size: size)
    var rng = SplitMix(state: seed)
    var recent: [ExplorerAction] = []
    for i in 0..<events {
      let event = randomEvent(&rng, size: state.size)
      recent.append(event)
      if recent.count > 12 { recent.removeFirst() }
      state.send(event, controller)
      // Quitting ends the session: carry on as if the explorer had been opened again.
      state.shouldQuit = false
      _ = controller.tick(&state)
      let context = "\(name) seed \(seed) event \(i), last: \(recent)"
      checkInvariants(state, context)
      let grid = ExplorerRenderer.render(state, size: state.size)
      XCTAssertEqual(grid.width, max(0, state.size.width), "grid width: \(context)")
      XCTAssertEqual(grid.height, max(0, state.size.height), "grid height: \(context)")
      if testRun?.failureCount ?? 0 > 0 { return }
    }
    // Let the worker finish what the sequence asked for, then draw every view once more.
    controller.waitUntilIdle()
    _ = controller.tick(&state)
    for overlay: Overlay? in [nil, .activations(scroll: 0), .attention(scroll: 0), .help(scroll: 0)] {
      state.overlay = overlay
      for size in Self.sizes {
        state.send(.resize(size), controller)
        let grid = ExplorerRenderer.render(state, size: size)
        XCTAssertEqual(grid.size, TerminalSize(width: max(0, size.width), height: max(0, size.height)))
      }
    }
  }

  func testFuzzSmallCIFARModels() throws {
    for (k, name) in ["sknet_cifar", "senet18", "densenet_bc_100"].enumerated() {
      try fuzz(name, seed: UInt64(7101 + k), events: 3000)
    }
  }

  func testFuzzImageNetModelsAtASmallInput() throws {
    for (k, name) in ["resnet18", "resnest14d", "skresnet18", "densenet121", "seresnet50"].enumerated() {
      try fuzz(name, size: 32, seed: UInt64(9201 + k), events: 2000)
    }
  }
}
