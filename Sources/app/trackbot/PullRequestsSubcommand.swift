import ArgumentParser
import TrackbotKit

struct PullRequestsSubcommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prs",
        abstract: "Open official-images pull requests touching the images, each as a library diff.",
        discussion: """
            Without the GitHub API, open pull requests are those that still advertise refs/pull/N/merge: \
            an approximate list (official-images squash-merges, so ancestry cannot tell open from merged). \
            Only the refs/pull/N/head refs needed are fetched. --pr N looks at given pull requests instead.
            """)

    @Argument(help: "Image names (default: the configured watch list).")
    var images: [String] = []
    @Option(name: .customLong("pr"), help: "A pull request number to look at, whatever its state (repeatable).")
    var numbers: [Int] = []
    @Option(help: "The official-images git URL (default: from the configuration).")
    var library: String?
    @Flag(help: "Do not fetch upstreams to list the commits between a changed entry's old and new commit.")
    var noUpstreamLog = false
    @OptionGroup var global: Flags.Sources

    func run() async throws {
        let options = try global.resolved()
        await finish {
            try await PullRequestsCommand.run(
                .init(
                    images: images, numbers: numbers, library: library,
                    upstreamLogs: !noUpstreamLog), options: options)
        }
    }
}
