import Foundation

/// Measures what the explorer's performance targets are about: drawing one frame of a fully
/// expanded tree, and getting from process start to the first frame.
package enum ExplorerBenchmark {
  /// Frame timings for one model at one size.
  package struct RenderResult: Sendable {
    package var model: String
    package var size: TerminalSize
    package var nodes: Int
    package var frames: Int
    package var meanMilliseconds: Double
    package var maxMilliseconds: Double
  }

  /// Renders `frames` frames of `model` fully expanded at `size`, moving the selection down one
  /// row per frame (so every frame differs), and reports the mean and the worst frame.
  package static func render(
    _ model: ExplorerModel, size: TerminalSize, frames: Int = 200,
    glyphs: GlyphSet = .unicode
  ) -> RenderResult {
    var state = ExplorerState(model: model, glyphs: glyphs, size: size)
    state.expandAll()
    _ = ExplorerRenderer.render(state, size: size)  // warm-up
    var total = 0.0, worst = 0.0
    for _ in 0..<frames {
      state.apply(.key(.down))
      let start = DispatchTime.now().uptimeNanoseconds
      let grid = ExplorerRenderer.render(state, size: size)
      let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
      precondition(grid.width == size.width)
      total += elapsed
      worst = max(worst, elapsed)
    }
    return RenderResult(
      model: model.name, size: size, nodes: model.nodes.count, frames: frames,
      meanMilliseconds: total / Double(max(1, frames)), maxMilliseconds: worst)
  }

  /// Milliseconds since this process started (from /proc/self/stat, 10 ms resolution), if known.
  package static func millisecondsSinceProcessStart() -> Double? {
    guard let stat = try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8),
      let close = stat.lastIndex(of: ")")
    else { return nil }
    // Fields after the command name start at field 3 (state); starttime is field 22.
    let fields = stat[stat.index(after: close)...].split(separator: " ")
    guard fields.count > 19, let ticks = Double(fields[19]) else { return nil }
    let hertz = Double(sysconf(Int32(_SC_CLK_TCK)))
    var now = timespec()
    clock_gettime(CLOCK_BOOTTIME, &now)
    let nowSeconds = Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    return (nowSeconds - ticks / hertz) * 1000
  }
}
