/// A colour theme: a name, the colour of every key convscope uses, and what its file got wrong.
///
/// Keys are btop's where the meaning is the same (`main_bg`, `title`, `hi_fg`, `selected_bg`,
/// `div_line`, …) plus convscope's own (`tree_guide`, `kind_fg`, `macs_bar_*`, `act_*`, `attn_*`).
/// A key the file leaves out takes, in order: the btop key that means nearly the same in the same
/// file (so a btop theme dropped in keeps its own look), then the default theme's value.
package struct Theme: Equatable, Sendable {
  package var name: String
  /// Where it came from: a file path, or `built-in`.
  package var source: String
  /// Every key of ``keys``, resolved.
  package var colours: [String: TermColor]
  /// Warnings of the file's malformed lines (`FILE:LINE: …`).
  package var warnings: [String]

  /// Every key convscope reads, with the btop key it falls back to within the same file.
  package static let keys: [(key: String, alias: String?)] = [
    ("main_bg", nil), ("main_fg", nil), ("title", nil), ("hi_fg", nil), ("selected_bg", nil),
    ("selected_fg", nil), ("inactive_fg", nil), ("div_line", nil), ("graph_text", nil), ("meter_bg", nil),
    ("tree_guide", "div_line"), ("kind_fg", "proc_misc"), ("shape_fg", "graph_text"), ("number_fg", "main_fg"),
    ("label_fg", "inactive_fg"), ("message_fg", "title"), ("warning_fg", "temp_end"),
    ("macs_bar_start", "cpu_start"), ("macs_bar_mid", "cpu_mid"), ("macs_bar_end", "cpu_end"),
    ("params_bar_start", "used_start"), ("params_bar_mid", "used_mid"), ("params_bar_end", "used_end"),
    ("act_start", "temp_start"), ("act_mid", "temp_mid"), ("act_end", "temp_end"),
    ("attn_start", "process_start"), ("attn_mid", "process_mid"), ("attn_end", "process_end"),
    ("ablate_fg", "warning_fg"), ("reuse_start", "free_start"), ("reuse_mid", "free_mid"), ("reuse_end", "free_end"),
  ]

  /// The built-in default theme (the same text as `themes/default.theme`): the terminal's own
  /// foreground and background with accents from its 16 colours, so it reads on dark and light alike.
  package static let defaultText = """
    # convscope default theme: the terminal's own colours (empty = the terminal's; ansi:N = its colour N).
    theme[main_bg]=""
    theme[main_fg]=""
    theme[title]=""
    theme[hi_fg]="ansi:6"
    theme[selected_bg]=""
    theme[selected_fg]=""
    theme[inactive_fg]=""
    theme[div_line]="ansi:4"
    theme[graph_text]=""
    theme[meter_bg]=""
    theme[tree_guide]="ansi:4"
    theme[kind_fg]="ansi:3"
    theme[shape_fg]="ansi:6"
    theme[number_fg]=""
    theme[label_fg]=""
    theme[message_fg]="ansi:3"
    theme[warning_fg]="ansi:1"
    theme[macs_bar_start]="ansi:2"
    theme[macs_bar_mid]="ansi:3"
    theme[macs_bar_end]="ansi:1"
    theme[params_bar_start]="ansi:4"
    theme[params_bar_mid]="ansi:6"
    theme[params_bar_end]="ansi:5"
    theme[act_start]="ansi:4"
    theme[act_mid]="ansi:7"
    theme[act_end]="ansi:1"
    theme[attn_start]="ansi:4"
    theme[attn_mid]="ansi:5"
    theme[attn_end]="ansi:1"
    theme[ablate_fg]="ansi:1"
    theme[reuse_start]="ansi:4"
    theme[reuse_mid]="ansi:2"
    theme[reuse_end]="ansi:3"

    """

  /// The built-in default theme, parsed.
  package static let builtInDefault: Theme = Theme(
    name: "default", source: "built-in", file: ThemeFile(parsing: defaultText, file: "built-in default"),
    fallback: nil)

  /// A theme from a parsed file: missing keys from the file's btop aliases, then `fallback`
  /// (the default theme; nil only when building the default itself).
  package init(name: String, source: String, file: ThemeFile, fallback: Theme?) {
    self.name = name
    self.source = source
    warnings = file.warnings
    var colours: [String: TermColor] = [:]
    for (key, alias) in Self.keys {
      colours[key] =
        file.values[key] ?? alias.flatMap { file.values[$0] } ?? fallback?.colours[key] ?? .terminalDefault
    }
    self.colours = colours
  }

  /// The colour of `key` (the terminal's own for a key convscope does not know).
  package func colour(_ key: String) -> TermColor { colours[key] ?? .terminalDefault }

  /// The palette rendering uses: every role's colours (background `main_bg` unless the role has its
  /// own) and attributes. Attributes stand in where colours are absent: the selection is reversed
  /// when `selected_bg` is empty, secondary text dimmed when `inactive_fg` is.
  package var palette: Palette {
    let bg = colour("main_bg")
    func style(_ fg: String, bold: Bool = false, dim: Bool = false, underline: Bool = false) -> CellStyle {
      CellStyle(foreground: colour(fg), background: bg, bold: bold, dim: dim, underline: underline)
    }
    let selectedBg = colour("selected_bg")
    let inactive = colour("inactive_fg")
    var styles: [StyleRole: CellStyle] = [
      .normal: style("main_fg"),
      .border: style("div_line"),
      .title: style("title", bold: true),
      .heading: style("main_fg", bold: true),
      .headingFocused: style("hi_fg", bold: true, underline: true),
      .selected: CellStyle(
        foreground: colour("selected_fg"), background: selectedBg == .terminalDefault ? bg : selectedBg,
        reverse: selectedBg == .terminalDefault),
      .selectedInactive: CellStyle(
        foreground: selectedBg == .terminalDefault ? colour("main_fg") : selectedBg, background: bg,
        underline: true),
      .dim: style("inactive_fg", dim: inactive == .terminalDefault),
      .treeGuide: style("tree_guide"),
      .kind: style("kind_fg"),
      .shape: style("shape_fg"),
      .number: style("number_fg"),
      .bar: style("macs_bar_start"),
      .barMid: style("macs_bar_mid"),
      .barEnd: style("macs_bar_end"),
      .paramsBar: style("params_bar_start"),
      .paramsBarMid: style("params_bar_mid"),
      .paramsBarEnd: style("params_bar_end"),
      .barEmpty: style("meter_bg", dim: colour("meter_bg") == .terminalDefault),
      .label: style("label_fg", dim: colour("label_fg") == .terminalDefault),
      .match: style("hi_fg", bold: true),
      .status: style("main_fg"),
      .key: style("hi_fg", bold: true),
      .message: style("message_fg"),
      .warning: style("warning_fg", bold: true),
      .prompt: style("main_fg", bold: true),
    ]
    styles.merge(runStyles) { _, run in run }
    for role in StyleRole.allCases where styles[role] == nil { styles[role] = style("main_fg") }
    return Palette(name: name, styles: styles)
  }
}
