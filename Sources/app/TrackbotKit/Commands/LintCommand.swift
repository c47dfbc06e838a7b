import Foundation
import GitMirror
import Lint
import Registry
import Reporting
import TrackbotCore

/// `trackbot lint [IMAGE...] [--library-ref REF] [--pr N]`: official-images' CI rules
/// (naughty-from, naughty-constraints, naughty-sharedtags, the latest-tag check, naughty-commits
/// and commit-not-in-ref) over the library files at a ref, or at an open pull request's head.
public enum LintCommand {
    public struct Request: Sendable {
        /// Image names; empty means the library files the pull request changes (`--pr`), else the
        /// configured watch list.
        public var images: [String]
        /// `--pr N`: lint the pull request's head, reading naughty-commits from its merge base.
        public var pullRequest: Int?
        /// Overrides the configured official-images source (a git URL).
        public var library: String?

        public init(images: [String] = [], pullRequest: Int? = nil, library: String? = nil) {
            self.images = images
            self.pullRequest = pullRequest
            self.library = library
        }
    }

    /// Exit status 1 when a rule fails, 0 when clean (what was not checked is said, not failed).
    public static func run(_ request: Request, options: GlobalOptions) async throws -> CommandResult {
        let report = try await report(request, options: options)
        return CommandResult(
            output: try LintRenderer.render(report, format: options.format), exitCode: report.result.failed ? 1 : 0)
    }

    public static func report(_ request: Request, options: GlobalOptions) async throws -> LintReport {
        let context = try RunContext.load(options)
        let config = context.configuration
        let url = request.library ?? config.librarySource
        guard case .git(let cache, _, _) = context.library(request.library) else {
            throw UsageError(
                "lint reads official-images from git (its .external-pins and pull requests): \(url) is a folder")
        }
        if let n = request.pullRequest, n <= 0 { throw UsageError("--pr \(n): a pull request number is positive") }
        let library = LibrarySource.git(cache: cache, url: url, ref: context.libraryRef)
        guard let libraryCommit = try await library.resolveCommit() else {
            throw UsageError("no official-images commit")
        }
        let mirror = try cache.mirror(url, isUserOwned: true)
        var commit = libraryCommit
        var base: String?
        if let n = request.pullRequest {
            (commit, base) = try await pullRequest(n, cache: cache, url: url, libraryCommit: libraryCommit)
        }
        var images = try request.images.map { name in
            let (image, tag) = try ImageArgument.split(name)
            if tag != nil { throw UsageError("\"\(name)\": give image names without a tag") }
            return image
        }
        if images.isEmpty {
            if let base {
                images = try await changedImages(mirror, from: base, to: commit)
            } else {
                images = try PullRequestsCommand.imageNames([], config: config)
            }
        }
        let gathering = try LintGathering(
            cache: cache, mirror: mirror,
            registry: !options.asksRegistry ? nil : context.registryClient(for: "lint"))
        let facts = try await gathering.facts(images: images, at: commit, base: base)
        return LintReport(
            libraryCommit: commit, pullRequest: request.pullRequest, mergeBase: base,
            result: Lint.check(images, facts: facts))
    }

    /// Fetches `refs/pull/N/head` only; its head and its merge base with the library ref.
    static func pullRequest(_ n: Int, cache: MirrorCache, url: String, libraryCommit: String) async throws -> (
        head: String, base: String
    ) {
        let fetch = try await cache.fetchPullRequests([n], of: url, includeMergeRefs: false, isUserOwned: true)
        guard !fetch.missingRefs.contains("refs/pull/\(n)/head") else {
            throw UsageError("--pr \(n): \(Redaction.stripCredentials(url)) does not advertise refs/pull/\(n)/head")
        }
        let mirror = try cache.mirror(url, isUserOwned: true)
        let head = try await mirror.resolve("refs/pull/\(n)/head")
        guard let base = try await mirror.mergeBase(head.hex, libraryCommit) else {
            throw UsageError("refs/pull/\(n)/head shares no history with \(libraryCommit.prefix(7))")
        }
        return (head.hex, base.hex)
    }

    /// naughty.sh's choice for a pull request: the library files added or changed from the merge
    /// base to the head (`git diff --diff-filter=d base...head -- library/`), by name.
    static func changedImages(_ mirror: Mirror, from base: String, to head: String) async throws -> [String] {
        let before = Dictionary(
            try await mirror.libraryFiles(at: base).map { ($0.name, $0.id) }, uniquingKeysWith: { a, _ in a })
        return try await mirror.libraryFiles(at: head).filter { before[$0.name] != $0.id }.map(\.name)
    }
}
