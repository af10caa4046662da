// Hu et al. 2017, "Squeeze-and-Excitation Networks"; module and keys of timm layers/squeeze_excite.py (SEModule).
import Graph

/// timm `SEModule`: x ⊙ gate(fc2(act(bn(fc1(mean_HW(x)))))), 1×1 convs with bias, `bn` an Identity.
func squeezeExcite(_ name: String, _ channels: Int, reduced: Int) -> Module {
  .container(
    name, kind: "SEModule", layer: .squeezeExcite,
    [
      .conv2d("fc1", channels, reduced, kernel: 1, bias: true),  // (N, C/r, 1, 1)
      .identity("bn"), .relu("act"),
      .conv2d("fc2", reduced, channels, kernel: 1, bias: true),  // (N, C, 1, 1)
      .sigmoid("gate"),
    ])
}

/// timm's `make_divisible`: round v to a multiple of `divisor` (at least `minimum`), never below `roundLimit`·v
/// (SEModule passes `round_limit=0.`: no such bump).
func makeDivisible(_ v: Double, divisor: Int, minimum: Int? = nil, roundLimit: Double = 0.9) -> Int {
  let floor = minimum ?? divisor
  var rounded = max(floor, Int(v + Double(divisor) / 2) / divisor * divisor)
  if Double(rounded) < roundLimit * v { rounded += divisor }
  return rounded
}
