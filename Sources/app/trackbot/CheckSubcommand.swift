import ArgumentParser
import Foundation
import TrackbotKit

struct CheckSubcommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Trace, verify and compare images with the recorded state (the manual run).",
        discussion: "Exit status: 0 nothing needs attention, 1 an alert, 2 something could not be checked.")

    @Argument(help: "IMAGE or IMAGE:TAG, one or more.")
    var references: [String]
    @Option(help: "official-images as a git URL or a folder of library files (default from the config).")
    var library: String?
    @Option(help: "Also write the report as FORMAT (text, json, markdown) to FILE, from the same run (repeatable).")
    var output: [String] = []
    @OptionGroup var global: Flags.Check

    func run() async throws {
        let options = try global.resolved()
        await finish {
            let outputs = try output.map(ReportDestination.parse)
            return try await CheckCommand.run(
                .init(references: references, library: library, outputs: outputs), options: options)
        }
    }
}

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
    @Option(help: "Also write the report as FORMAT (text, json, markdown) to FILE, from the same run (repeatable).")
    var output: [String] = []
    @OptionGroup var global: Flags.Check

    func run() async throws {
        let options = try global.resolved()
        let request: CheckCommand.Request
        let interval: Duration?
        do {
            request = .init(
                references: [], library: library, shard: try shard.map(Shard.parse),
                openIssues: openIssues, githubRepository: githubRepo, outputs: try output.map(ReportDestination.parse))
            interval = try every.map(WatchLoop.parseDuration)
        } catch { await finish { throw error } }  // a usage error: exit status 2, as the contract says
        guard let interval else { await finish { try await CheckCommand.run(request, options: options) } }
        Foundation.exit(await WatchLoop.run(every: interval) { try await CheckCommand.run(request, options: options) })
    }
}

struct VerifySubcommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Checksums and OCI layouts of one upstream directory (a folder, or REPO#COMMIT:DIR).")

    @Argument(help: "A local folder, or REPO#COMMIT:DIR as in the org.opencontainers.image.source annotation.")
    var source: String
    @Option(help: "The library entry's File (default Dockerfile; index.json for oci-import).")
    var file: String?
    @Option(help: "The library entry's Builder (oci-import verifies an OCI layout).")
    var builder: String?
    @OptionGroup var configuration: Flags.Configuration
    @OptionGroup var output: Flags.Output
    @OptionGroup var logging: Flags.Logging
    @OptionGroup var git: Flags.Git
    @OptionGroup var rewrite: Flags.Rewrite

    func run() async throws {
        var options = GlobalOptions()
        configuration.apply(to: &options)
        output.apply(to: &options)
        logging.apply(to: &options)
        git.apply(to: &options)
        try rewrite.apply(to: &options)
        await finish {
            try await VerifyCommand.run(.init(source: source, file: file, builder: builder), options: options)
        }
    }
}
