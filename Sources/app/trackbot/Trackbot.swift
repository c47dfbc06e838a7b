import ArgumentParser
import Foundation
import TrackbotCore
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
        version: BuildInfo.versionLine,
        subcommands: [
            CheckSubcommand.self, WatchSubcommand.self, LibrarySubcommand.self, VerifySubcommand.self,
            DigestsSubcommand.self, HistorySubcommand.self, StateSubcommand.self, PullRequestsSubcommand.self,
            LintSubcommand.self, UpstreamSubcommand.self, AckSubcommand.self, AlertsSubcommand.self,
            IssuesSubcommand.self,
        ])

    /// Usage errors exit 2, as the command-line contract says (ArgumentParser's default is 64).
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let code as ExitCode {
            Foundation.exit(code.rawValue)
        } catch {
            if exitCode(for: error) == .success { exit(withError: error) }  // --help, --version
            FileHandle.standardError.write(
                Data((Sanitize.terminal(fullMessage(for: error), multiline: true) + "\n").utf8))
            Foundation.exit(2)
        }
    }
}
