import Foundation
import GitHub
import Reporting
import TrackbotCore
import Tracking

/// The GitHub issue step of `watch --open-issues` and `trackbot issues sync` (see
/// docs/github-issues.md): issues follow the open alerts recorded in the state, and what GitHub
/// says back (issue numbers, issues closed by a person) is recorded there too.
enum CheckIssues {
    /// Where issues go, checked before any other work so that a missing token or repository
    /// stops the run before anything is fetched.
    struct Setup: Sendable {
        var repository: String
        var settings: GitHubSettings
        var labels: [String]
        var closeResolved: Bool
        var dryRun: Bool
    }

    static func prepare(repository: String?, settings: GitHubSettings?, config: Configuration, dryRun: Bool) throws
        -> Setup
    {
        guard let repository = repository ?? config.github.repository else {
            throw UsageError(
                "GitHub issues: no repository; set github.repository in the config or pass --github-repo OWNER/NAME")
        }
        let parts = repository.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
            throw UsageError("GitHub issues: repository \"\(repository)\" is not OWNER/NAME")
        }
        let settings = settings ?? GitHubSettings.fromEnvironment(ProcessInfo.processInfo.environment)
        if !dryRun && settings.token == nil {
            throw UsageError(
                "GitHub issues: GITHUB_TOKEN is not set (it needs issues: write on \(repository)); nothing was checked")
        }
        return Setup(
            repository: repository, settings: settings, labels: config.github.labels,
            closeResolved: config.github.closeResolved, dryRun: dryRun)
    }

    /// Before a check: alerts whose issue a person closed are acknowledged in `state`, so the run
    /// that learns of it already counts them as answered. A GitHub failure here is a diagnostic;
    /// the sync after the check tries again.
    static func applyClosedIssues(_ setup: Setup, to state: inout State) async -> [String] {
        let alerts = state.images.values.flatMap(\.alerts)
        guard alerts.contains(where: { $0.issue != nil && $0.acknowledgement == nil }) else { return [] }
        let sync = IssueSync(
            repository: setup.repository, labels: setup.labels, closeResolved: setup.closeResolved, dryRun: setup.dryRun
        )
        do {
            let acks = try await sync.closedByPeople(alerts, client: GitHubClient(settings: setup.settings))
            var lines: [String] = []
            for name in state.images.keys.sorted() {
                for (id, ack) in acks.sorted(by: { $0.key < $1.key }) {
                    for alert in state.acknowledge(image: name, ack, where: { $0.id == id }) {
                        lines.append("GitHub: \(ack.via) by \(ack.by): \(alert.label) recorded as acknowledged")
                    }
                }
            }
            return lines
        } catch {
            let text = setup.settings.token.map { Redaction.scrub("\(error)", secrets: [$0]) } ?? "\(error)"
            return [
                "GitHub issues: could not read closed issues before the check (\(text)); the sync after it tries again"
            ]
        }
    }

    /// Syncs issues with the open alerts of `images` and records the outcome in the state file
    /// (unless a dry run). Returns diagnostics lines, and whether GitHub or the state failed; then
    /// the alerts stay marked as not in an issue, and the next sync takes them up.
    static func sync(
        _ setup: Setup, alerts: [AlertRecord], images: Set<String>, mutes: [Mute], store: StateStore,
        now: Date
    ) async -> (lines: [String], failed: Bool) {
        let open = alerts.filter { AlertLedger.status(of: $0, mutes: mutes, now: now) == .open }
        let sync = IssueSync(
            repository: setup.repository, labels: setup.labels, closeResolved: setup.closeResolved,
            dryRun: setup.dryRun)
        let result: IssueSync.Result
        do {
            result = try await sync.run(
                alerts: open, checkedImages: images, client: GitHubClient(settings: setup.settings))
        } catch {
            let text = setup.settings.token.map { Redaction.scrub("\(error)", secrets: [$0]) } ?? "\(error)"
            return (
                [
                    "GitHub issues: \(text); the alerts stay recorded as not yet in an issue, and the next run syncs them"
                ], true
            )
        }
        var lines = result.lines.map { "GitHub: \($0)" }
        guard !setup.dryRun, !result.issues.isEmpty || !result.acknowledgements.isEmpty else { return (lines, false) }
        do {
            try await store.withLock {
                var state = try store.load()
                state.updateAlerts { alert in
                    if let number = result.issues[alert.id] { alert.issue = number }
                }
                for name in state.images.keys {
                    for (id, ack) in result.acknowledgements {
                        _ = state.acknowledge(image: name, ack) { $0.id == id }
                    }
                }
                try store.save(state)
            }
        } catch {
            lines.append(
                "GitHub issues: synced, but the state was not updated (\(error)); the next run finds the issues by their markers"
            )
            return (lines, true)
        }
        return (lines, false)
    }
}
