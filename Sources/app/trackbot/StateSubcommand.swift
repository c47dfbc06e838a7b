import ArgumentParser
import TrackbotKit

/// `trackbot state …`: work on state files.
struct StateSubcommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "state",
        abstract: "Work on state files.",
        subcommands: [StateMergeSubcommand.self, StateCompareSubcommand.self])
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
        await finish { try await StateMergeCommand.run(.init(output: output, inputs: inputs)) }
    }
}

struct StateCompareSubcommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Exit 0 when two state files record the same apart from times, 1 when they differ.")

    @Argument(help: "The state before (a missing file differs from any state).")
    var old: String
    @Argument(help: "The state after.")
    var new: String

    func run() async throws {
        await finish { try StateCompareCommand.run(old: old, new: new) }
    }
}
