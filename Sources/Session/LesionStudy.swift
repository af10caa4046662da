// Veit et al. 2016, "Residual Networks Behave Like Ensembles of Relatively Shallow Networks": delete one block
// at a time and see what the network loses. One baseline pass, then one pass per candidate that recomputes only
// from the intervened step on (the baseline's prefix is kept once).
import Foundation
import Runtime
import TensorCore

/// What one intervention does to the output, against the clean pass.
package struct LesionOutcome: Sendable {
  package let intervention: Intervention
  /// Sample 0's top-1 class under the intervention, and whether it is the clean pass's.
  package let top1: Int
  package let sameTop1: Bool
  /// KL(p_clean ‖ p_intervened), averaged over the samples (natural log).
  package let kl: Double
  /// The intervened probability of each sample's clean top-1 class, averaged over the samples.
  package let cleanTop1Probability: Double
  /// max |Δ logit| over every sample and class.
  package let maxLogitDelta: Double
  /// The share of samples whose top-1 class is unchanged.
  package let unchangedShare: Double
}

/// A lesion study: a clean pass, then each candidate alone.
package struct LesionStudy: Sendable {
  /// The clean pass's logits, N×classes.
  package let cleanLogits: [Float]
  package let classes: Int
  package let samples: Int
  package let outcomes: [LesionOutcome]
  /// Steps run over the whole study, in full passes (a measure of what the shared prefix saves).
  package let fullPassEquivalents: Double

  /// Runs the study on `session`'s weights and input, with `base` interventions (and plain mode) on in every
  /// pass, the clean one included. `progress(done, total)` is called after each candidate; `isCancelled` is
  /// polled between candidates.
  package static func run(
    _ session: Session, candidates: [Intervention], base: [Intervention] = [], plain: Bool = false,
    isCancelled: () -> Bool = { false }, progress: (_ done: Int, _ total: Int) -> Void = { _, _ in }
  ) throws -> LesionStudy {
    let executor = try session.makeExecutor()
    try executor.setInterventions(base, plain: plain)
    let stepCount = executor.network.steps.count
    // The clean pass, keeping each step's input (copies: the executor reuses its buffers).
    var inputs: [Tensor] = []
    while !executor.isComplete {
      guard let state = executor.currentState else { throw ExecutorError.noInput }
      inputs.append(state.copy())
      try executor.step()
    }
    guard let clean = executor.output else { throw ExecutorError.noInput }
    let (samples, classes) = (clean.shape[0], clean.sampleCount)
    let cleanLogits = clean.array
    var outcomes: [LesionOutcome] = []
    var stepsRun = stepCount
    for (done, candidate) in candidates.enumerated() {
      if isCancelled() { throw ExecutorError.cancelled(step: candidate.path) }
      let first = try executor.stepIndex(containing: candidate.path)
      try executor.setInterventions(base + [candidate], plain: plain)
      executor.resume(atStep: first, from: inputs[first])
      try executor.runToEnd()
      stepsRun += stepCount - first
      guard let logits = executor.output?.array else { throw ExecutorError.noInput }
      outcomes.append(
        outcome(candidate, clean: cleanLogits, intervened: logits, samples: samples, classes: classes))
      progress(done + 1, candidates.count)
    }
    return LesionStudy(
      cleanLogits: cleanLogits, classes: classes, samples: samples, outcomes: outcomes,
      fullPassEquivalents: Double(stepsRun) / Double(stepCount))
  }

  /// The figures of one candidate from the clean and the intervened logits.
  package static func outcome(
    _ intervention: Intervention, clean: [Float], intervened: [Float], samples: Int, classes: Int
  ) -> LesionOutcome {
    var kl = 0.0
    var probability = 0.0
    var unchanged = 0
    var top1 = 0
    var sameTop1 = false
    var maxDelta = 0.0
    for n in 0..<samples {
      let range = n * classes..<(n + 1) * classes
      let logP = logSoftmax(clean[range])
      let logQ = logSoftmax(intervened[range])
      let cleanTop = argmax(logP)
      let top = argmax(logQ)
      for c in 0..<classes { kl += exp(logP[c]) * (logP[c] - logQ[c]) / Double(samples) }
      probability += exp(logQ[cleanTop]) / Double(samples)
      if cleanTop == top { unchanged += 1 }
      if n == 0 {
        top1 = top
        sameTop1 = cleanTop == top
      }
      for i in range { maxDelta = max(maxDelta, Double(abs(clean[i] - intervened[i]))) }
    }
    return LesionOutcome(
      intervention: intervention, top1: top1, sameTop1: sameTop1, kl: kl, cleanTop1Probability: probability,
      maxLogitDelta: maxDelta, unchangedShare: Double(unchanged) / Double(samples))
  }

  /// log softmax in double precision (KL of near-equal distributions needs it).
  private static func logSoftmax(_ logits: ArraySlice<Float>) -> [Double] {
    let values = logits.map(Double.init)
    let peak = values.max() ?? 0
    let logSum = peak + log(values.reduce(0) { $0 + exp($1 - peak) })
    return values.map { $0 - logSum }
  }

  private static func argmax(_ values: [Double]) -> Int {
    var best = 0
    for (i, v) in values.enumerated() where v > values[best] { best = i }
    return best
  }
}
