import Models

/// The compare view (`c`): models side by side, one column each, scrolled sideways when they do
/// not all fit.
package struct CompareView: Equatable, Sendable {
  /// The models it opens with (the runner resolves them: reduce never reads the zoo).
  package static let defaultModels = ["resnet50", "seresnet50", "skresnext50_32x4d", "resnest50d", "densenet121"]
  /// Columns of the label column on the left, and of each model's column (a space included).
  package static let labelWidth = 10
  package static let columnWidth = 28

  package var models: [ModelSummary]
  /// The selected column (what `-` removes and Enter opens).
  package var selected = 0
  /// The first model column shown, and the first line.
  package var columnScroll = 0
  package var lineScroll = 0

  package init(models: [ModelSummary]) { self.models = models }

  /// How many model columns fit in `width` (the frame's interior).
  package static func visibleColumns(width: Int) -> Int { max(1, (width - labelWidth) / columnWidth) }

  /// The stage rows: `stem`, `stage 1` … up to the most block stages of any model, `head`.
  package var stageRowCount: Int { (models.map { max(0, $0.stages.count - 2) }.max() ?? 0) + 2 }

  /// Lines of the view: the models' totals, a heading, then two per stage.
  package var lineCount: Int { 7 + 2 * stageRowCount }

  /// The stage of `model` on stage row `row` (stem first, head last), if it has one there.
  package func stage(of model: ModelSummary, row: Int) -> StageSummary? {
    let stages = model.stages
    guard stages.count >= 2 else { return nil }
    if row == 0 { return stages.first }
    if row == stageRowCount - 1 { return stages.last }
    return row < stages.count - 1 ? stages[row] : nil
  }

  /// Where a column for `spec` goes among `models`: a base before the first of its variants, a variant after the
  /// last column of its base's family of variants, anything else at the end.
  package static func place(of spec: ModelSpec, in models: [ModelSummary]) -> Int {
    let kin = models.indices.filter { models[$0].spec?.base.name == spec.base.name }
    guard let first = kin.first, let last = kin.last else { return models.count }
    return spec.overrides.isEmpty ? first : last + 1
  }

  /// The column of `model`'s base, when `model` is a variant and its base is in the view.
  package func base(of model: ModelSummary) -> ModelSummary? {
    guard let spec = model.spec, !spec.overrides.isEmpty else { return nil }
    return models.first { $0.spec == spec.plain }
  }

  /// Moves the selection to `column`, scrolling so it shows in `visible` columns.
  package mutating func select(_ column: Int, visible: Int) {
    guard !models.isEmpty else { return }
    selected = min(max(0, column), models.count - 1)
    if selected < columnScroll { columnScroll = selected }
    if selected >= columnScroll + visible { columnScroll = selected - visible + 1 }
    columnScroll = max(0, min(columnScroll, models.count - visible))
  }

  /// Scrolls the lines by `delta` within `height` rows.
  package mutating func scrollLines(by delta: Int, height: Int) {
    lineScroll = max(0, min(lineScroll + delta, lineCount - height))
  }
}
