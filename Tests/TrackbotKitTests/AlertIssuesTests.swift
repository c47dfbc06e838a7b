import Foundation
import GitHub
import Reporting
import TestSupport
import Testing
import TrackbotCore
import Tracking

@testable import TrackbotKit

/// GitHub issues follow the alerts recorded in the state: opened once, kept open and unchanged
/// while the alert is open, never reopened after a person closed them, and never lost when a
/// run cannot reach GitHub.
@Suite("alert issues", .serialized)
struct AlertIssuesTests {
    static let repo = "acme/images"

    struct Setup {
        let demo: AlertLifecycleTests.Demo
        let github: GitHubStandIn
        let settings: GitHubSettings
        let token: String

        init() throws {
            demo = try AlertLifecycleTests.Demo()
            token = "ghp_alerts" + UUID().uuidString.replacingOccurrences(of: "-", with: "")
            github = try GitHubStandIn(token: token, logDirectory: demo.world.dir.url)
            var s = GitHubSettings(apiURL: github.url, token: Secret(token))
            s.mutationSpacing = 0
            settings = s
            try Data("\n[github]\nrepository = \"\(AlertIssuesTests.repo)\"\nlabels = [\"trackbot\"]\n".utf8).append(
                to: demo.world.configPath)
        }

        func watch(_ settings: GitHubSettings? = nil) async throws -> CommandResult {
            try await CheckCommand.run(
                .init(references: ["demo"], openIssues: true, github: settings ?? self.settings),
                options: demo.world.options())
        }

        func issues() throws -> [GitHubStandIn.Issue] {
            try github.issues(repo: AlertIssuesTests.repo).sorted { $0.number < $1.number }
        }
        func mutations() throws -> [GitHubStandIn.Request] { try github.requests().filter { $0.method != "GET" } }
    }

    @Test func anIssueClosedByAPersonAcknowledgesItsAlertsAndIsNotReopened() async throws {
        let s = try await offPool { try Setup() }
        let quiet = try await s.watch()
        #expect(quiet.exitCode == 0, "\(quiet.output) \(quiet.diagnostics)")
        #expect(try s.issues().isEmpty)

        try s.demo.publish("1.0", amd64Extra: "etc/tampered")
        let opened = try await s.watch()
        #expect(opened.exitCode == 1)
        #expect(
            opened.diagnostics.contains { $0.hasPrefix("GitHub: created issue #1: trackbot: demo digest-drift") },
            "\(opened.diagnostics)")
        let body = try s.issues().first?.body
        #expect(try s.demo.state().images["demo"]?.alerts.first?.issue == 1)

        // Second and third run: the alert is still open, the issue is open and unchanged.
        let before = try s.mutations().count
        for _ in 0..<2 {
            let again = try await s.watch()
            #expect(again.exitCode == 1)
        }
        #expect(try s.mutations().count == before)
        #expect(try s.issues().map(\.state) == ["open"])
        #expect(try s.issues().first?.body == body)

        // A person closes it: that answers the alert. trackbot records who and does not reopen.
        try s.github.close(repo: Self.repo, number: 1, by: "octo-maintainer")
        let answered = try await s.watch()
        #expect(answered.exitCode == 0, "\(answered.output) \(answered.diagnostics)")
        #expect(
            answered.diagnostics.contains { $0.contains("GitHub issue #1 closed by octo-maintainer") },
            "\(answered.diagnostics)")
        // The same run counts it as answered: shown once as acknowledged, and the drifted digest
        // is the trusted one now, so the record ends.
        #expect(answered.output.contains("acknowledged by octo-maintainer"), "\(answered.output)")
        #expect(answered.output.contains("GitHub issue #1 closed"))
        #expect(try s.demo.state().images["demo"]?.alerts.isEmpty == true)
        #expect(
            try s.demo.state().images["demo"]?.tags["1.0"]?.platforms["amd64"]?.trusted?.reason.contains(
                "octo-maintainer") == true)
        #expect(try s.issues().map(\.state) == ["closed"])

        let later = try await s.watch()
        #expect(later.exitCode == 0)
        #expect(try s.issues().count == 1)
        #expect(try s.issues().map(\.state) == ["closed"])
        #expect(try !s.mutations().contains { $0.method == "PATCH" && $0.body.contains("\"open\"") })

        // A new alert later (another tag drifts): a new issue, the closed one stays closed.
        try s.demo.publish("2", arm64Extra: "etc/tampered-again")
        let fresh = try await s.watch()
        #expect(fresh.exitCode == 1)
        #expect(try s.issues().map(\.state) == ["closed", "open"])
    }

    /// `--open-issues` without a token stops before anything is fetched: no mirror, no state.
    @Test func noTokenStopsBeforeAnyFetch() async throws {
        let s = try await offPool { try Setup() }
        var anonymous = s.settings
        anonymous.token = nil
        await #expect(throws: UsageError.self) { _ = try await s.watch(anonymous) }
        do { _ = try await s.watch(anonymous) } catch { #expect("\(error)".contains("GITHUB_TOKEN")) }
        #expect(!FileManager.default.fileExists(atPath: s.demo.world.statePath))
        #expect(!FileManager.default.fileExists(atPath: s.demo.world.dir.appending("cache").path))
        #expect(try s.github.requests().isEmpty)
    }

    /// GitHub down after the check: exit 2, the alert recorded and not yet in an issue; the next
    /// run opens the issue, once.
    @Test func anAlertNotSyncedIsSyncedByTheNextRun() async throws {
        let s = try await offPool { try Setup() }
        _ = try await s.watch()
        try s.demo.publish("1.0", amd64Extra: "etc/tampered")
        var down = s.settings
        down.apiURL = "http://127.0.0.1:9"  // discard port: nothing listens
        let failed = try await s.watch(down)
        #expect(failed.exitCode == 2)
        #expect(failed.output.contains("digest-drift"))
        let pending = try #require(try s.demo.state().images["demo"]?.alerts.first)
        #expect(pending.issue == nil)
        #expect(try s.issues().isEmpty)

        let synced = try await s.watch()
        #expect(synced.exitCode == 1)
        #expect(try s.issues().count == 1)
        #expect(try s.demo.state().images["demo"]?.alerts.first?.issue == 1)
        #expect(try s.demo.state().images["demo"]?.alerts.first?.firstSeen == pending.firstSeen)
    }

    /// `trackbot issues sync` works from the state alone (what the sharded workflow's merge job
    /// runs): no registry, no git; a missing state file is an error, never an empty state.
    @Test func issuesSyncFromTheStateAndReports() async throws {
        let s = try await offPool { try Setup() }
        _ = try await CheckCommand.run(.init(references: ["demo"]), options: s.demo.world.options())
        try s.demo.publish("1.0", amd64Extra: "etc/tampered")
        let report = s.demo.world.dir.appending("report.json").path
        let check = try await CheckCommand.run(
            .init(references: ["demo"], outputs: [.init(format: .json, path: report)]),
            options: s.demo.world.options())
        #expect(check.exitCode == 1)
        // The registry and git daemon are no longer needed.
        s.demo.world.registry.stop()
        s.demo.world.daemon.server.stop()
        let sync = try await IssuesSyncCommand.run(
            .init(reports: [report], github: s.settings), options: s.demo.world.options())
        #expect(sync.exitCode == 1, "\(sync.output) \(sync.diagnostics)")
        #expect(sync.output.contains("1 open alert"))
        #expect(try s.issues().count == 1)
        let again = try await IssuesSyncCommand.run(
            .init(reports: [report], github: s.settings), options: s.demo.world.options())
        #expect(again.exitCode == 1)
        #expect(try s.issues().count == 1)

        var missing = s.demo.world.options()
        missing.statePath = s.demo.world.dir.appending("no-such-state.json").path
        await #expect(throws: UsageError.self) {
            _ = try await IssuesSyncCommand.run(.init(reports: [], github: s.settings), options: missing)
        }
        #expect(try s.issues().map(\.state) == ["open"])
    }
}
