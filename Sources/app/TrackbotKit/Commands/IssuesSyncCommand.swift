import Foundation
import GitHub
import Reporting
import TrackbotCore
import Tracking

/// `trackbot issues sync [REPORT.json...]`: GitHub issues from the open alerts of a state file,
/// without checking anything (the sharded workflow's merge job). With reports (`--output
/// json=…` of the shards), only images those runs checked are touched: a shard that failed leaves
/// its images' issues as they are. Exit status 1 while any alert of the state is open.
public enum IssuesSyncCommand {
    public struct Request: Sendable {
        public var reports: [String]
        public var githubRepository: String?
        public var github: GitHubSettings?

        public init(reports: [String], githubRepository: String? = nil, github: GitHubSettings? = nil) {
            self.reports = reports
            self.githubRepository = githubRepository
            self.github = github
        }
    }

    /// The part of a JSON report this needs: which images were checked.
    struct ReportImages: Decodable {
        struct Image: Decodable {
            var name: String
            var error: String?
        }
        var images: [Image]
    }

    public static func run(_ request: Request, options: GlobalOptions, now: Date = Date()) async throws -> CommandResult
    {
        let context = try RunContext.load(options)
        let config = context.configuration
        let setup = try CheckIssues.prepare(
            repository: request.githubRepository, settings: request.github, config: config,
            dryRun: options.dryRun)
        let store = context.state
        // A missing state is an error, not an empty one: syncing from nothing would close every issue.
        guard FileManager.default.fileExists(atPath: store.path) else {
            throw UsageError("issues sync: state file \(store.path) does not exist (pass --state FILE)")
        }
        let state = try store.load()
        var images = Set(state.images.keys)
        if !request.reports.isEmpty {
            images = []
            for path in request.reports {
                guard let data = FileManager.default.contents(atPath: path) else {
                    throw UsageError("issues sync: cannot read report \(path)")
                }
                let report: ReportImages
                do { report = try JSONDecoder().decode(ReportImages.self, from: data) } catch {
                    throw UsageError(
                        "issues sync: \(path) is not a trackbot JSON report (--output json=FILE): \(error)")
                }
                images.formUnion(report.images.filter { $0.error == nil }.map(\.name))
            }
        }
        let alerts = state.images.values.flatMap(\.alerts)
        let (lines, failed) = await CheckIssues.sync(
            setup, alerts: alerts, images: images, mutes: config.mutes, store: store, now: now)
        let after = options.dryRun ? state : ((try? store.load()) ?? state)
        let open = after.images.values.flatMap(\.alerts).filter {
            AlertLedger.status(of: $0, mutes: config.mutes, now: now) == .open
        }
        var output = ""
        for a in open.sorted(by: { $0.id < $1.id }) {
            output += "open: \(a.label): \(a.message) (since \(a.firstSeen)\(a.issue.map { ", issue #\($0)" } ?? ""))\n"
        }
        output += "\(open.count) open alert\(open.count == 1 ? "" : "s") in \(store.path)\n"
        return CommandResult(output: output, exitCode: failed ? 2 : open.isEmpty ? 0 : 1, diagnostics: lines)
    }
}
