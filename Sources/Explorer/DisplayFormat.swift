import Analysis

/// How counts, shares and sizes are written on screen: three significant digits, as a glance needs
/// (the headless reports use NN's ``NN/NumberFormat`` with fixed decimals).
package enum DisplayFormat {
  /// Digits in groups of three: `25,557,032`.
  package static func grouped(_ value: Int) -> String { NumberFormat.grouped(value) }

  /// Three significant digits with a K/M/G/T suffix: `4.09 G`, `668 M`, `9.41 K`, `512`.
  package static func compact(_ value: Int) -> String {
    let magnitude = Double(value.magnitude)
    let units: [(Double, String)] = [(1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "K")]
    for (scale, suffix) in units where magnitude >= scale * 0.9995 {
      return (value < 0 ? "-" : "") + significant(magnitude / scale) + " " + suffix
    }
    return String(value)
  }

  /// A share as a percentage: `2.83 %`, `12.3 %`, `100 %`, `<0.01 %` for tiny non-zero shares.
  package static func percent(_ part: Int, of whole: Int) -> String {
    guard whole > 0 else { return "-" }
    let p = Double(part) / Double(whole) * 100
    if part > 0 && p < 0.005 { return "<0.01 %" }
    return significant(p, maxDecimals: 2) + " %"
  }

  /// Bytes as `summary` writes them, so a figure reads the same in both: megabytes of 10⁶ with two
  /// decimals from 1 MB up (`102.23 MB`, as torchinfo), else `802.8 kB` or `12 B`.
  package static func bytes(_ value: Int) -> String {
    if value >= 1_000_000 { return NumberFormat.megabytes(value) }
    if value >= 1000 { return NumberFormat.fixed(Double(value) / 1000, 1) + " kB" }
    return "\(value) B"
  }

  /// `x` with three significant digits (fewer decimals for larger numbers, trailing zeros kept).
  private static func significant(_ x: Double, maxDecimals: Int = 2) -> String {
    let decimals = x >= 99.95 ? 0 : x >= 9.995 ? min(1, maxDecimals) : maxDecimals
    return NumberFormat.fixed(x, decimals)
  }
}
