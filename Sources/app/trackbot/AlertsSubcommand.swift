import ArgumentParser
import Reporting
import TrackbotKit

struct AlertsSubcommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alerts",
        abstract: "The alerts the state records (open, muted, acknowledged); no network. Exit 1 while any is open.")

    @Argument(help: "Only these images (default: every image of the state).")
    var images: [String] = []
    @Option(help: "Output format: text or json.")
    var format: OutputFormat = .text
    @OptionGroup var configuration: Flags.Configuration
    @OptionGroup var state: Flags.State

    func run() async throws {
        var options = GlobalOptions()
        configuration.apply(to: &options)
        state.apply(to: &options)
        options.format = format
        await finish { try AlertsCommand.run(.init(images: images), options: options) }
    }
}
