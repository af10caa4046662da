/// A bad input found while a command runs (after option parsing): printed as its one-line description,
/// without the usage block ArgumentParser adds to its own errors.
struct CommandError: Error, CustomStringConvertible {
  let description: String

  init(_ description: String) { self.description = description }
}
