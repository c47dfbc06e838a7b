import Foundation
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

        public init(references: [String], library: String? = nil, shard: Shard? = nil, openIssues: Bool = false,
                    githubRepository: String? = nil, github: GitHubSettings? = nil, outputs: [ReportDestination] = []) {
            self.outputs = outputs
            self.references = references
            self.library = library
            self.shard = shard
            self.openIssues = openIssues
            self.githubRepository = githubRepository
            self.github = github
        }
    }

    public static func run(_ request: Request, options: GlobalOptions,
                           registryConfiguration: RegistryConfiguration? = nil) async throws -> CommandResult {
        let config = try ConfigurationLoader.load(explicitPath: options.configPath)
        // GitHub settings are checked before any work: a missing token must not cost a run whose
        // alerts then reach no issue.
        let issues = try request.openIssues
            ? CheckIssues.prepare(repository: request.githubRepository, settings: request.github, config: config, dryRun: options.dryRun)
            : nil
        let targets = try targets(request, config: config, options: options)
        let store = StateStore(path: options.statePath ?? config.statePath)
        // A corrupt or newer state file stops the run before anything is fetched or written.
        var recorded = try store.load()
        var diagnostics: [String] = []
        if let issues { diagnostics += await CheckIssues.applyClosedIssues(issues, to: &recorded) }

        let sources = GitSources(options: options, configuration: config)
        let library = LibrarySource.make(source: request.library ?? config.librarySource,
                                         ref: options.libraryRef ?? config.libraryRef, sources: sources)
        var registry: PublishedDigests?
        if !options.offline {
            let rc = try registryConfiguration.map { RegistrySetup.applying(config, options: options, to: $0) }
                ?? RegistrySetup.configuration(config, options: options)
            registry = PublishedDigests(client: RegistryClient(configuration: rc), host: config.registry.host)
        }
        let now = Date()
        var pipeline = CheckPipeline(library: library, verification: SourceVerification(sources: sources),
                                     registry: registry, now: now)
        pipeline.mutes = config.mutes
        if options.deep {
            pipeline.deep = DeepInspection(registry: registry, rewriter: URLRewriter(rules: config.rewrites + options.rewrites),
                                           sources: sources, maxDownload: config.deep.maxDownloadBytes)
        }

        var reports: [ImageReport] = []
        var newStates: [String: ImageState] = [:]
        var commit: String?
        var libraryError: String?
        do {
            commit = try await library.resolveCommit()
        } catch {
            libraryError = "official-images: \(error)"
        }
        for (i, target) in targets.enumerated() {
            progress(options, "checking \(target.image) (\(i + 1)/\(targets.count))")
            let previous = recorded.images[target.image]
            if let libraryError {
                // Nothing could be checked: the recorded alerts are still reported, and kept.
                let (report, state) = await pipeline.unchecked(target, previous: previous, error: libraryError)
                reports.append(report)
                if let state { newStates[target.image] = state }
                continue
            }
            let (report, state) = await pipeline.check(target, previous: previous, libraryCommit: commit)
            reports.append(report)
            if let state { newStates[target.image] = state }
        }
        progress(options, nil)

        let report = CheckReport(images: reports)
        var exitCode = report.exitCode
        var stateWritten = false
        if !options.dryRun, !newStates.isEmpty {
            // A state that cannot be written never hides the report: it is printed in full below.
            do {
                try await store.withLock {
                    var state = try store.load()
                    for (name, image) in newStates { state.images[name] = image }
                    try store.save(state)
                }
                stateWritten = true
            } catch {
                diagnostics.append("error: the state was not written (\(error)); this report is complete, and the next run compares with the state as it was")
                exitCode = 2
            }
        } else if options.dryRun {
            diagnostics.append("dry run: state not written")
        }
        let color = options.format == .text && isatty(FileHandle.standardOutput.fileDescriptor) != 0
            && ProcessInfo.processInfo.environment["NO_COLOR"].map(\.isEmpty) ?? true
        var output = try CheckReportRenderer.render(report, format: options.format, color: color)
        // -q: nothing when all is well; an alert, a warning or an error is never hidden.
        if options.verbosity < 0 && options.format == .text && report.findings.isEmpty && exitCode == 0 {
            output = ""
        }
        for destination in request.outputs {
            do {
                try destination.write(try CheckReportRenderer.render(report, format: destination.format))
            } catch {
                diagnostics.append("error: could not write the \(destination.format.rawValue) report to \(destination.path): \(error)")
                exitCode = 2
            }
        }
        if let issues, stateWritten || options.dryRun {
            let checked = Set(report.images.filter { $0.error == nil }.map(\.name))
            let alerts = report.images.flatMap(\.alerts)
            let (lines, failed) = await CheckIssues.sync(issues, alerts: alerts, images: checked, mutes: config.mutes,
                                                         store: store, now: now)
            diagnostics += lines
            if failed { exitCode = 2 }
        } else if issues != nil {
            diagnostics.append("GitHub issues: not synced because the state was not written; the next run syncs them")
        }
        return CommandResult(output: output, exitCode: exitCode, diagnostics: diagnostics)
    }

    static func targets(_ request: Request, config: Configuration, options: GlobalOptions) throws -> [CheckPipeline.Target] {
        let arches = options.architectures.isEmpty ? nil : options.architectures
        if request.references.isEmpty {
            guard !config.images.isEmpty else { throw UsageError("the configuration watches no images ([[images]] tables)") }
            let images = request.shard.map { shard in config.images.filter { shard.contains($0.name) } } ?? config.images
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
            return CheckPipeline.Target(image: image, tags: tags ?? configured?.tags,
                                        architectures: arches ?? configured?.architectures)
        }
    }

    private static func progress(_ options: GlobalOptions, _ line: String?) {
        guard options.verbosity >= 0, isatty(FileHandle.standardError.fileDescriptor) != 0 else { return }
        FileHandle.standardError.write(Data((line.map { "\r\($0)\u{1B}[K" } ?? "\r\u{1B}[K").utf8))
    }
}

/// `--output FORMAT=FILE`: one more rendering of the run's report, written to a file.
public struct ReportDestination: Sendable, Equatable {
    public var format: OutputFormat
    public var path: String

    public init(format: OutputFormat, path: String) {
        self.format = format
        self.path = path
    }

    /// `json=report.json`.
    public static func parse(_ text: String) throws -> ReportDestination {
        let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
        guard parts.count == 2, !parts[1].isEmpty, let format = OutputFormat(rawValue: parts[0]) else {
            throw UsageError("--output \"\(text)\" is not FORMAT=FILE with FORMAT one of \(OutputFormat.allCases.map(\.rawValue).joined(separator: ", ")) (e.g. json=report.json)")
        }
        return ReportDestination(format: format, path: parts[1])
    }

    /// Written whole or not at all (a temporary file renamed into place).
    func write(_ text: String) throws {
        let url = URL(fileURLWithPath: path)
        try? FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url, options: .atomic)
    }
}
