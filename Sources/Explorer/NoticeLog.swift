/// The `!` box: the last notices, newest first, each wrapped whole to the box's width.
enum NoticeLog {
  /// The lines of the notice log, `width` columns wide.
  static func lines(for state: ExplorerState, width: Int) -> [StyledLine] {
    guard !state.noticeLog.isEmpty else { return [StyledLine("no notices yet", .dim)] }
    var out: [StyledLine] = []
    let count = state.noticeLog.count
    for (k, notice) in state.noticeLog.reversed().enumerated() {
      if k > 0 { out.append(StyledLine()) }
      let number = "\(count - k). "
      let indent = String(repeating: " ", count: number.count)
      let role: StyleRole = notice.isWarning ? .warning : .message
      for (row, piece) in TextFit.wrap(state.glyphs.text(notice.text), width: max(1, width - number.count))
        .enumerated()
      {
        var line = StyledLine(row == 0 ? number : indent, .dim)
        line.append(piece, role)
        out.append(line)
      }
    }
    return out
  }
}
