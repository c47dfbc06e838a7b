import ArgumentParser
import TrackbotKit

struct PullRequestsSubcommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prs",
        abstract: "Open official-images pull requests touching the images, each as a library diff.",
        discussion: """
            Without the GitHub API, open pull requests are those that still advertise refs/pull/N/merge: \
            an approximate list (official-images squash-merges, so ancestry cannot tell open from merged). \
            Only the refs/pull/N/head refs needed are fetched. --pr N looks at given pull requests instead. \
            Each pull request shown also gets official-images CI's verdict on its changed images (see `trackbot lint`); \
            a failing rule never fails `prs`.
            """)

    @Argument(help: "Image names (default: the configured watch list).")
    var images: [String] = []
    @Option(name: .customLong("pr"), help: "A pull request number to look at, whatever its state (repeatable).")
    var numbers: [Int] = []
    @Option(help: "The official-images git URL (default: from the configuration).")
    var library: String?
    @Flag(help: "Do not fetch upstreams to list the commits between a changed entry's old and new commit.")
    var noUpstreamLog = false
    @Flag(help: "Do not run official-images' CI rules (trackbot lint --pr N) on each pull request.")
    var noLint = false
    @OptionGroup var global: Flags.Sources
    @OptionGroup var offline: Flags.Offline

    func run() async throws {
        var options = try global.resolved()
        offline.apply(to: &options)
        await finish {
            try await PullRequestsCommand.run(
                .init(
                    images: images, numbers: numbers, library: library,
                    upstreamLogs: !noUpstreamLog, lint: !noLint), options: options)
        }
    }
}
