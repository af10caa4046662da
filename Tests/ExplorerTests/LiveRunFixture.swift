import Explorer
import Foundation
import Models
import Session
import XCTest

/// A zoo model opened for live runs the way the explorer command sets it up: state plus its run
/// controller, one session for both.
func openForLiveRun(_ name: String, size: Int? = nil, source: SessionSource = SessionSource()) throws -> (
  ExplorerState, RunController
) {
  let spec = try ModelSpec(named: name)
  let sessions = SessionFactory(given: spec, source: source)
  let input = InputChoice(size: size)
  let session = sessions.session(for: spec, input: input)
  let controller = RunController(session: session, sessions: sessions)
  var state = ExplorerState(model: try ExplorerModel(session: session))
  state.live = LiveRun(session: session)
  return (state, controller)
}

/// Ticks `controller` into `state` (measuring after each batch) until `condition` holds, or fails after `timeout` s.
func tick(
  _ state: inout ExplorerState, _ controller: RunController, timeout: Double = 120,
  file: StaticString = #filePath, line: UInt = #line, until condition: (ExplorerState) -> Bool
) {
  let deadline = Date().addingTimeInterval(timeout)
  while !condition(state) && Date() < deadline {
    if controller.tick(&state) { state.apply(.measured(ContentHeights.measure(state))) }
    usleep(2_000)
  }
  XCTAssertTrue(condition(state), "condition not reached within \(timeout) s", file: file, line: line)
}

/// Holds the run's worker at the start of one step: `held` is signalled when it gets there, and it
/// waits there until `release` is signalled, so a test can act while a step is in progress.
struct HeldStep {
  let held = DispatchSemaphore(value: 0)
  let release = DispatchSemaphore(value: 0)

  init(_ controller: RunController, atStep step: Int) {
    let (held, release) = (self.held, self.release)
    controller.beforeStep = { current in
      if current == step {
        held.signal()
        release.wait()
      }
    }
  }
}

/// Renders `base` after `prepare` at 80×24 and 160×48 (or `sizes`), Unicode and ASCII, against the snapshots
/// `NAME-W×H-GLYPHS`.
func checkScreens(
  _ name: String, _ base: ExplorerState,
  sizes: [TerminalSize] = [TerminalSize(width: 80, height: 24), TerminalSize(width: 160, height: 48)],
  prepare: (inout ExplorerState) -> Void = { _ in }
) {
  for size in sizes {
    for glyphs in [GlyphSet.unicode, .ascii] {
      var state = base
      state.glyphs = glyphs
      state.send(.resize(size))
      prepare(&state)
      let grid = ExplorerRenderer.render(state, size: size)
      if glyphs.isASCII {
        XCTAssertTrue(grid.text.unicodeScalars.allSatisfy(\.isASCII), "\(name): Unicode on ASCII")
      }
      Snapshot.assertMatches(grid, named: "\(name)-\(size.width)x\(size.height)-\(glyphs.name)")
    }
  }
}
