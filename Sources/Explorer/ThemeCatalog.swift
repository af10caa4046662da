import Formats
import Foundation

/// Why a theme cannot be used, as the one line a user sees.
package enum ThemeError: Error, Equatable, CustomStringConvertible {
  case unknown(name: String, available: [String])
  case unreadable(path: String, reason: String)

  package var description: String {
    switch self {
    case .unknown(let name, let available):
      return "no theme named \"\(name)\": available themes are \(available.joined(separator: ", "))"
        + " (or give a path to a .theme file)"
    case .unreadable(let path, let reason): return "cannot read theme file \(path): \(reason)"
    }
  }
}

/// Finds and loads themes: `themes/NAME.theme` files in a list of folders, first folder winning.
///
/// The folders, in order: `$CONVSCOPE_THEMES`, `$XDG_CONFIG_HOME/convscope/themes` (or
/// `~/.config/convscope/themes`), `./themes`, the `themes/` above the executable (the checkout a
/// `.build/…/convscope` was built in, or `share/convscope/themes` of an install prefix), and the
/// checkout this file was compiled in. The built-in default theme is always there, so a missing
/// folder still runs.
package struct ThemeCatalog: Sendable {
  /// Every theme found, sorted by name (the order `t` cycles in).
  package private(set) var themes: [Theme]

  /// The themes in `directories` (missing folders are skipped), plus the built-in default.
  package init(directories: [String]) {
    var byName: [String: Theme] = [:]
    for directory in directories {
      guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { continue }
      for file in names.sorted() where file.hasSuffix(".theme") {
        let name = String(file.dropLast(6))
        guard byName[name] == nil, let theme = try? Self.load(path: directory + "/" + file, name: name) else {
          continue
        }
        byName[name] = theme
      }
    }
    if byName["default"] == nil { byName["default"] = .builtInDefault }
    themes = byName.values.sorted { $0.name < $1.name }
  }

  /// The names, sorted.
  package var names: [String] { themes.map(\.name) }

  /// The theme `nameOrPath` names: a path (it contains `/` or ends in `.theme`) is loaded and added
  /// to the list; a name must be one of ``names``.
  package mutating func select(_ nameOrPath: String) throws -> Theme {
    if nameOrPath.contains("/") || nameOrPath.hasSuffix(".theme") {
      let file = (nameOrPath as NSString).lastPathComponent
      let name = file.hasSuffix(".theme") ? String(file.dropLast(6)) : file
      let theme = try Self.load(path: nameOrPath, name: name)
      themes.removeAll { $0.name == name }
      themes.append(theme)
      themes.sort { $0.name < $1.name }
      return theme
    }
    guard let theme = themes.first(where: { $0.name == nameOrPath }) else {
      throw ThemeError.unknown(name: nameOrPath, available: names)
    }
    return theme
  }

  /// Reads and parses one theme file; missing keys come from the built-in default. A file over
  /// ``ThemeFile/maxFileBytes`` is not read: the theme is the default one with a warning. Only regular files
  /// are read (a FIFO or device is refused at once, never waited on).
  package static func load(path: String, name: String) throws -> Theme {
    if let size = FileBytes.size(of: path), size > ThemeFile.maxFileBytes {
      return Theme(
        name: name, source: path, file: ThemeFile(oversize: size, file: path), fallback: .builtInDefault)
    }
    let bytes: [UInt8]
    do { bytes = try FileBytes.read(path) } catch {
      var isDirectory: ObjCBool = false
      let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
      let reason =
        !exists ? "no such file" : isDirectory.boolValue ? "a directory, not a .theme file" : error.reason
      throw ThemeError.unreadable(path: path, reason: reason)
    }
    guard String(validating: bytes, as: UTF8.self) != nil else {
      throw ThemeError.unreadable(path: path, reason: "not readable UTF-8 text")
    }
    return Theme(name: name, source: path, file: ThemeFile(parsing: bytes, file: path), fallback: .builtInDefault)
  }

  /// The folders searched, in order, for this process's environment.
  package static func searchDirectories(
    environment: [String: String] = ProcessInfo.processInfo.environment,
    currentDirectory: String = FileManager.default.currentDirectoryPath,
    executable: String? = Self.executablePath()
  ) -> [String] {
    var out: [String] = []
    if let custom = environment["CONVSCOPE_THEMES"], !custom.isEmpty { out.append(custom) }
    if let config = environment["XDG_CONFIG_HOME"], !config.isEmpty {
      out.append(config + "/convscope/themes")
    } else if let home = environment["HOME"], !home.isEmpty {
      out.append(home + "/.config/convscope/themes")
    }
    out.append(currentDirectory + "/themes")
    if let executable {
      // .build/x86_64-unknown-linux-gnu/release/convscope → the checkout's themes/, up to 4 levels;
      // PREFIX/bin/convscope → PREFIX/share/convscope/themes.
      var directory = (executable as NSString).deletingLastPathComponent
      out.append((directory as NSString).deletingLastPathComponent + "/share/convscope/themes")
      for _ in 0..<4 {
        directory = (directory as NSString).deletingLastPathComponent
        if directory.isEmpty || directory == "/" { break }
        out.append(directory + "/themes")
      }
    }
    out.append(checkoutThemes)
    var seen = Set<String>()
    return out.filter { seen.insert(($0 as NSString).standardizingPath).inserted }
  }

  /// `themes/` of the checkout this file was compiled in.
  private static let checkoutThemes: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url.appendingPathComponent("themes").path
  }()

  /// The running executable's real path (symlinks resolved), from /proc on Linux.
  package static func executablePath() -> String? {
    (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
      ?? CommandLine.arguments.first.map { ($0 as NSString).standardizingPath }
  }
}
