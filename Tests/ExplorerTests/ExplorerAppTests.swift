import Explorer
import XCTest

/// The run loop on the in-memory terminal: frames, diffing, quitting and signals.
final class ExplorerAppTests: XCTestCase {
  private func state() -> ExplorerState { ExplorerState(model: FixtureModel.make()) }

  func testRunsUntilQuitAndShutsTheTerminalDown() {
    let terminal = MemoryTerminal(size: TerminalSize(width: 80, height: 24))
    terminal.events = [.key(.down), .key(.down), .key(.character("q"))]
    var firstFrames = 0
    let (exit, final) = ExplorerApp.run(state(), on: terminal) { firstFrames += 1 }
    XCTAssertEqual(exit, .quit)
    XCTAssertEqual(exit.status, 0)
    XCTAssertEqual(final.selectedNode.path, "bn1")
    XCTAssertTrue(terminal.isShutDown)
    XCTAssertEqual(firstFrames, 1)
    XCTAssertEqual(terminal.frames, 1, "queued keys are all taken before the next frame")
  }

  /// The Ctrl-C key quits as SIGINT does (exit 130, terminal restored); `q` stays 0.
  func testTheCtrlCKeyExitsAsSIGINT() {
    let terminal = MemoryTerminal(size: TerminalSize(width: 80, height: 24))
    terminal.events = [.key(.down), .key(.control("c"))]
    let (exit, _) = ExplorerApp.run(state(), on: terminal)
    XCTAssertEqual(exit, .signal(2))
    XCTAssertEqual(exit.status, 130)
    XCTAssertTrue(terminal.isShutDown)
  }

  func testPresentsOnlyChangedCells() {
    let terminal = MemoryTerminal(size: TerminalSize(width: 80, height: 24))
    terminal.events = [.key(.down)]
    terminal.quitWhenDrained = false
    terminal.signalAfterEvents = 15
    let (exit, _) = ExplorerApp.run(state(), on: terminal)
    XCTAssertEqual(exit, .signal(15))
    XCTAssertEqual(exit.status, 143)
    XCTAssertTrue(terminal.isShutDown, "a signal restores the terminal too")
    XCTAssertEqual(terminal.frames, 2)
    XCTAssertGreaterThan(terminal.lastChangedCells, 0)
    XCTAssertLessThan(
      terminal.lastChangedCells, 80 * 24 / 2, "moving the selection redraws rows and details, not the screen")
  }

  func testResizeRedrawsAtOnceAndTooSmallRecovers() {
    let terminal = MemoryTerminal(size: TerminalSize(width: 80, height: 24))
    terminal.events = [.resize(TerminalSize(width: 50, height: 12))]
    terminal.quitWhenDrained = false
    terminal.signalAfterEvents = 2
    ExplorerApp.run(state(), on: terminal)
    XCTAssertTrue(terminal.screen.text.contains("Terminal too small"))
    XCTAssertEqual(terminal.screen.width, 50)
    let again = MemoryTerminal(size: TerminalSize(width: 50, height: 12))
    again.events = [.resize(TerminalSize(width: 100, height: 30))]
    again.quitWhenDrained = false
    again.signalAfterEvents = 2
    ExplorerApp.run(state(), on: again)
    XCTAssertFalse(again.screen.text.contains("too small"))
    XCTAssertTrue(again.screen.text.contains("tinynet"))
    XCTAssertEqual(again.screen.width, 100)
  }

  func testGlyphsComeFromTheTerminal() {
    let terminal = MemoryTerminal(size: TerminalSize(width: 80, height: 24), glyphs: .ascii)
    terminal.events = [.key(.character("q"))]
    let (_, final) = ExplorerApp.run(state(), on: terminal)
    XCTAssertEqual(final.glyphs, .ascii)
    XCTAssertTrue(terminal.screen.text.unicodeScalars.allSatisfy(\.isASCII))
  }
}

/// The tick hook lets work done elsewhere change the state between polls, and triggers a redraw.
final class ExplorerAppTickTests: XCTestCase {
  func testTickChangesAreDrawn() {
    let terminal = MemoryTerminal(size: TerminalSize(width: 80, height: 24))
    terminal.quitWhenDrained = false
    var ticks = 0
    let (_, final) = ExplorerApp.run(
      ExplorerState(model: FixtureModel.make()), on: terminal,
      onTick: { state in
        ticks += 1
        if ticks == 1 {
          state.notice = Notice(text: "step 1/12 done", isWarning: false)
          return true
        }
        state.shouldQuit = true
        return false
      })
    XCTAssertEqual(terminal.frames, 2)
    XCTAssertTrue(terminal.screen.text.contains("step 1/12 done"))
    XCTAssertTrue(final.shouldQuit)
  }
}
