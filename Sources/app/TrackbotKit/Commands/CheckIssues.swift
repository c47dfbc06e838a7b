import Foundation
import Reporting
import TrackbotCore
import Tracking

/// `watch --open-issues`: the GitHub issue step after a check run (see docs/github-issues.md).
enum CheckIssues {
    /// Syncs issues with the report's alerts. Returns diagnostics lines, and whether GitHub failed
    /// (which makes the run exit 2; the report and state are unaffected).
    static func sync(_ report: CheckReport, request: CheckCommand.Request, config: Configuration,
                     options: GlobalOptions) async -> (lines: [String], failed: Bool) {
        guard let repository = request.githubRepository ?? config.github.repository else {
            return (["GitHub issues: no repository; set github.repository in the config or pass --github-repo OWNER/NAME"], true)
        }
        let settings = request.github ?? GitHubSettings.fromEnvironment(ProcessInfo.processInfo.environment)
        let sync = IssueSync(repository: repository, labels: config.github.labels,
                             closeResolved: config.github.closeResolved, dryRun: options.dryRun)
        let checked = Set(report.images.filter { $0.error == nil }.map(\.name))
        do {
            let result = try await sync.run(findings: report.findings, checkedImages: checked,
                                            client: GitHubClient(settings: settings))
            return (result.lines.map { "GitHub: \($0)" }, false)
        } catch {
            let text = settings.token.map { Redaction.scrub("\(error)", secrets: [$0]) } ?? "\(error)"
            return (["GitHub issues: \(text)"], true)
        }
    }
}
