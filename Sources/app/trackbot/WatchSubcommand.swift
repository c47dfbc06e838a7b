import ArgumentParser
import Foundation
import TrackbotKit

struct WatchSubcommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Check every image in the configuration (the scheduled run).")

    @Option(help: "official-images as a git URL or a folder of library files (default from the config).")
    var library: String?
    @Option(help: "Check only shard I of N of the watched images (e.g. 2/4), a deterministic split for CI matrices.")
    var shard: String?
    @Option(help: "Repeat every DURATION (90s, 30m, 6h, 1h30m) with ±10% jitter until SIGTERM or SIGINT.")
    var every: String?
    @Flag(
        help: "Open, update and close one GitHub issue per alert group (needs GITHUB_TOKEN; see docs/github-issues.md)."
    )
    var openIssues = false
    @Option(help: "The GitHub repository for --open-issues, OWNER/NAME (default: github.repository in the config).")
    var githubRepo: String?
    @Option(
        help: "Also write the report as FORMAT (text, json, markdown, sarif) to FILE, from the same run (repeatable).")
    var output: [String] = []
    @OptionGroup var global: Flags.Check

    func run() async throws {
        let options = try global.resolved()
        let request: CheckCommand.Request
        let interval: Duration?
        do {
            request = .init(
                references: [], library: library, shard: try shard.map(Shard.parse),
                openIssues: openIssues, githubRepository: githubRepo, outputs: try output.map(ReportDestination.parse),
                heartbeat: true)
            interval = try every.map(WatchLoop.parseDuration)
        } catch { await finish { throw error } }  // a usage error: exit status 2, as the contract says
        guard let interval else { await finish { try await CheckCommand.run(request, options: options) } }
        Foundation.exit(
            await WatchLoop.run(every: interval) {
                try await warningOfUnusedRewrites { try await CheckCommand.run(request, options: options) }
            })
    }
}
