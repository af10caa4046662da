// What a backward pass differentiates and what it reports.
import Foundation
import TensorCore

/// The scalar a backward pass differentiates, as PyTorch would compute it from the logits (N×classes).
package enum GradientObjective: Sendable, Equatable {
  /// L = Σ_n logit[n, C]; nil: C is sample 0's top-1 class.
  case classLogit(Int?)
  /// L = mean over the batch of the cross-entropy of the logits against class Y (`F.cross_entropy`).
  case crossEntropy(label: Int)

  /// ∂L/∂logits, L, and the class the objective is about.
  func seed(_ logits: Tensor) throws -> (Tensor, Double, Int) {
    let (n, classes) = (logits.shape[0], logits.shape[1])
    let seed = try Tensor(zeros: logits.shape)
    switch self {
    case .classLogit(let chosen):
      let first = UnsafeBufferPointer(start: logits.sample(0), count: classes)
      let target = chosen ?? (first.indices.max { first[$0] < first[$1] } ?? 0)
      guard (0..<classes).contains(target) else {
        throw GradientError("--class \(target) is out of range: the model has \(classes) classes (0…\(classes - 1))")
      }
      var loss = 0.0
      for s in 0..<n {
        seed.sample(s)[target] = 1
        loss += Double(logits.sample(s)[target])
      }
      return (seed, loss, target)
    case .crossEntropy(let label):
      guard (0..<classes).contains(label) else {
        throw GradientError("--label \(label) is out of range: the model has \(classes) classes (0…\(classes - 1))")
      }
      let probabilities = try Ops.softmax(logits, axis: 1)
      var loss = 0.0
      for s in 0..<n {
        let p = probabilities.sample(s), d = seed.sample(s)
        for j in 0..<classes { d[j] = (p[j] - (j == label ? 1 : 0)) / Float(n) }
        loss -= Foundation.log(Double(p[label]))
      }
      return (seed, loss / Double(n), label)
    }
  }
}

/// Where Grad-CAM takes its feature map A.
package enum CAMLayer: Sendable, Equatable {
  /// The map that enters the last global average pool (the head's): `relu(features(x))` for DenseNets.
  case poolInput
  /// The output of the module at this path (the last time it runs, as a forward hook sees it).
  case path(String)
}

/// A refused objective (a class or label out of range), as one line.
package struct GradientError: Error, CustomStringConvertible, Equatable {
  package let description: String
  package init(_ description: String) { self.description = description }
}

/// ‖∂L/∂output‖₂ of one step.
package struct StepGradient: Sendable {
  package let name: String
  package let norm: Double
}

/// One trainable tensor and its gradient (zeros where the pass never used it: an SE switched off, fixed weights).
package struct ParameterGradient {
  /// The state-dict key.
  package let key: String
  /// The module path and the tensor's name there (`weight`, `bias`).
  package let path: String
  package let name: String
  package let value: Tensor
  package let gradient: Tensor
}

/// The gradient norms arriving at a residual block's inputs through its shortcut and through its branch
/// (∂L/∂ of the tensor each reads: x, or pre(x) when the shortcut reads that; 0 for a path switched off).
package struct ResidualGradient: Sendable {
  package let path: String
  package let shortcut: Double
  package let branch: Double
}

/// The Grad-CAM layer's activation A and ∂L/∂A (N×K×H×W), and the layer's name (`""` for the pool input).
package struct CAMGradient {
  package let layer: String
  package let activation: Tensor
  package let gradient: Tensor

  /// αₖ = mean over H×W of ∂L/∂Aₖ for sample 0 (one per channel).
  package var alpha: [Double] {
    let (k, plane) = (activation.shape[1], activation.shape.dropFirst(2).reduce(1, *))
    let g = gradient.contiguous.sample(0)
    return (0..<k).map { c in (0..<plane).reduce(0.0) { $0 + Double(g[c * plane + $1]) } / Double(max(plane, 1)) }
  }

  /// ReLU(Σₖ αₖ·Aₖ) for sample 0, H×W row-major, at the layer's resolution.
  package var map: (height: Int, width: Int, values: [Float]) {
    let shape = activation.shape
    let (k, h, w) = (shape[1], shape.count > 2 ? shape[2] : 1, shape.count > 3 ? shape[3] : 1)
    let a = activation.contiguous.sample(0)
    let weights = alpha
    var values = [Double](repeating: 0, count: h * w)
    for c in 0..<k {
      for j in 0..<(h * w) { values[j] += weights[c] * Double(a[c * h * w + j]) }
    }
    return (h, w, values.map { Float(max($0, 0)) })
  }
}

/// Everything one backward pass measured.
package struct GradientReport {
  package let logits: Tensor
  /// The class of `--class` (or the top-1 chosen), or the label of `--label`.
  package let target: Int
  package let loss: Double
  package let steps: [StepGradient]
  /// Every trainable parameter, in state-dict order.
  package let parameters: [ParameterGradient]
  package let inputGradient: Tensor
  package let residuals: [ResidualGradient]
  package let cam: CAMGradient?
  /// Bytes of the forward's tensors the tape kept for the backward.
  package let savedBytes: Int
  package let recordedOps: Int
  package let forwardSeconds: Double
  package let backwardSeconds: Double
  /// CPU time of all threads (`processCPUSeconds`) during the taped forward and during the backward.
  package let forwardCPUSeconds: Double
  package let backwardCPUSeconds: Double
  /// ‖∂L/∂output‖₂ per module path, when the pass measured every node (`nodeGradients`; else empty).
  package var nodeOutputs: [String: Double] = [:]
}
