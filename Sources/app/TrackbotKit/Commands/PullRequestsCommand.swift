import Foundation
import GitHub
import GitMirror
import Lint
import Reporting
import TrackbotCore

/// `trackbot prs [IMAGE...]`: open pull requests of official-images, each as the library diff of
/// the watched images against its merge base, with the upstream log of every changed commit.
public enum PullRequestsCommand {
    public struct Request: Sendable {
        /// Image names; empty means the configured watch list.
        public var images: [String]
        /// `--pr N`: look at these pull requests whatever their state, instead of listing open ones.
        public var numbers: [Int]
        /// Overrides the configured official-images source (a git URL).
        public var library: String?
        /// Read the upstream log of changed commits (fetches each upstream's GitFetch ref).
        public var upstreamLogs: Bool
        /// Run official-images' CI rules (`trackbot lint --pr N`) on each pull request shown.
        public var lint: Bool

        public init(
            images: [String] = [], numbers: [Int] = [], library: String? = nil, upstreamLogs: Bool = true,
            lint: Bool = true
        ) {
            self.images = images
            self.numbers = numbers
            self.library = library
            self.upstreamLogs = upstreamLogs
            self.lint = lint
        }
    }

    /// `source`: where open pull requests come from; nil means the approximate `RemoteMergeRefs`
    /// (the seam for a GitHub-API source). Ignored when `--pr` numbers are given.
    public static func run(
        _ request: Request, options: GlobalOptions,
        source: (any OpenPullRequestSource)? = nil
    ) async throws -> CommandResult {
        let report = try await report(request, options: options, source: source)
        let output = try PullRequestsRenderer.render(report, format: options.format)
        return CommandResult(output: output, exitCode: report.errors.isEmpty ? 0 : 2)
    }

    /// The report as a value (for tests and other callers).
    public static func report(
        _ request: Request, options: GlobalOptions,
        source: (any OpenPullRequestSource)? = nil
    ) async throws -> PullRequestsReport {
        let context = try RunContext.load(options)
        let config = context.configuration
        let images = try imageNames(request.images, config: config)
        if let bad = request.numbers.first(where: { $0 <= 0 }) {
            throw UsageError("--pr \(bad): a pull request number is positive")
        }
        if options.offline && request.numbers.isEmpty && source == nil {
            throw UsageError(
                "--offline cannot list open pull requests (that asks GitHub or the git server): name them with --pr N")
        }
        let sources = context.sources
        let url = request.library ?? config.librarySource
        let library = LibrarySource.git(cache: sources.cache, url: url, ref: context.libraryRef)
        guard let commit = try await library.resolveCommit() else { throw UsageError("no official-images commit") }
        // The API is the truth when a token is there; without one, the merge refs approximate it.
        let github = GitHubSettings.fromEnvironment(ProcessInfo.processInfo.environment)
        let fallback: any OpenPullRequestSource =
            github.token != nil
            ? GitHubPullRequests(settings: github, repository: GitHubPullRequests.repository(of: url))
            : RemoteMergeRefs(cache: sources.cache, url: url)
        let chosen: any OpenPullRequestSource =
            request.numbers.isEmpty
            ? (source ?? fallback) : GivenPullRequests(numbers: request.numbers)
        let numbers = try await chosen.openPullRequests()
        var diffs = PullRequestDiffs(cache: sources.cache, url: url, images: images)
        diffs.upstreamLogs = request.upstreamLogs
        var (prs, errors) = try await diffs.diff(numbers, libraryCommit: commit)
        if request.lint {
            // The CI verdict beside the diff; a lint that cannot run is said, and never fails `prs`.
            let gathering = LintGathering(
                cache: sources.cache, mirror: try sources.cache.mirror(url, isUserOwned: true),
                registry: !options.asksRegistry ? nil : try context.registryClient(for: "prs"))
            for i in prs.indices {
                do {
                    let images = prs[i].images.map(\.image)
                    let facts = try await gathering.facts(images: images, at: prs[i].head, base: prs[i].mergeBase)
                    prs[i].lint = Lint.check(images, facts: facts)
                } catch {
                    prs[i].lintError = "\(error)"
                }
            }
        }
        return PullRequestsReport(
            source: chosen.name, approximate: chosen.isApproximate, libraryCommit: commit,
            examined: numbers.count, pullRequests: prs, errors: errors)
    }

    /// Named images (checked) or the configured watch list.
    static func imageNames(_ names: [String], config: Configuration) throws -> [String] {
        if names.isEmpty {
            guard !config.images.isEmpty else {
                throw UsageError("the configuration watches no images ([[images]] tables)")
            }
            return config.images.map(\.name)
        }
        return try names.map { name in
            let (image, tag) = try ImageArgument.split(name)
            if tag != nil { throw UsageError("\"\(name)\": give image names without a tag") }
            return image
        }
    }
}
