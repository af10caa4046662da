import Formats
import Presentation
import Runtime
import TensorCore

/// Names one backward pass of the explorer (`b`): reports of another (an older one, another model's) are dropped.
package struct GradientID: Equatable, Sendable {
  package var generation: Int
  package var serial: Int

  package init(generation: Int, serial: Int) {
    self.generation = generation
    self.serial = serial
  }
}

/// The gradient curves of one network along depth: ‖∂L/∂output‖₂ per step and ‖∂L/∂W‖₂ / ‖W‖₂ per layer.
package struct GradientCurves: Equatable, Sendable {
  /// Per forward step, in order.
  package var steps: [Double]
  /// Per parameterised node (its `weight`), in state-dict order, as `grad` lists them.
  package var layers: [LayerGradient]

  package init(steps: [Double], layers: [LayerGradient]) {
    self.steps = steps
    self.layers = layers
  }
}

/// ‖W‖₂, ‖∂L/∂W‖₂ of one parameterised node (its `weight`), as `grad` reports them.
package struct LayerGradient: Equatable, Sendable {
  package var path: String
  package var weight: Double
  package var gradient: Double

  package init(path: String, weight: Double, gradient: Double) {
    self.path = path
    self.weight = weight
    self.gradient = gradient
  }

  /// ‖∂L/∂W‖ / ‖W‖ (0 for a zero weight), as `grad`'s `ratio`.
  package var ratio: Double { weight > 0 ? gradient / weight : 0 }
}

/// The gradient norms arriving through a residual block's shortcut and through its branch.
package struct ResidualNorms: Equatable, Sendable {
  package var shortcut: Double
  package var branch: Double

  package init(shortcut: Double, branch: Double) {
    self.shortcut = shortcut
    self.branch = branch
  }
}

/// The model's input (sample 0, as the model saw it, luminance) and its Grad-CAM, both 0…1 on one square grid
/// of `size`×`size` pixels, row-major.
package struct CAMPicture: Equatable, Sendable {
  package var size: Int
  package var image: [Double]
  package var cam: [Double]
  /// The layer the map was taken at (`pool_input`: the map entering the head's global average pool).
  package var layer: String

  package init(size: Int, image: [Double], cam: [Double], layer: String) {
    self.size = size
    self.image = image
    self.cam = cam
    self.layer = layer
  }

  /// Pixels per side kept (the details pane shows at most this many).
  package static let resolution = 48

  /// The picture of `input` (N×3×H×W, normalised with `mean` / `std`) and `cam`, upsampled to the input as
  /// `convscope cam` does (bilinear, divided by its maximum), then averaged down to ``resolution`` pixels.
  package static func make(input: Tensor, mean: [Float], std: [Float], cam: CAMResult) -> CAMPicture {
    let (h, w) = (input.shape[2], input.shape[3])
    let heat = cam.upsampled(height: h, width: w)
    let x = input.contiguous.sample(0)
    var luminance = [Double](repeating: 0, count: h * w)
    let weights: [Double] = [0.299, 0.587, 0.114]
    for i in 0..<(h * w) {
      for c in 0..<3 {
        let value = Double(x[c * h * w + i] * std[c] + mean[c])
        luminance[i] += weights[c] * min(max(value, 0), 1)
      }
    }
    let size = min(resolution, h, w)
    return CAMPicture(
      size: size, image: boxAverage(luminance, height: h, width: w, to: size),
      cam: boxAverage(heat.map(Double.init), height: h, width: w, to: size), layer: cam.layer)
  }

  /// `values` (height×width) averaged over boxes into `size`×`size`.
  static func boxAverage(_ values: [Double], height: Int, width: Int, to size: Int) -> [Double] {
    var out = [Double](repeating: 0, count: size * size)
    for y in 0..<size {
      let (y0, y1) = (y * height / size, max(y * height / size + 1, (y + 1) * height / size))
      for x in 0..<size {
        let (x0, x1) = (x * width / size, max(x * width / size + 1, (x + 1) * width / size))
        var sum = 0.0
        for i in y0..<y1 { for j in x0..<x1 { sum += values[i * width + j] } }
        out[y * size + x] = sum / Double((y1 - y0) * (x1 - x0))
      }
    }
    return out
  }
}

/// One finished backward pass as the explorer shows it: the curves, the numbers of every node, the CAM.
package struct GradientDigest: Equatable, Sendable {
  /// The class of the objective L = Σₙ logit[n, C], and its name.
  package var target: Int
  package var className: String
  package var loss: Double
  /// The interventions the pass ran with (`plain`, `layer3.2`…), empty for the clean network.
  package var interventions: [String]
  package var stepNames: [String]
  package var curves: GradientCurves
  /// The clean network's curves, for the same class, when the pass ran with interventions.
  package var clean: GradientCurves?
  /// ‖∂L/∂output‖₂ per module path (nodes that ran).
  package var outputs: [String: Double]
  package var residuals: [String: ResidualNorms]
  package var inputNorm: Double
  package var cam: CAMPicture?
  /// Forward (taped) and backward seconds, summed over the passes.
  package var seconds: Double

  package init(
    target: Int, className: String, loss: Double, interventions: [String], stepNames: [String],
    curves: GradientCurves, clean: GradientCurves? = nil, outputs: [String: Double] = [:],
    residuals: [String: ResidualNorms] = [:], inputNorm: Double = 0, cam: CAMPicture? = nil, seconds: Double = 0
  ) {
    self.target = target
    self.className = className
    self.loss = loss
    self.interventions = interventions
    self.stepNames = stepNames
    self.curves = curves
    self.clean = clean
    self.outputs = outputs
    self.residuals = residuals
    self.inputNorm = inputNorm
    self.cam = cam
    self.seconds = seconds
  }

  /// The curves of `report` through ``GradientResult`` (the numbers `grad --format json` prints).
  package static func curves(_ report: GradientReport) -> GradientCurves {
    let result = GradientResult(model: "", inputShape: [], weights: "", objective: "", report: report)
    return GradientCurves(
      steps: report.steps.map(\.norm),
      layers: result.nodes.map { LayerGradient(path: $0.path, weight: $0.weight, gradient: $0.gradient) })
  }

  /// The digest of `report` (and of the clean pass's, when it ran with interventions).
  package init(
    report: GradientReport, clean: GradientReport?, interventions: [String], cam: CAMPicture?
  ) {
    let classes = report.logits.shape.count > 1 ? report.logits.shape[1] : 0
    var residuals: [String: ResidualNorms] = [:]
    for r in report.residuals { residuals[r.path] = ResidualNorms(shortcut: r.shortcut, branch: r.branch) }
    self.init(
      target: report.target, className: ClassNames.name(of: report.target, classCount: classes), loss: report.loss,
      interventions: interventions, stepNames: report.steps.map(\.name), curves: Self.curves(report),
      clean: clean.map(Self.curves), outputs: report.nodeOutputs, residuals: residuals,
      inputNorm: Ops.l2Norm(report.inputGradient), cam: cam,
      seconds: [report, clean].compactMap { $0 }.reduce(0) { $0 + $1.forwardSeconds + $1.backwardSeconds })
  }

  /// The layers (indices into ``curves``' `layers`) whose path lies under `path` (all for the root).
  package func layers(under path: String) -> [Int] {
    curves.layers.indices.filter {
      path.isEmpty || curves.layers[$0].path == path || curves.layers[$0].path.hasPrefix(path + ".")
    }
  }
}

/// What the backward worker reports.
package enum GradientEvent: Equatable, Sendable {
  case finished(GradientDigest)
  case failed(String)
}

/// A backward pass asked for and not yet back: its ID and the objective's words (`class 281`, `top-1`).
package struct BackwardProgress: Equatable, Sendable {
  package var id: GradientID
  package var objective: String

  package init(id: GradientID, objective: String) {
    self.id = id
    self.objective = objective
  }
}
