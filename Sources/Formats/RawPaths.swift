// File names that are not valid UTF-8, opened by their bytes.
#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The bytes to open a path by. Swift strings hold Unicode only, so a command-line argument with a byte that is
/// not UTF-8 (a Latin-1 file name, say) arrives with U+FFFD in its place and would name no file. The process's
/// raw arguments are kept here, keyed by the text Swift shows for them, and a path that is one of them (or lies
/// under one, for a folder argument) is opened by the original bytes.
package enum RawPaths {
  /// Arguments that are not valid UTF-8 (and, for `--option=VALUE`, the value alone), by their repaired text.
  private static let arguments: [String: [UInt8]] = {
    var table: [String: [UInt8]] = [:]
    for index in 0..<Int(CommandLine.argc) {
      guard let pointer = CommandLine.unsafeArgv[index] else { continue }
      let bytes = Array(UnsafeBufferPointer(start: pointer, count: strlen(pointer))).map { UInt8(bitPattern: $0) }
      guard String(validating: bytes, as: UTF8.self) == nil else { continue }
      table[String(decoding: bytes, as: UTF8.self)] = bytes
      if bytes.first == UInt8(ascii: "-"), let equals = bytes.firstIndex(of: UInt8(ascii: "=")) {
        let value = Array(bytes[(equals + 1)...])
        table[String(decoding: value, as: UTF8.self)] = value
      }
    }
    return table
  }()

  /// `path` as a NUL-terminated C string of its original bytes.
  package static func cString(_ path: String) -> [CChar] {
    var bytes = Array(path.utf8)
    if path.contains("\u{FFFD}") {
      if let raw = arguments[path] {
        bytes = raw
      } else if let (text, raw) = arguments.first(where: { path.hasPrefix($0.key + "/") }) {
        bytes = raw + Array(path.utf8.dropFirst(text.utf8.count))
      }
    }
    return bytes.map { CChar(bitPattern: $0) } + [0]
  }
}
