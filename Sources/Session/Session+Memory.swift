import Runtime

extension Session {
  /// Bytes of the input tensor (float32).
  package var inputBytes: Int { 4 * inputShape.reduce(1, *) }

  /// What a forward pass and the backward's tape really keep, measured on a fresh executor with the session's
  /// weights and input (`summary`'s `activation_peak_bytes` and `backward_bytes`). Refuses, as a run does, an
  /// input whose pass would not fit in memory (the tape keeps about every activation).
  package func measuredMemory() throws -> MeasuredMemory {
    try checkMemory(keepingEveryOutput: true)
    return try makeExecutor().measureMemory()
  }
}
