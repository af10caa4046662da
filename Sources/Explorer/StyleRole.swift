/// What a cell means on screen; a theme (``Palette``) decides how each role looks.
///
/// Rendering only ever names roles, never colours, so themes plug in without touching it.
package enum StyleRole: UInt8, CaseIterable, Sendable {
  case normal
  /// Box lines and pane dividers (btop's `div_line`).
  case border
  /// The model line in the top border (btop's `title`).
  case title
  /// Column headings and section headings inside panes.
  case heading
  /// The heading of the pane that has the keyboard focus.
  case headingFocused
  /// The selected tree row while the tree has the focus (btop's `selected_bg`/`selected_fg`).
  case selected
  /// The selected tree row while the details pane has the focus.
  case selectedInactive
  /// Secondary text: kinds, units, hints (btop's `inactive_fg`).
  case dim
  /// Expand/collapse glyphs and indentation guides.
  case treeGuide
  /// Layer kinds (`Conv2d`, `Bottleneck`).
  case kind
  /// Tensor shapes.
  case shape
  /// Counts (params, MACs, element ops).
  case number
  /// The filled part of a MACs bar: its first third (btop-style gradient: start, mid, end).
  case bar
  /// The middle third of a MACs bar.
  case barMid
  /// The last third of a MACs bar.
  case barEnd
  /// A parameters bar (compare view), in thirds like the MACs bars.
  case paramsBar
  case paramsBarMid
  case paramsBarEnd
  /// The empty part of a MACs-share bar.
  case barEmpty
  /// Labels in the details pane.
  case label
  /// Text found by the current search.
  case match
  /// The status bar background text.
  case status
  /// Key names in the status bar and the help overlay (btop's `hi_fg`).
  case key
  /// One-line notices ("coming in a later version", search results).
  case message
  /// Problems the user should see (no match, too small).
  case warning
  /// Text being typed into a prompt.
  case prompt
  /// The tree row of the step being computed, and step times in the tree.
  case running
  case stepTime
  /// Half-block pixels of plots: `pixelTB` draws ▀ with ramp level T (0…4) above and B below.
  case pixel00, pixel01, pixel02, pixel03, pixel04
  case pixel10, pixel11, pixel12, pixel13, pixel14
  case pixel20, pixel21, pixel22, pixel23, pixel24
  case pixel30, pixel31, pixel32, pixel33, pixel34
  case pixel40, pixel41, pixel42, pixel43, pixel44
  /// Cells of attention heat strips, ramp level 0…4 (themes: `attn_start` / `attn_mid` / `attn_end`).
  case heat0, heat1, heat2, heat3, heat4
  /// Intervened nodes: their tree mark and name, the header's count (themes: `ablate_fg`).
  case ablated
  /// Cells of the reuse view's heat maps, ramp level 0…4 (themes: `reuse_start` / `reuse_mid` / `reuse_end`).
  case reuse0, reuse1, reuse2, reuse3, reuse4
}
