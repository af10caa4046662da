import Models
import Runtime

/// Work a reduce step asks for and does not do itself: analyses, the catalogue, the forward pass.
///
/// ``ExplorerState/apply(_:)`` returns these; an ``EffectRunner`` carries them out with its
/// ``ExplorerServices`` and feeds the results back as actions.
package enum ExplorerEffect: Equatable, Sendable {
  /// Analyse `spec` at `input` and show it (falling back to its own size), as run generation `generation`.
  case open(ModelSpec, input: InputChoice, generation: Int)
  /// Re-analyse the open model and the compared ones at `input`, as run generation `generation`.
  case changeInput(InputChoice, open: ModelSpec, compared: [ModelSpec], generation: Int)
  /// Every zoo model's figures at `input`, for the picker (slow: off the UI thread).
  case loadCatalogue(input: InputChoice, purpose: ModelPicker.Purpose)
  /// Summaries of the compare view's default set at `input` (off the UI thread).
  case compare(input: InputChoice)
  /// One more model's summary for the compare view.
  case addToCompare(ModelSpec, input: InputChoice)
  /// Hand a request to the forward pass of the shown model.
  case run(RunRequest, generation: Int)
  /// Resolve `settings` (`KEY=VALUE` each) on `base` and open that variant at `input`, as run generation
  /// `generation` (the editor's Enter).
  case applyVariant(base: ModelSpec, settings: [String], input: InputChoice, generation: Int)
  /// Start lesion study `id` on the shown model, with `base` interventions (and plain mode) in every pass.
  case startLesion(LesionID, base: [Intervention], plain: Bool)
  /// Stop the lesion study (its view closed).
  case cancelLesion
  /// The shown model's feature-reuse matrices (off the UI thread).
  case reuse
  /// Start backward pass `id` of the shown model for class `target` (nil: sample 0's top-1), with
  /// `interventions` and plain mode (the worker runs the clean network's too when any are on).
  case startGradient(GradientID, target: Int?, interventions: [Intervention], plain: Bool)
  /// Stop the backward pass in progress (`x`).
  case cancelGradient
  /// `w`: write a view to a file.
  case export(ExportJob)

  /// Whether the runner does this off the UI thread (keys wait for its result, frames do not).
  package var isSlow: Bool {
    switch self {
    case .loadCatalogue, .compare, .reuse: true
    case .open, .changeInput, .addToCompare, .run, .applyVariant, .startLesion, .cancelLesion, .startGradient,
      .cancelGradient, .export:
      false
    }
  }
}
