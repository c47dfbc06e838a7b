import ArgumentParser
import Reporting
import TrackbotKit

struct AckSubcommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ack",
        abstract: "Answer open alerts: record who, when and why in the state; they stop counting.",
        discussion: """
            For a digest-drift alert the digest it names becomes the trusted one. The next report \
            shows the acknowledgement once. No network is used.
            """)

    @Argument(help: "IMAGE or IMAGE:TAG whose alerts to answer.")
    var reference: String
    @Option(help: "The alert kind, e.g. digest-drift.")
    var kind: String
    @Option(name: .customLong("arch"), help: "Only this architecture (bashbrew name).")
    var arch: String?
    @Option(help: "Why the alert may be closed (recorded, and shown in later reports).")
    var reason: String
    @Option(help: "Who answers (default: $USER).")
    var by: String?
    @OptionGroup var global: Flags.StateFile

    func run() async throws {
        let options = global.resolved()
        await finish {
            try await AckCommand.run(
                .init(reference: reference, kind: kind, arch: arch, reason: reason, by: by), options: options)
        }
    }
}

struct IssuesSubcommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "issues",
        abstract: "Work on the GitHub issues trackbot keeps.",
        subcommands: [IssuesSyncSubcommand.self])
}

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

struct AlertsSubcommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alerts",
        abstract: "The alerts the state records (open, muted, acknowledged); no network. Exit 1 while any is open.")

    @Argument(help: "Only these images (default: every image of the state).")
    var images: [String] = []
    @Option(help: "Output format: text or json.")
    var format: OutputFormat = .text
    @OptionGroup var configuration: Flags.Configuration
    @OptionGroup var state: Flags.State

    func run() async throws {
        var options = GlobalOptions()
        configuration.apply(to: &options)
        state.apply(to: &options)
        options.format = format
        await finish { try AlertsCommand.run(.init(images: images), options: options) }
    }
}
