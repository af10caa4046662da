/// How counts are printed: exact integers grouped by thousands, and short scaled forms (`4.09 G`).
package enum NumberFormat {
  /// `25557032` → `25,557,032`.
  package static func grouped(_ value: Int) -> String {
    let digits = String(value.magnitude)
    var out = ""
    for (i, ch) in digits.enumerated() {
      if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
      out.append(ch)
    }
    return value < 0 ? "-" + out : out
  }

  /// `4089184256` → `4.09 G`, `23512` → `23.51 K`, `512` → `512`.
  package static func scaled(_ value: Int) -> String {
    let units: [(Double, String)] = [(1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "K")]
    let v = Double(value)
    for (scale, unit) in units where abs(v) >= scale {
      return fixed(v / scale, 2) + " " + unit
    }
    return String(value)
  }

  /// Bytes as megabytes (10⁶, as torchinfo prints them), two decimals.
  package static func megabytes(_ bytes: Int) -> String {
    fixed(Double(bytes) / 1e6, 2) + " MB"
  }

  /// A percentage with two decimals.
  package static func percent(_ part: Int, of whole: Int) -> String {
    whole == 0 ? "0.00" : fixed(100 * Double(part) / Double(whole), 2)
  }

  /// A shape as `1×64×56×56`.
  package static func shape(_ shape: [Int]?) -> String {
    guard let shape else { return "—" }
    return shape.map(String.init).joined(separator: "×")
  }

  /// Fixed-point rendering without Foundation's `String(format:)`.
  package static func fixed(_ value: Double, _ decimals: Int) -> String {
    var scale = 1.0
    for _ in 0..<decimals { scale *= 10 }
    // NaN, infinities and values whose scaled digits overflow an Int print as Swift does (`nan`, `1e+30`).
    guard value.isFinite, abs(value) * scale < 9e18 else { return value.isNaN ? "nan" : "\(value)" }
    let rounded = (abs(value) * scale).rounded()
    let whole = Int(rounded / scale)
    let fraction = Int(rounded - Double(whole) * scale)
    let sign = value < 0 && rounded > 0 ? "-" : ""
    guard decimals > 0 else { return sign + String(whole) }
    let digits = String(fraction)
    return sign + String(whole) + "." + String(repeating: "0", count: decimals - digits.count) + digits
  }
}
