// Temporary files of atomic writes, removed when a signal ends the process in the middle of one.
import Foundation

/// The temporary files being written right now (an atomic write's `.NAME.tmp-XXXXXX`), so that SIGINT, SIGTERM
/// or SIGHUP during `export-weights` or `run --dump all` leaves none behind.
///
/// Paths are kept as C strings in fixed slots: the signal handler only reads them and calls `unlink`, which is
/// async-signal-safe; registering and unregistering take a lock on normal threads.
package enum TemporaryFiles {
  private static let capacity = 64
  nonisolated(unsafe) private static let slots: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?> = {
    let slots = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>.allocate(capacity: capacity)
    slots.initialize(repeating: nil, count: capacity)
    return slots
  }()
  private static let lock = NSLock()

  /// Records `path` as being written (a full table only means that file is not cleaned up by a signal).
  package static func register(_ path: String) {
    lock.withLock {
      guard let free = (0..<capacity).first(where: { slots[$0] == nil }) else { return }
      slots[free] = strdup(path)
    }
  }

  /// Forgets `path` (renamed into place or removed).
  package static func unregister(_ path: String) {
    lock.withLock {
      for i in 0..<capacity {
        guard let entry = slots[i], String(cString: entry) == path else { continue }
        slots[i] = nil
        free(entry)
      }
    }
  }

  /// Removes every registered file (async-signal-safe: reads the slots and calls `unlink`).
  package static func removeAll() {
    for i in 0..<capacity {
      if let entry = slots[i] { unlink(entry) }
    }
  }

  /// On SIGINT, SIGTERM and SIGHUP: removes the temporary files and exits with 128 + the signal's number, as a
  /// shell reports a process killed by it (headless commands; the explorer handles signals itself).
  package static func removeOnSignals() {
    for number in [SIGINT, SIGTERM, SIGHUP] {
      signal(number) { received in
        TemporaryFiles.removeAll()
        _exit(128 + received)
      }
    }
  }
}
