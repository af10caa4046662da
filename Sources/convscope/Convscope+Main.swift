import ArgumentParser
import Formats
import Foundation
import TensorCore

extension Convscope {
  /// Runs the command line; every failure prints one line `convscope: error: …` on stderr and exits 1.
  static func main() {
    do {
      try Threads.checkEnvironment()
      try GEMM.checkEnvironment()
      try ConvAlgorithm.checkEnvironment()
      try checkHelpTopic(Array(CommandLine.arguments.dropFirst()))
      var command = try parseAsRoot()
      // Headless commands remove their temporary files on a signal; the explorer restores the terminal itself.
      if !(command is ExploreCommand) { TemporaryFiles.removeOnSignals() }
      try command.run()
    } catch {
      if exitCode(for: error) == .success {
        // --help and --version arrive as errors whose message belongs on stdout.
        print(fullMessage(for: error))
        Foundation.exit(0)
      }
      fail(oneLine(error) + usageHint(for: error))
    }
  }

  /// `convscope help NAME` with a NAME that is no command: ArgumentParser would print the root help and exit 0.
  private static func checkHelpTopic(_ arguments: [String]) throws {
    guard arguments.count >= 2, arguments[0] == "help" else { return }
    let names = configuration.subcommands.map { $0._commandName }
    guard names.contains(arguments[1]) else {
      throw CommandError("help: no command '\(arguments[1])' (commands: \(names.joined(separator: ", ")))")
    }
  }

  /// Prints `convscope: error: message` on stderr and exits with status 1.
  static func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("convscope: error: \(escapingControls(message))\n".utf8))
    Foundation.exit(1)
  }

  /// Prints `convscope: message` on stderr: what a command wrote besides its report on stdout.
  static func report(_ message: String) {
    FileHandle.standardError.write(Data("convscope: \(escapingControls(message))\n".utf8))
  }

  /// Prints `convscope: warning: message` on stderr (the command goes on).
  static func warn(_ message: String) {
    FileHandle.standardError.write(Data("convscope: warning: \(escapingControls(message))\n".utf8))
  }

  /// `message` with control characters written as `\u{1B}`: names and keys read from files (a tensor name,
  /// an `.npy` header key) must not move the cursor, retitle the window or clear the user's terminal.
  static func escapingControls(_ message: String) -> String {
    var out = ""
    for scalar in message.unicodeScalars {
      if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) {
        out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
      } else {
        out.unicodeScalars.append(scalar)
      }
    }
    return out
  }

  /// ` (usage: …)` from ArgumentParser's own usage block, so a bad option names the valid ones; empty for our errors.
  private static func usageHint(for error: Error) -> String {
    let full = fullMessage(for: error)
    guard let start = full.range(of: "Usage: ") else { return "" }
    let lines = full[start.upperBound...].split(whereSeparator: \.isNewline)
      .map { $0.trimmingCharacters(in: .whitespaces) }
      .prefix { !$0.hasPrefix("See ") && !$0.isEmpty }
    var usage = lines.joined(separator: " ")
    if usage.hasSuffix("<subcommand>") || usage == "convscope" {
      let names = configuration.subcommands.map { $0._commandName }
      usage += " (commands: " + names.joined(separator: ", ") + ")"
    }
    return usage.isEmpty ? "" : " (usage: " + usage + ")"
  }

  /// The error as one line: ArgumentParser's message without its usage block, or our own error's description.
  private static func oneLine(_ error: Error) -> String {
    var message = message(for: error)
    if message.isEmpty { message = String(describing: error) }
    let lines = message.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
    var text = lines.filter { !$0.isEmpty }.joined(separator: " ")
    if text.hasPrefix("Error: ") { text.removeFirst("Error: ".count) }
    return text
  }
}
