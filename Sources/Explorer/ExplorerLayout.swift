/// Where each part of the main screen goes for a terminal size; shared by rendering and by
/// reduce (page sizes, mouse hit-testing) so the two never disagree.
///
/// ```
/// row 0        ┌ title ──────────────┬──────────────┐
/// row 1        │ column headings      │ details      │
/// rows 2…H-4   │ tree rows            │ details text │
/// row H-3      ├──────────────────────┴──────────────┤
/// row H-2      │ status                              │
/// row H-1      └─────────────────────────────────────┘
/// ```
package struct ExplorerLayout: Equatable, Sendable {
  package let size: TerminalSize
  /// The column of the divider between the tree and the details pane.
  package let dividerX: Int
  /// The first content row of both panes, and how many rows they have.
  package let contentTop: Int
  package let contentHeight: Int
  package let headingRow: Int
  package let statusRow: Int

  package init(size: TerminalSize) {
    self.size = size
    let inner = max(0, size.width - 3)
    dividerX = 1 + Int((Double(inner) * 0.62).rounded())
    headingRow = 1
    contentTop = 2
    contentHeight = max(0, size.height - 5)
    statusRow = max(0, size.height - 2)
  }

  /// Columns of the tree pane's interior, and its first column.
  package var treeX: Int { 1 }
  package var treeWidth: Int { max(0, dividerX - 1) }
  /// Columns of the details pane's interior (a space of margin on each side).
  package var detailsX: Int { dividerX + 2 }
  package var detailsWidth: Int { max(0, size.width - dividerX - 4) }
  /// The status bar's interior.
  package var statusX: Int { 2 }
  package var statusWidth: Int { max(0, size.width - 4) }

  /// Whether the point lies in the tree pane's rows (content or heading).
  package func isInTree(x: Int, y: Int) -> Bool {
    x >= treeX && x < dividerX && y >= headingRow && y < contentTop + contentHeight
  }

  /// Whether the point lies in the details pane.
  package func isInDetails(x: Int, y: Int) -> Bool {
    x > dividerX && x < size.width - 1 && y >= headingRow && y < contentTop + contentHeight
  }

  /// The rectangle of the help overlay: centred, at most 84 columns wide, above the status bar.
  /// Rows of help text the overlay shows at once.
  package var helpVisibleRows: Int { max(0, helpRect.height - 2) }

  package var helpRect: (x: Int, y: Int, width: Int, height: Int) {
    let width = min(84, size.width - 2)
    let height = size.height - 3
    return ((size.width - width) / 2, 1, width, height)
  }

  /// The compare view's area: the frame's interior above the status separator.
  package var compareX: Int { 1 }
  package var compareTop: Int { 1 }
  package var compareWidth: Int { max(0, size.width - 2) }
  package var compareHeight: Int { max(0, size.height - 4) }
  /// Model columns the compare view shows at once.
  package var compareColumns: Int { CompareView.visibleColumns(width: compareWidth) }

  /// The model picker's box: centred, at most 76 columns wide, above the status bar.
  package var pickerRect: (x: Int, y: Int, width: Int, height: Int) {
    let width = min(76, size.width - 2)
    return ((size.width - width) / 2, 1, width, size.height - 3)
  }

  /// List rows the picker shows at once (below its filter and heading lines).
  package var pickerVisibleRows: Int { max(1, pickerRect.height - 4) }

  /// The first screen row of the picker's list.
  package var pickerListTop: Int { pickerRect.y + 3 }
}
