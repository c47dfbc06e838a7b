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

        public init(references: [String], library: String? = nil, shard: Shard? = nil, openIssues: Bool = false,
                    githubRepository: String? = nil, github: GitHubSettings? = nil) {
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
        let targets = try targets(request, config: config, options: options)
        let store = StateStore(path: options.statePath ?? config.statePath)
        // A corrupt or newer state file stops the run before anything is fetched or written.
        let recorded = try store.load()

        let sources = GitSources(options: options, configuration: config)
        let library = LibrarySource.make(source: request.library ?? config.librarySource,
                                         ref: options.libraryRef ?? config.libraryRef, sources: sources)
        var registry: PublishedDigests?
        if !options.offline {
            var rc = try registryConfiguration ?? RegistryConfiguration(credentials: CredentialStore.fromEnvironment())
            for rule in config.rewrites + options.rewrites { rc.rewriter.add(rule) }
            rc.maxConcurrentPerHost = config.registry.concurrency
            rc.rateLimitFloor = config.registry.rateLimitFloor
            registry = PublishedDigests(client: RegistryClient(configuration: rc), host: config.registry.host)
        }
        let now = ISO8601DateFormatter().string(from: Date())
        var pipeline = CheckPipeline(library: library, verification: SourceVerification(sources: sources),
                                     registry: registry, now: now)
        if options.deep {
            pipeline.deep = DeepInspection(registry: registry, rewriter: URLRewriter(rules: config.rewrites + options.rewrites),
                                           sources: sources)
        }

        var reports: [ImageReport] = []
        var newStates: [String: ImageState] = [:]
        var commit: String?
        do {
            commit = try await library.resolveCommit()
        } catch {
            reports = targets.map { ImageReport(name: $0.image, error: "official-images: \(error)") }
        }
        if reports.isEmpty {
            for (i, target) in targets.enumerated() {
                progress(options, "checking \(target.image) (\(i + 1)/\(targets.count))")
                let (report, state) = await pipeline.check(target, previous: recorded.images[target.image], libraryCommit: commit)
                reports.append(report)
                if let state { newStates[target.image] = state }
            }
            progress(options, nil)
        }

        let report = CheckReport(images: reports)
        var diagnostics: [String] = []
        if !options.dryRun, !newStates.isEmpty {
            try store.withLock {
                var state = try store.load()
                for (name, image) in newStates { state.images[name] = image }
                try store.save(state)
            }
        } else if options.dryRun {
            diagnostics.append("dry run: state not written")
        }
        let color = options.format == .text && isatty(FileHandle.standardOutput.fileDescriptor) != 0
            && ProcessInfo.processInfo.environment["NO_COLOR"].map(\.isEmpty) ?? true
        var output = try CheckReportRenderer.render(report, format: options.format, color: color)
        if options.verbosity < 0 && options.format == .text {
            output = report.findings.isEmpty ? "" : output
        }
        var exitCode = report.exitCode
        if request.openIssues {
            let (lines, failed) = await CheckIssues.sync(report, request: request, config: config, options: options)
            diagnostics += lines
            if failed { exitCode = 2 }
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
