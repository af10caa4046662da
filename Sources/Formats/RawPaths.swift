// File names that are not valid UTF-8, opened by their bytes.
import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The bytes to open a path by. Swift strings hold Unicode only, so a command-line argument with a byte that is
/// not UTF-8 (a Latin-1 file name, say) arrives with U+FFFD in its place and would name no file. The process's
/// raw arguments are kept here, keyed by the text Swift shows for them, and a path that is one of them (or lies
/// under one, for a folder argument) is opened by the original bytes. Paths found by listing a folder
/// (``paths(in:)``) are kept the same way.
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

  /// Paths that are not valid UTF-8 found in folders (``paths(in:)``), by their repaired text, under `lock`.
  nonisolated(unsafe) private static var listed: [String: [UInt8]] = [:]
  private static let lock = NSLock()

  /// `path` as a NUL-terminated C string of its original bytes.
  package static func cString(_ path: String) -> [CChar] {
    var bytes = Array(path.utf8)
    if path.contains("\u{FFFD}") {
      if let raw = lock.withLock({ listed[path] }) {
        bytes = raw
      } else if let raw = arguments[path] {
        bytes = raw
      } else if let (text, raw) = arguments.first(where: { path.hasPrefix($0.key + "/") }) {
        bytes = raw + Array(path.utf8.dropFirst(text.utf8.count))
      }
    }
    return bytes.map { CChar(bitPattern: $0) } + [0]
  }

  /// The entries of the folder `directory` (not `.` and `..`) as paths under it, in no particular order. An entry
  /// whose name (or whose folder's name) is not UTF-8 is remembered by its bytes, so ``cString(_:)`` opens it;
  /// two such names that differ only in their non-UTF-8 bytes would show as one text and are refused.
  package static func paths(in directory: String) throws(FileIOError) -> [String] {
    guard let folder = opendir(cString(directory)) else {
      throw FileIOError(path: directory, reason: String(cString: strerror(errno)))
    }
    defer { closedir(folder) }
    let prefix = cString(directory).dropLast().map { UInt8(bitPattern: $0) } + [UInt8(ascii: "/")]
    var paths: [String] = []
    var repaired: Set<String> = []
    while let entry = readdir(folder) {
      let name = withUnsafeBytes(of: &entry.pointee.d_name) { Array($0.prefix(while: { $0 != 0 })) }
      guard name != [UInt8(ascii: ".")] && name != [UInt8(ascii: "."), UInt8(ascii: ".")] else { continue }
      let bytes = prefix + name
      if String(validating: bytes, as: UTF8.self) != nil {
        paths.append(directory + "/" + String(decoding: name, as: UTF8.self))
        continue
      }
      let text = directory + "/" + String(decoding: name, as: UTF8.self)
      let clash = lock.withLock {
        if let known = listed[text], known != bytes { return true }
        listed[text] = bytes
        return false
      }
      if clash || !repaired.insert(text).inserted {
        throw FileIOError(path: text, reason: "two names in this folder differ only in bytes that are not UTF-8")
      }
      paths.append(text)
    }
    return paths
  }
}
