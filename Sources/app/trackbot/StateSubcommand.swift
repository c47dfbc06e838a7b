import ArgumentParser
import TrackbotKit

/// `trackbot state …`: work on state files.
struct StateSubcommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "state",
        abstract: "Work on state files.",
        subcommands: [StateMergeSubcommand.self])
}

struct StateMergeSubcommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Merge the state files of a sharded watch into one (the later checkedAt wins per image).")

    @Argument(help: "The merged state file to write.")
    var output: String
    @Argument(help: "The shards' state files.")
    var inputs: [String]

    func run() async throws {
        await finish { try StateMergeCommand.run(.init(output: output, inputs: inputs)) }
    }
}
