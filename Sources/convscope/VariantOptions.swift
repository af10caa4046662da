import ArgumentParser
import Formats
import Models

/// `--set KEY=VALUE` (repeatable): the variant of the model a command names, resolved with its model file if any.
struct VariantOptions: ParsableArguments {
  @Option(
    name: .customLong("set"), parsing: .unconditionalSingleValue,
    help: ArgumentHelp(
      "Override a hyper-parameter of the model (repeatable; keys are the reference constructor's arguments, "
        + "README: Variants).", valueName: "KEY=VALUE"))
  var settings: [String] = []

  /// The spec of `model` (a zoo name or a `.json` model file) with the settings applied.
  func spec(_ model: String) throws -> ModelSpec {
    try ModelSpec(resolving: model, settings: settings, reading: { try FileBytes.read($0) })
  }
}

/// The help of every command's MODEL argument.
let modelArgumentHelp = ArgumentHelp("A zoo model (see `convscope list`) or a model file (.json, README: Variants).")
