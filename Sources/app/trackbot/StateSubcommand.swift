import ArgumentParser
import TrackbotKit

/// `trackbot state …`: work on state files.
struct StateSubcommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "state",
        abstract: "Work on state files.",
        subcommands: [StateMergeSubcommand.self, StateCompareSubcommand.self])
}
