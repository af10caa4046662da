// Whole-file reads and atomic whole-file writes (temp file in the same directory + rename).
#if canImport(Glibc)
  import Glibc
  private let systemRead = Glibc.read
  private let systemWrite = Glibc.write
#elseif canImport(Darwin)
  import Darwin
  private let systemRead = Darwin.read
  private let systemWrite = Darwin.write
#endif

/// Why a file could not be read or written: one line naming the path and the system's reason.
package struct FileIOError: Error, CustomStringConvertible, Equatable {
  package var path: String
  package var reason: String
  package var description: String { "\(path): \(reason)" }
}

/// Reading and atomically writing whole files as bytes.
package enum FileBytes {
  private static func systemReason() -> String { String(cString: strerror(errno)) }

  /// The file's size in bytes, or nil when it cannot be stat'ed.
  package static func size(of path: String) -> Int? {
    var info = stat()
    guard stat(path, &info) == 0 else { return nil }
    return Int(info.st_size)
  }

  /// Reads the whole file; the allocation is bounded by the file's real size.
  package static func read(_ path: String) throws(FileIOError) -> [UInt8] {
    let fd = open(path, O_RDONLY)
    guard fd >= 0 else { throw FileIOError(path: path, reason: systemReason()) }
    defer { close(fd) }
    var info = stat()
    guard fstat(fd, &info) == 0 else { throw FileIOError(path: path, reason: systemReason()) }
    guard (info.st_mode & S_IFMT) == S_IFREG else { throw FileIOError(path: path, reason: "not a regular file") }
    let size = Int(info.st_size)
    var bytes = [UInt8](repeating: 0, count: size)
    var done = 0
    while done < size {
      let n = bytes.withUnsafeMutableBytes { buffer in
        buffer.baseAddress.map { systemRead(fd, $0 + done, size - done) } ?? 0
      }
      if n < 0 {
        if errno == EINTR { continue }
        throw FileIOError(path: path, reason: systemReason())
      }
      if n == 0 { break }  // the file shrank while reading
      done += n
    }
    guard done == size else { throw FileIOError(path: path, reason: "file changed while being read") }
    return bytes
  }

  /// Writes `bytes` to a temporary file beside `path`, flushes it and renames it over `path`,
  /// so readers see the old file or the whole new one, never a partial write.
  package static func writeAtomically(_ bytes: [UInt8], to path: String) throws(FileIOError) {
    let slash = path.lastIndex(of: "/")
    let directory = slash.map { String(path[...$0]) } ?? ""
    let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
    guard !name.isEmpty else { throw FileIOError(path: path, reason: "not a file name") }
    var template = Array("\(directory).\(name).tmp-XXXXXX".utf8CString)
    let fd = template.withUnsafeMutableBufferPointer { buffer in buffer.baseAddress.map { mkstemp($0) } ?? -1 }
    guard fd >= 0 else { throw FileIOError(path: path, reason: systemReason()) }
    let tempPath = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    var succeeded = false
    defer {
      if !succeeded {
        close(fd)
        unlink(tempPath)
      }
    }
    var done = 0
    while done < bytes.count {
      let n = bytes.withUnsafeBytes { buffer in
        buffer.baseAddress.map { systemWrite(fd, $0 + done, bytes.count - done) } ?? 0
      }
      if n < 0 {
        if errno == EINTR { continue }
        throw FileIOError(path: path, reason: systemReason())
      }
      done += n
    }
    // mkstemp creates 0600; give the file the usual permissions (umask applies).
    let mask = umask(0)
    umask(mask)
    fchmod(fd, 0o666 & ~mask)
    guard fsync(fd) == 0 else { throw FileIOError(path: path, reason: systemReason()) }
    guard close(fd) == 0 else {
      succeeded = true  // fd is closed either way
      unlink(tempPath)
      throw FileIOError(path: path, reason: systemReason())
    }
    succeeded = true
    guard rename(tempPath, path) == 0 else {
      let reason = systemReason()
      unlink(tempPath)
      throw FileIOError(path: path, reason: reason)
    }
  }
}
