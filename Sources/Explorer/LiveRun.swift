import Analysis
import Runtime
import Session

/// What a key asks of the forward pass (an ``ExplorerEffect/run(_:generation:)`` for ``RunController``).
package enum RunRequest: Equatable, Sendable {
  /// Run steps up to and including this index.
  case through(Int)
  /// Run with these interventions and plain mode from now on, keeping the first `keep` steps that ran (they
  /// come before every step the change affects); the pass resumes there.
  case configure([Intervention], plain: Bool, keep: Int)
  /// Cancel what is running and go back to the input.
  case reset
}

/// A forward pass in progress: where it is going and how far it got.
package struct RunProgress: Equatable, Sendable {
  /// The last step index this run will execute.
  package var target: Int
  /// The step being computed now.
  package var current: Int
  /// Seconds since the run started (updated by the controller's tick, a tenth of a second at a time).
  package var elapsed: Double

  package init(target: Int, current: Int, elapsed: Double = 0) {
    self.target = target
    self.current = current
    self.elapsed = elapsed
  }
}

/// The phase before the first step: weights seeded or loaded, the input made.
package struct Preparation: Equatable, Sendable {
  package var seconds: Double
  /// What was prepared, as the header says it (`seeded weights (seed 0) · synthetic input`).
  package var what: String

  package init(seconds: Double, what: String) {
    self.seconds = seconds
    self.what = what
  }
}

/// One class of the network's prediction.
package struct ClassPrediction: Equatable, Sendable {
  package var index: Int
  /// The class name (ImageNet-1k, CIFAR-10), or `class N` for another head.
  package var name: String
  package var probability: Double

  package init(index: Int, name: String, probability: Double) {
    self.index = index
    self.name = name
    self.probability = probability
  }
}

/// The live forward pass as the explorer shows it: which steps ran, their times, and what was
/// observed at each node. A value inside ``ExplorerState``: the controller merges results into it.
package struct LiveRun: Equatable, Sendable {
  /// The forward steps in order (`stem`, block paths, `head`).
  package var stepNames: [String]
  /// Where weights and input come from, for the header (`seeded weights (seed 0) · synthetic input`).
  package var source: String
  /// Whether the input came from a file (an image or an array): then top-5 classes mean something.
  package var inputIsReal: Bool
  /// Steps that have run (a prefix of ``stepNames``).
  package var completed: [StepDigest] = []
  /// Per module path: what its observer saw, for every node inside a step that has run.
  package var nodes: [String: NodeDigest] = [:]
  /// Attention nodes in execution order, for the steps that have run.
  package var attention: [AttentionDigest] = []
  /// Attention nodes of the model (path → kind), known before any run.
  package var attentionPaths: [String] = []
  /// Set while a run is going on.
  package var progress: RunProgress?
  /// The preparation of this session's executor, once done (it is kept across resets and reruns).
  package var preparation: Preparation?
  /// Bumped by every reset so results of a cancelled run are recognised and dropped.
  package var generation = 0
  /// The five most likely classes, once the pass is complete.
  package var top: [ClassPrediction] = []
  /// Why the last run stopped early, if it failed.
  package var failure: String?
  /// Whether the terminal shows colours (false with `NO_COLOR`): plots shade with characters if not.
  package var terminalHasColour = true
  /// The most memory a run may want (bytes): half the machine's (or the container's), so an input
  /// chosen too large is refused with a notice instead of the allocation aborting the process.
  package var memoryBudget = Analysis.physicalMemoryBytes / 2
  /// The interventions on (`d`) and plain mode (`P`): what every pass runs with.
  package var interventions: [Intervention] = []
  package var plain = false
  /// Per node path: what `d` steps through there (paths not listed take none).
  package var interventionChoices: [String: [Intervention.Kind]] = [:]
  /// The first step plain mode changes (nil: the network has no residual block).
  package var plainFirstStep: Int?
  /// After a full pass with interventions: the clean pass's top-5, KL and whether top-1 changed.
  package var comparison: RunComparison?
  /// Lesion studies started on this session (a study's ``LesionID``).
  package var lesionSerial = 0
  /// The last finished backward pass (`b`), the one asked for and not yet back, and how many were asked for.
  package var gradient: GradientDigest?
  package var backward: BackwardProgress?
  package var gradientSerial = 0

  package init(stepNames: [String], source: String, inputIsReal: Bool = false, attentionPaths: [String] = []) {
    self.stepNames = stepNames
    self.source = source
    self.inputIsReal = inputIsReal
    self.attentionPaths = attentionPaths
  }

  /// The live state of a fresh session: its steps, source line and attention nodes (from the graph).
  package init(session: Session) {
    self.init(
      stepNames: session.network.steps.map(\.name), source: session.source.description,
      inputIsReal: session.source.hasFileInput,
      attentionPaths: Executor.attentionNodes(of: session.network).map(\.path))
    // What `d` can do at each node, from the compiled network (no weights needed).
    if let executor = try? Executor(network: session.network) {
      for entry in session.network.root.walk() {
        let cycle = executor.interventionCycle(at: entry.path)
        if !cycle.isEmpty { interventionChoices[entry.path] = cycle }
      }
      plainFirstStep = executor.firstPlainStep
    }
  }

  /// Whether any intervention or plain mode is on.
  package var isIntervened: Bool { !interventions.isEmpty || plain }

  /// Whether a run is going on and still preparing its executor (no step started yet).
  package var isPreparing: Bool { progress != nil && preparation == nil }

  /// Whether a run is in progress or requested.
  package var isRunning: Bool { progress != nil }

  /// Whether every step has run.
  package var isComplete: Bool { !stepNames.isEmpty && completed.count == stepNames.count }

  /// The index of the step called `name`.
  package func stepIndex(named name: String) -> Int? { stepNames.firstIndex(of: name) }

  /// The digest of a step that has run.
  package func completedStep(named name: String) -> StepDigest? {
    guard let k = stepIndex(named: name), k < completed.count else { return nil }
    return completed[k]
  }

  /// Forgets every result (a reset).
  package mutating func clearResults() {
    completed = []
    nodes = [:]
    attention = []
    top = []
    failure = nil
    comparison = nil
  }
}
