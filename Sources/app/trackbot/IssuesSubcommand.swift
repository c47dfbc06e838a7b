import ArgumentParser
import Reporting
import TrackbotKit

struct IssuesSubcommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "issues",
        abstract: "Work on the GitHub issues trackbot keeps.",
        subcommands: [IssuesSyncSubcommand.self])
}
