extension ExplorerState {
  /// `t`: the next theme in alphabetical order; a theme with malformed lines says so.
  mutating func cycleTheme() {
    guard themes.count > 1 else {
      notice = Notice(
        text: "only the \(themeName) theme is installed: add NAME.theme files to themes/", isWarning: false)
      return
    }
    let sorted = themes.map(\.name).sorted()
    let position = ((sorted.firstIndex(of: themeName) ?? -1) + 1) % sorted.count
    themeName = sorted[position]
    if let warning = theme.warnings.first {
      let more = theme.warnings.count > 1 ? " (+\(theme.warnings.count - 1) more)" : ""
      notice = Notice(text: warning + more, isWarning: true)
    } else {
      notice = Notice(text: "theme \(themeName) (\(position + 1) of \(sorted.count))", isWarning: false)
    }
  }
}
