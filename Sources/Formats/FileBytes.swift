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
    guard stat(RawPaths.cString(path), &info) == 0 else { return nil }
    return Int(info.st_size)
  }

  /// Reads the whole file; the allocation is bounded by the file's real size. Anything but a regular file
  /// (a FIFO, a device, a directory) is refused at once: opened non-blocking, so a FIFO never waits for a writer.
  /// A name that is not UTF-8 is opened by its bytes (``RawPaths``).
  package static func read(_ path: String) throws(FileIOError) -> [UInt8] {
    let fd = open(RawPaths.cString(path), O_RDONLY | O_NONBLOCK | O_CLOEXEC)
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

  /// Writes `bytes` to `path`: a regular file (or a new one) is replaced atomically — a temporary file beside it,
  /// flushed, renamed over it — so readers see the old file or the whole new one, never a partial write. A symlink
  /// is followed and its target replaced (a dangling link's target is created); a character device or FIFO is
  /// written as a stream; anything else (a directory, a socket, a block device) is refused. Nothing that is not a
  /// regular file is ever replaced.
  package static func writeAtomically(_ bytes: [UInt8], to path: String) throws(FileIOError) {
    let target = try resolvingSymlinks(path)
    var info = stat()
    if stat(target, &info) == 0 {
      switch info.st_mode & S_IFMT {
      case S_IFREG: break
      case S_IFCHR, S_IFIFO: return try writeStream(bytes, to: target, shownAs: path)
      default: throw FileIOError(path: path, reason: "not a regular file; refusing to replace it")  // a C mode_t
      }
    }
    try replaceAtomically(bytes, at: target, shownAs: path)
  }

  /// The path a chain of symlinks at `path` ends at (the last link's target when it dangles).
  static func resolvingSymlinks(_ path: String) throws(FileIOError) -> String {
    var current = path
    for _ in 0..<40 {
      var info = stat()
      guard lstat(current, &info) == 0, (info.st_mode & S_IFMT) == S_IFLNK else { return current }
      var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
      let count = readlink(current, &buffer, buffer.count - 1)
      guard count >= 0 else { throw FileIOError(path: path, reason: systemReason()) }
      let link = String(decoding: buffer.prefix(count).map { UInt8(bitPattern: $0) }, as: UTF8.self)
      if link.hasPrefix("/") {
        current = link
      } else {
        let slash = current.lastIndex(of: "/")
        current = (slash.map { String(current[...$0]) } ?? "") + link
      }
    }
    throw FileIOError(path: path, reason: "too many levels of symbolic links")
  }

  /// Writes `bytes` to an existing character device or FIFO, as a stream (no temporary file, no rename).
  private static func writeStream(_ bytes: [UInt8], to target: String, shownAs path: String) throws(FileIOError) {
    let fd = open(target, O_WRONLY | O_CLOEXEC)
    guard fd >= 0 else { throw FileIOError(path: path, reason: systemReason()) }
    defer { close(fd) }
    try writeAll(bytes, to: fd, path: path)
  }

  private static func writeAll(_ bytes: [UInt8], to fd: Int32, path: String) throws(FileIOError) {
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
  }

  /// The temporary file + rename of ``writeAtomically(_:to:)`` for a regular (or new) file at `target`.
  private static func replaceAtomically(_ bytes: [UInt8], at target: String, shownAs shown: String)
    throws(FileIOError)
  {
    let path = target
    let slash = path.lastIndex(of: "/")
    let directory = slash.map { String(path[...$0]) } ?? ""
    let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
    guard !name.isEmpty else { throw FileIOError(path: path, reason: "not a file name") }
    var template = Array("\(directory).\(name).tmp-XXXXXX".utf8CString)
    let fd = template.withUnsafeMutableBufferPointer { buffer in buffer.baseAddress.map { mkstemp($0) } ?? -1 }
    guard fd >= 0 else { throw FileIOError(path: path, reason: systemReason()) }
    let tempPath = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    TemporaryFiles.register(tempPath)
    defer { TemporaryFiles.unregister(tempPath) }
    var succeeded = false
    defer {
      if !succeeded {
        close(fd)
        unlink(tempPath)
      }
    }
    try writeAll(bytes, to: fd, path: shown)
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
