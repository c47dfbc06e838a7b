import Foundation
import GitHub
import Registry
import Reporting
import TrackbotCore
import Tracking

/// `trackbot check IMAGE[:TAG]...` and `trackbot watch`: trace, verify, compare, report, record.
public enum CheckCommand {
    public struct Request: Sendable {
        /// `IMAGE[:TAG]` references; empty means every image of the configuration (`watch`).
        public var references: [String]
        /// Overrides the configured official-images source (a git URL or a folder).
        public var library: String?
        /// Only the watched images of this shard (`watch --shard I/N`).
        public var shard: Shard?

        /// `watch --open-issues`: sync one GitHub issue per alert group after the report is built.
        public var openIssues = false
        /// `--github-repo OWNER/NAME`, over the config's `github.repository`.
        public var githubRepository: String?
        /// GitHub API settings; nil reads `GITHUB_TOKEN` and `GITHUB_API_URL`.
        public var github: GitHubSettings?
        /// `--output FORMAT=FILE`: the same report written in more formats, in the same pass.
        public var outputs: [ReportDestination] = []
        /// `watch`: beat the `[watch]` heartbeat (file, URL) after the run.
        public var heartbeat = false

        public init(
            references: [String], library: String? = nil, shard: Shard? = nil, openIssues: Bool = false,
            githubRepository: String? = nil, github: GitHubSettings? = nil, outputs: [ReportDestination] = [],
            heartbeat: Bool = false
        ) {
            self.heartbeat = heartbeat
            self.outputs = outputs
            self.references = references
            self.library = library
            self.shard = shard
            self.openIssues = openIssues
            self.githubRepository = githubRepository
            self.github = github
        }
    }

    public static func run(
        _ request: Request, options: GlobalOptions,
        registryConfiguration: RegistryConfiguration? = nil
    ) async throws -> CommandResult {
        let context = try RunContext.load(options)
        let config = context.configuration
        try context.refuseNetworkWhenOffline(openIssues: request.openIssues)
        // GitHub settings are checked before any work: a missing token must not cost a run whose
        // alerts then reach no issue.
        let issues =
            try request.openIssues
            ? CheckIssues.prepare(
                repository: request.githubRepository, settings: request.github, config: config, dryRun: options.dryRun)
            : nil
        let environment = options.resolvedEnvironment
        let webhooks = try CheckNotifications.prepare(config, environment: environment)
        let heartbeat = try request.heartbeat ? Heartbeat.prepare(config, environment: environment) : nil
        let targets = try targets(request, context: context)
        let store = context.state
        // A corrupt or newer state file stops the run before anything is fetched or written.
        var recorded = try store.load()
        var diagnostics: [String] = []
        if let issues { diagnostics += await CheckIssues.applyClosedIssues(issues, to: &recorded) }

        let now = Date()
        let pipeline = try CheckPipeline.make(
            context, library: request.library, registryConfiguration: registryConfiguration, now: now)
        let log = Log.handler(options)
        let run = await Log.stage(log, "check: traced, verified and compared \(targets.count) image(s)") {
            await pipeline.run(targets, recorded: recorded) { Progress.status($0, verbosity: options.verbosity) }
        }
        var report = run.report
        report.mirrors = context.mirrorAges()
        var exitCode = report.exitCode

        let recording = await Log.stage(log, "check: state write \(store.path)") {
            await StateRecording.record(run.states, in: store, dryRun: options.dryRun)
        }
        switch recording {
        case .written, .nothing: break
        case .dryRun: diagnostics.append("dry run: state not written")
        case .failed(let message):
            diagnostics.append(message)
            exitCode = 2
        }
        let rendered = try ReportOutputs.render(
            report, options: options, destinations: request.outputs, allWell: exitCode == 0)
        diagnostics += rendered.diagnostics
        if rendered.failed { exitCode = 2 }

        // The images checked in full: their alerts are the ones issues and webhooks may close.
        let checked = Set(report.images.filter { $0.error == nil }.map(\.name))
        switch (issues, recording) {
        case (nil, _): break
        case (let issues?, .written), (let issues?, .dryRun):
            let alerts = report.images.flatMap(\.alerts)
            let (lines, failed) = await Log.stage(log, "check: GitHub issue sync") {
                await CheckIssues.sync(
                    issues, alerts: alerts, images: checked, mutes: config.mutes,
                    store: store, now: now)
            }
            diagnostics += lines
            if failed { exitCode = 2 }
        case (.some, .nothing), (.some, .failed):
            diagnostics.append("GitHub issues: not synced because the state was not written; the next run syncs them")
        }

        switch recording {
        case _ where webhooks.isEmpty: break
        case .written, .dryRun:
            // As recorded after the issue sync (issue numbers, what each webhook was sent before).
            let alerts =
                options.dryRun
                ? report.images.flatMap(\.alerts)
                : ((try? store.load())?.images.values.flatMap(\.alerts) ?? report.images.flatMap(\.alerts))
            let (lines, failed) = await CheckNotifications.send(
                webhooks, alerts: alerts, images: checked, mutes: config.mutes, store: store, now: now,
                dryRun: options.dryRun)
            diagnostics += lines
            if failed { exitCode = 2 }
        case .nothing: break
        case .failed:
            diagnostics.append("notify: nothing sent because the state was not written; the next run sends the alerts")
        }
        if let heartbeat { diagnostics += await heartbeat.beat(exitCode: exitCode) }
        return CommandResult(
            output: rendered.output, exitCode: exitCode, diagnostics: context.mirrorAgeNotes() + diagnostics)
    }

    static func targets(_ request: Request, context: RunContext) throws -> [CheckPipeline.Target] {
        let config = context.configuration
        let arches = context.architectures
        if request.references.isEmpty {
            guard !config.images.isEmpty else {
                throw UsageError("the configuration watches no images ([[images]] tables)")
            }
            let images =
                request.shard.map { shard in config.images.filter { shard.contains($0.name) } } ?? config.images
            return images.map {
                CheckPipeline.Target(image: $0.name, tags: $0.tags, architectures: arches ?? $0.architectures)
            }
        }
        var byImage: [(String, [String]?)] = []
        for ref in request.references {
            let (image, tag) = try ImageArgument.split(ref)
            if let i = byImage.firstIndex(where: { $0.0 == image }) {
                if let tag, byImage[i].1 != nil { byImage[i].1!.append(tag) } else { byImage[i].1 = nil }
            } else {
                byImage.append((image, tag.map { [$0] }))
            }
        }
        return byImage.map { image, tags in
            let configured = config.images.first { $0.name == image }
            return CheckPipeline.Target(
                image: image, tags: tags ?? configured?.tags,
                architectures: arches ?? configured?.architectures)
        }
    }
}

/// `--output FORMAT=FILE`: one more rendering of the run's report, written to a file.
public struct ReportDestination: Sendable, Equatable {
    /// The `--format` outputs, and SARIF, which only a file gets (code-scanning tools read it).
    public enum Format: String, CaseIterable, Sendable {
        case text, json, markdown, sarif
    }

    public var format: Format
    public var path: String

    public init(format: Format, path: String) {
        self.format = format
        self.path = path
    }

    /// `json=report.json`, `sarif=trackbot.sarif`.
    public static func parse(_ text: String) throws -> ReportDestination {
        let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
        guard parts.count == 2, !parts[1].isEmpty, let format = Format(rawValue: parts[0]) else {
            throw UsageError(
                "--output \"\(text)\" is not FORMAT=FILE with FORMAT one of \(Format.allCases.map(\.rawValue).joined(separator: ", ")) (e.g. json=report.json)"
            )
        }
        return ReportDestination(format: format, path: parts[1])
    }

    /// The report in this destination's format.
    func render(_ report: CheckReport) throws -> String {
        switch format {
        case .sarif: return try SARIFReport.render(report)
        case .text: return try CheckReportRenderer.render(report, format: .text)
        case .json: return try CheckReportRenderer.render(report, format: .json)
        case .markdown: return try CheckReportRenderer.render(report, format: .markdown)
        }
    }

    /// Written whole or not at all (a temporary file renamed into place).
    func write(_ text: String) throws {
        let url = URL(fileURLWithPath: path)
        try? FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url, options: .atomic)
    }
}
