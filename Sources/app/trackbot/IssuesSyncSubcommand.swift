import ArgumentParser
import Reporting
import TrackbotKit

struct IssuesSyncSubcommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Open, update and close GitHub issues from the open alerts of the state (no registry, no git).",
        discussion: """
            With REPORT.json files (--output json=FILE of watch runs), only the images those runs \
            checked are touched. Exit status 1 while any alert is open, 2 when GitHub or the state failed.
            """)

    @Argument(help: "JSON reports of the runs whose images to sync (default: every image of the state).")
    var reports: [String] = []
    @Option(help: "The GitHub repository, OWNER/NAME (default: github.repository in the config).")
    var githubRepo: String?
    @OptionGroup var global: Flags.StateFile

    func run() async throws {
        let options = global.resolved()
        await finish {
            try await IssuesSyncCommand.run(.init(reports: reports, githubRepository: githubRepo), options: options)
        }
    }
}
