import ArgumentParser
import TrackbotKit

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
