import Foundation

/// Which algorithm runs 3×3 stride-1 convolutions: `CONVSCOPE_CONV`, parsed and refused as `CONVSCOPE_GEMM` is.
package enum ConvAlgorithm: String, Sendable, CaseIterable {
  /// Winograd F(4×4, 3×3) where it was measured faster (`Conv2dGeometry.usesWinograd`), the direct paths elsewhere.
  case automatic
  /// The direct paths only (im2col / implicit GEMM): results bit-reproducible from run to run and thread count.
  case direct
  /// Winograd for every 3×3 stride-1 dilation-1 ungrouped conv, whatever its shape (for measurements).
  case winograd

  /// A refused `CONVSCOPE_CONV`.
  package struct SettingError: Error, CustomStringConvertible {
    package let description: String
  }

  /// The algorithm `CONVSCOPE_CONV` asks for (case-insensitive); nil when unset or empty.
  package static func requested(_ text: String?) throws(SettingError) -> ConvAlgorithm? {
    guard let text, !text.isEmpty else { return nil }
    guard let value = ConvAlgorithm(rawValue: text.trimmingCharacters(in: .whitespaces).lowercased()) else {
      let names = allCases.map(\.rawValue).joined(separator: ", ")
      throw SettingError(description: "CONVSCOPE_CONV must be one of \(names), got '\(text)'")
    }
    return value
  }

  /// Refuses an invalid `CONVSCOPE_CONV` (the command line checks it before any work).
  package static func checkEnvironment() throws(SettingError) {
    _ = try requested(ProcessInfo.processInfo.environment["CONVSCOPE_CONV"])
  }

  private static let lock = NSLock()
  nonisolated(unsafe) private static var value: ConvAlgorithm = {
    // An invalid setting was refused by the command line already; tests and benchmarks fall back to automatic.
    (try? requested(ProcessInfo.processInfo.environment["CONVSCOPE_CONV"])) ?? .automatic
  }()

  /// The setting; starts at `CONVSCOPE_CONV`, else `automatic`.
  package static var current: ConvAlgorithm {
    get { lock.withLock { value } }
    set { lock.withLock { value = newValue } }
  }
}
