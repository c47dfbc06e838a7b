import ArgumentParser
import TrackbotKit

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
