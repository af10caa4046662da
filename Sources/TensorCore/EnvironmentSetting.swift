import Foundation

/// A refused environment setting (`CONVSCOPE_THREADS`, `CONVSCOPE_GEMM`, `CONVSCOPE_CONV`): its one-line message.
package struct SettingError: Error, CustomStringConvertible {
  package let description: String
}

/// A setting whose environment variable names one case of a string enum (`CONVSCOPE_GEMM`, `CONVSCOPE_CONV`).
package protocol NamedSetting: RawRepresentable, CaseIterable where RawValue == String {
  /// The variable that chooses it.
  static var variable: String { get }
}

extension NamedSetting {
  /// The case `text` names (in any case, surrounding spaces ignored); nil when unset or empty, as the default.
  /// Anything else is refused with the list of names.
  package static func named(_ text: String?) throws(SettingError) -> Self? {
    guard let text, !text.isEmpty else { return nil }
    guard let value = Self(rawValue: text.trimmingCharacters(in: .whitespaces).lowercased()) else {
      let names = allCases.map(\.rawValue).joined(separator: ", ")
      throw SettingError(description: "\(variable) must be one of \(names), got '\(text)'")
    }
    return value
  }

  /// The variable's value in this process's environment.
  package static var environmentText: String? { ProcessInfo.processInfo.environment[variable] }
}
