/// What can happen to the explorer: input from the terminal, and the results of effects coming back.
package enum ExplorerAction: Equatable, Sendable {
  case key(Key)
  case mouse(MouseEvent)
  case resize(TerminalSize)
  /// The panes' content heights for the state as it now is (the runner measures after every action).
  case measured(ContentHeights)
  /// A model analysed for the tree (from the picker, the compare view or a new input size).
  case opened(OpenedModel)
  /// The model could not be analysed at the chosen input, nor at its own.
  case openRefused(name: String, reason: String)
  /// The open model and the compared ones, analysed at a new input.
  case inputChanged(InputChange)
  /// The first model that cannot take the new input; nothing changes.
  case inputRefused(InputRefusal)
  /// The picker's list at `input`, for `purpose`.
  case catalogue([CatalogEntry], input: InputChoice, purpose: ModelPicker.Purpose)
  /// The compare view's default set at the current input, less the models that cannot take it.
  case compared([ModelSummary], refused: [String])
  /// A model added to the compare view.
  case addedToCompare(ModelSummary)
  case compareRefused(name: String, reason: String)
  /// The forward pass reports (events of older generations are dropped).
  case run(RunEvent, generation: Int)
  /// Seconds the current run has taken, a tenth of a second at a time.
  case runElapsed(Double)
  /// The variant the editor asked for, analysed and shown in place of the open model.
  case variantApplied(OpenedModel)
  /// The variant cannot be built (or analysed): why, in one line; the open model stays.
  case variantRefused(String)
  /// The lesion study `id` reports (the view drops other studies' reports).
  case lesion(LesionEvent, id: LesionID)
  /// The shown DenseNet's feature-reuse matrices, or why there are none.
  case reuse(ReuseMaps)
  case reuseRefused(String)
  /// The backward pass `id` reports (other passes' reports are dropped).
  case gradient(GradientEvent, id: GradientID)
  /// What `w` wrote, or why it did not.
  case exported(ExportOutcome)
}

/// A model analysed at an input, with the live-run state of its new session.
package struct OpenedModel: Equatable, Sendable {
  package var model: ExplorerModel
  /// The input it was analysed at: the chosen one, or its own size when it could not take that.
  package var input: InputChoice
  package var live: LiveRun
  /// Why the chosen size was refused, when the model opened at its own.
  package var fallbackReason: String?

  package init(model: ExplorerModel, input: InputChoice, live: LiveRun, fallbackReason: String? = nil) {
    self.model = model
    self.input = input
    self.live = live
    self.fallbackReason = fallbackReason
  }
}

/// The open model and the compared ones re-analysed at `input`.
package struct InputChange: Equatable, Sendable {
  package var input: InputChoice
  package var model: ExplorerModel
  package var compared: [ModelSummary]
  package var live: LiveRun

  package init(input: InputChoice, model: ExplorerModel, compared: [ModelSummary], live: LiveRun) {
    self.input = input
    self.model = model
    self.compared = compared
    self.live = live
  }
}

/// What the worker reports about a forward pass.
package enum RunEvent: Equatable, Sendable {
  /// The executor was built: weights seeded or loaded, the input made (`what`), in `seconds`; the first
  /// step's clock starts after it, so the stem's time is the stem's only.
  case prepared(seconds: Double, what: String)
  case started(step: Int)
  case finished(StepDigest)
  case top([ClassPrediction])
  /// After the top-5 of a full pass with interventions: the comparison with the clean pass.
  case compared(RunComparison)
  /// The run ended (complete, cancelled or failed) with the executor at `nextStep`.
  case ended(nextStep: Int, failure: String?)
}
