import ArgumentParser
import TrackbotKit

@main
struct Trackbot: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trackbot",
        abstract: "Checks that Docker Official Images are what their upstream sources say, and keeps watching.",
        discussion: """
        Exit status: 0 nothing needs attention; 1 at least one alert; 2 a usage or configuration \
        error, or something could not be checked.
        """,
        subcommands: [CheckSubcommand.self, WatchSubcommand.self, LibrarySubcommand.self, VerifySubcommand.self, DigestsSubcommand.self, HistorySubcommand.self, PullRequestsSubcommand.self, UpstreamSubcommand.self, BenchRegistrySubcommand.self, BenchVerifySubcommand.self, MirrorBenchSubcommand.self])
}
