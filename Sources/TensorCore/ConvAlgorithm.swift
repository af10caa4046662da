import Foundation

/// Which algorithm runs 3×3 stride-1 convolutions: `CONVSCOPE_CONV`.
package enum ConvAlgorithm: String, Sendable, NamedSetting {
  /// Winograd F(4×4, 3×3) where it was measured faster (`Conv2dGeometry.usesWinograd`), the direct paths elsewhere.
  case automatic
  /// The direct paths only (im2col / implicit GEMM): results bit-reproducible from run to run and thread count.
  case direct
  /// Winograd for every 3×3 stride-1 dilation-1 ungrouped conv, whatever its shape (for measurements).
  case winograd

  package static let variable = "CONVSCOPE_CONV"

  /// The algorithm `CONVSCOPE_CONV` asks for (case-insensitive); nil when unset or empty.
  package static func requested(_ text: String?) throws(SettingError) -> ConvAlgorithm? { try named(text) }

  /// Refuses an invalid `CONVSCOPE_CONV` (the command line checks it before any work).
  package static func checkEnvironment() throws(SettingError) { _ = try requested(environmentText) }

  private static let lock = NSLock()
  nonisolated(unsafe) private static var value: ConvAlgorithm = {
    // An invalid setting was refused by the command line already; tests and benchmarks fall back to automatic.
    (try? requested(environmentText)) ?? .automatic
  }()

  /// The setting; starts at `CONVSCOPE_CONV`, else `automatic`.
  package static var current: ConvAlgorithm {
    get { lock.withLock { value } }
    set { lock.withLock { value = newValue } }
  }
}
