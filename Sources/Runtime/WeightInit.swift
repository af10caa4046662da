// Deterministic, seeded weights for any model, derived from its state-dict keys and shapes alone.
//
// Scheme (bit-identical on every machine):
// - Every tensor draws from its own stream: TensorCore's `SeededGenerator` (xoshiro256**) seeded with
//   `seed` XOR the FNV-1a hash of its key, so a tensor's values do not depend on the order or presence of
//   other tensors.
// - A uniform draw u ∈ [0, 1) is the stream's top 24 bits × 2⁻²⁴ (`nextUniform`); U(a, b) is a + (b − a)·u
//   in Float. Only integer ops, IEEE multiply/add and sqrt are used, so results are exact everywhere.
// - Conv weights [OC, IC/groups, KH, KW]: U(−√(3/fan_in), √(3/fan_in)), fan_in = IC/groups·KH·KW —
//   unit variance gain per conv, so ReLU halves and residual sums grow slowly without trained BN.
// - Linear weights [out, in]: U(−1/√in, 1/√in); biases of convs and linears: U(−1/√fan_in, 1/√fan_in)
//   with fan_in of the sibling weight (PyTorch's default bound).
// - BatchNorm: γ = 1, β = 0, running mean 0, running var 1, num_batches_tracked 0 — the identity up to
//   eps. With `testStatistics`, γ ∈ U(0.5, 1.5), β ∈ U(−0.2, 0.2), mean ∈ U(−0.2, 0.2), var ∈ U(0.5, 1.5),
//   so BN is not the identity and exactness tests exercise every BN term.
import Dispatch
import Formats
import TensorCore

/// Result slots that parallel iterations write, each its own index.
private struct UncheckedSendableSlots: @unchecked Sendable {
  let slots: UnsafeMutableBufferPointer<StoredTensor?>
  init(_ slots: UnsafeMutableBufferPointer<StoredTensor?>) { self.slots = slots }
}

/// Seeded initial weights for a model's state dict, and seeded inputs.
package enum WeightInit {
  /// The seed of the stream for `key`: `seed` XOR the 64-bit FNV-1a hash of the key's UTF-8 bytes.
  package static func streamSeed(_ seed: UInt64, key: String) -> UInt64 {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in key.utf8 {
      hash ^= UInt64(byte)
      hash = hash &* 0x0000_0100_0000_01b3
    }
    return seed ^ hash
  }

  /// `count` draws from U(low, high) of the stream for `key`, each low + (high − low)·u in Float (a multiply then
  /// an add, each rounded: never fused, so every machine gets the same bits).
  package static func uniform(seed: UInt64, key: String, count: Int, low: Float, high: Float) -> [Float] {
    var generator = SeededGenerator(seed: streamSeed(seed, key: key))
    let span = high - low
    return [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
      generator.fillUniform(buffer, low: low, span: span)
      initialized = count
    }
  }

  /// A deterministic input: U(−2, 2) from the stream of key `"input"` under `seed`, in C order.
  package static func input(seed: UInt64, shape: [Int]) -> [Float] {
    uniform(seed: seed, key: "input", count: shape.reduce(1, *), low: -2, high: 2)
  }

  /// The state dict for `specs` under `seed`: F32 tensors, counters as I64 zeros, in spec order. Tensors are
  /// drawn in parallel (each from its own stream, so the values do not depend on the order).
  package static func stateDict(specs: [ParameterSpec], seed: UInt64, testStatistics: Bool = false) -> SafetensorsFile {
    let shapes = Dictionary(specs.map { ($0.key, $0.shape) }, uniquingKeysWith: { a, _ in a })
    var stored = [StoredTensor?](repeating: nil, count: specs.count)
    stored.withUnsafeMutableBufferPointer { slots in
      let out = UncheckedSendableSlots(slots)
      // One item per tensor: libdispatch hands them out as threads free up, so a few large tensors balance.
      DispatchQueue.concurrentPerform(iterations: specs.count) { i in
        let spec = specs[i]
        let count = spec.shape.reduce(1, *)
        out.slots[i] =
          spec.isCounter
          ? StoredTensor(shape: spec.shape, int64s: [Int64](repeating: 0, count: count))
          : StoredTensor(
            shape: spec.shape,
            floats: initialValues(spec: spec, shapes: shapes, seed: seed, testStatistics: testStatistics))
      }
    }
    let tensors = zip(specs, stored).map { spec, tensor in
      // Every slot was filled by its iteration above.
      (name: spec.key, tensor: tensor ?? StoredTensor(shape: [0], floats: []))
    }
    return SafetensorsFile(metadata: [("format", "pt"), ("convscope_seed", String(seed))], tensors: tensors)
  }

  /// The values of one tensor, chosen by its role (from the key's last component and its siblings).
  package static func initialValues(spec: ParameterSpec, shapes: [String: [Int]], seed: UInt64, testStatistics: Bool)
    -> [Float]
  {
    let count = spec.shape.reduce(1, *)
    return [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
      fill(buffer, spec: spec, shapes: shapes, seed: seed, testStatistics: testStatistics)
      initialized = count
    }
  }

  /// `initialValues` written into `buffer` (spec's element count), so a tensor can be filled where it lives.
  package static func fill(
    _ buffer: UnsafeMutableBufferPointer<Float>, spec: ParameterSpec, shapes: [String: [Int]], seed: UInt64,
    testStatistics: Bool
  ) {
    let count = buffer.count
    let dot = spec.key.lastIndex(of: ".")
    let prefix = dot.map { String(spec.key[..<$0]) } ?? ""
    let leaf = dot.map { String(spec.key[spec.key.index(after: $0)...]) } ?? spec.key
    let sibling = { (name: String) in prefix.isEmpty ? name : prefix + "." + name }
    let isBatchNorm = shapes[sibling("running_mean")] != nil

    func uniform(_ low: Float, _ high: Float) {
      var generator = SeededGenerator(seed: streamSeed(seed, key: spec.key))
      generator.fillUniform(buffer, low: low, span: high - low)
    }
    func constant(_ value: Float, orUniform low: Float, _ high: Float) {
      if testStatistics { uniform(low, high) } else { buffer.initialize(repeating: value) }
    }
    switch leaf {
    case "running_mean": constant(0, orUniform: -0.2, 0.2)
    case "running_var": constant(1, orUniform: 0.5, 1.5)
    case "weight" where isBatchNorm: constant(1, orUniform: 0.5, 1.5)
    case "bias" where isBatchNorm: constant(0, orUniform: -0.2, 0.2)
    case "weight" where spec.shape.count >= 2:
      let fanIn = spec.shape.dropFirst().reduce(1, *)
      let bound = spec.shape.count == 2 ? 1 / Float(fanIn).squareRoot() : (3 / Float(fanIn)).squareRoot()
      uniform(-bound, bound)
    case "bias":
      let fanIn = shapes[sibling("weight")].map { $0.dropFirst().reduce(1, *) } ?? count
      let bound = 1 / Float(max(fanIn, 1)).squareRoot()
      uniform(-bound, bound)
    default:  // a String key leaf: any other tensor gets a small uniform
      uniform(-0.1, 0.1)
    }
  }

  /// The seeded float tensors of `specs` (counters left out), by key, each drawn in place in its own storage and
  /// in parallel: the values of `stateDict`, without a second copy of the weights.
  package static func tensors(specs: [ParameterSpec], seed: UInt64, testStatistics: Bool = false) throws
    -> [String: Tensor]
  {
    let shapes = Dictionary(specs.map { ($0.key, $0.shape) }, uniquingKeysWith: { a, _ in a })
    let floats = specs.filter { !$0.isCounter }
    // Scalars ([] in PyTorch) are stored as [1]: TensorCore tensors have rank ≥ 1.
    // One mapping for all of them: filling it faults once per huge page, not once per 4 KiB page.
    let made = try Tensor.zerosInOneMapping(floats.map { $0.shape.isEmpty ? [1] : $0.shape })
    DispatchQueue.concurrentPerform(iterations: floats.count) { i in
      let t = made[i]
      fill(
        UnsafeMutableBufferPointer(start: t.sample(0), count: t.count), spec: floats[i], shapes: shapes, seed: seed,
        testStatistics: testStatistics)
    }
    return Dictionary(zip(floats.map(\.key), made), uniquingKeysWith: { a, _ in a })
  }
}
