import Foundation

extension ExplorerBenchmark {
  /// Timings of variant edits: from the editor's Enter (or `E`) to the end of the next frame.
  package struct VariantResult: Sendable {
    package var variant: String
    package var variantParams: Int
    package var edits: Int
    package var meanMilliseconds: Double
    package var maxMilliseconds: Double
    /// The process's peak resident memory after the edits, in MiB (from /proc/self/status), if known.
    package var peakMiB: Double?
  }

  /// Opens the editor on `initial`'s model, sets `settings` (`key`, text) and applies them, then `E` back to the
  /// base, `rounds` times; each Enter and each `E` is timed with the frame drawn after it (at `initial`'s size).
  package static func variantEdits(
    _ initial: ExplorerState, settings: [(key: String, text: String)], effects: EffectRunner, rounds: Int = 10
  ) -> VariantResult {
    var state = initial
    var times: [Double] = []
    var variant = "", params = 0
    func timed(_ key: Key) {
      let start = DispatchTime.now().uptimeNanoseconds
      effects.send(.key(key), to: &state)
      let grid = ExplorerRenderer.render(state, size: state.size)
      times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
      precondition(grid.width == state.size.width)
    }
    for _ in 0..<rounds {
      effects.send(.key(.character("e")), to: &state)
      for (key, text) in settings {
        guard case .variant(let editor) = state.overlay, let target = editor.fields.firstIndex(where: { $0.key == key })
        else { preconditionFailure("no key \(key) in the editor of \(state.model.name)") }
        for _ in 0..<(target - editor.selected + editor.fields.count) % editor.fields.count {
          effects.send(.key(.down), to: &state)
        }
        for c in text { effects.send(.key(.character(c)), to: &state) }
      }
      timed(.enter)
      precondition(state.overlay == nil, "the variant was refused: \(state.notice?.text ?? "")")
      variant = state.model.name
      params = state.model.totalParams
      timed(.character("E"))
    }
    return VariantResult(
      variant: variant, variantParams: params, edits: times.count,
      meanMilliseconds: times.reduce(0, +) / Double(max(1, times.count)), maxMilliseconds: times.max() ?? 0,
      peakMiB: peakResidentMiB())
  }

  /// VmHWM of /proc/self/status in MiB, if readable.
  static func peakResidentMiB() -> Double? {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
      let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
      let kib = Double(line.split(separator: " ").dropFirst().first ?? "")
    else { return nil }
    return kib / 1024
  }
}
