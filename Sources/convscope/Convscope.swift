import ArgumentParser

/// The root command: `convscope [MODEL]` opens the explorer; subcommands run headless.
@main
struct Convscope: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "convscope",
    abstract: "Explore classic convolutional networks (ResNet, DenseNet, SENet, SKNet, ResNeSt) from a terminal.",
    version: convscopeVersion,
    subcommands: [
      ExploreCommand.self,
      BenchCommand.self,
      ListCommand.self,
      SummaryCommand.self,
      RunCommand.self,
      ExportWeightsCommand.self,
      LesionCommand.self,
      ReuseCommand.self,
      GradCommand.self,
      CamCommand.self,
    ],
    defaultSubcommand: ExploreCommand.self
  )
}
