/// What can go wrong reading an image file; the description is the one line a user sees.
package enum ImageError: Error, Equatable, CustomStringConvertible {
  /// The file does not exist or cannot be read.
  case unreadable(path: String, reason: String)
  /// The bytes are not a PNG/JPEG this decoder accepts, or they are damaged.
  case undecodable(path: String, reason: String)
  /// The file cannot be written (a missing folder, no permission, a full disk).
  case unwritable(path: String, reason: String)
  /// A preprocessing size that cannot work (e.g. an input size below 1).
  case badSize(String)

  package var description: String {
    switch self {
    case .unreadable(let path, let reason): return "cannot read image \(path): \(reason)"
    case .undecodable(let path, let reason): return "cannot decode image \(path): \(reason)"
    case .unwritable(let path, let reason): return "cannot write image \(path): \(reason)"
    case .badSize(let message): return "image preprocessing: \(message)"
    }
  }
}
