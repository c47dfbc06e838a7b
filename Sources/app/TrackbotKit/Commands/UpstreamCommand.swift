import Foundation
import GitMirror
import OfficialImages
import Reporting
import TrackbotCore
import Tracking

/// `trackbot upstream [IMAGE...]`: per image and release line the library references, the upstream
/// tags (listed without cloning) newer than the one it references, and the lines newer than any it
/// references, as `upstream-ahead` findings; pre-releases only with `--pre`.
public enum UpstreamCommand {
    public struct Request: Sendable {
        /// Image names; empty means every configured image with an `[images.upstream]` table.
        public var images: [String]
        /// Overrides the configured official-images source (a git URL or a folder).
        public var library: String?
        /// Whether pre-release tags (`-rc1`, `a1`, `_BETA1`) count as newer (`--pre`).
        public var preReleases: Bool

        public init(images: [String] = [], library: String? = nil, preReleases: Bool = false) {
            self.images = images
            self.library = library
            self.preReleases = preReleases
        }
    }

    public static func run(_ request: Request, options: GlobalOptions) async throws -> CommandResult {
        let report = try await report(request, options: options)
        let output = try UpstreamRenderer.render(report, format: options.format)
        return CommandResult(output: output, exitCode: report.images.contains { $0.error != nil } ? 2 : 0)
    }

    /// The report as a value (for tests and other callers).
    public static func report(_ request: Request, options: GlobalOptions) async throws -> UpstreamReport {
        let context = try RunContext.load(options)
        let config = context.configuration
        let watched: [Configuration.WatchedImage]
        if request.images.isEmpty {
            watched = config.images.filter { $0.upstream != nil }
            guard !watched.isEmpty else {
                throw UsageError("no configured image has an [images.upstream] table (repository, tag-pattern)")
            }
        } else {
            watched = try request.images.map { name in
                let image = try PullRequestsCommand.imageNames([name], config: config)[0]
                guard let found = config.images.first(where: { $0.name == image }), found.upstream != nil else {
                    throw UsageError(
                        "\(image) has no [images.upstream] table in the configuration (repository, tag-pattern)")
                }
                return found
            }
        }
        let sources = context.sources
        let library = context.library(request.library)
        let commit = try await library.resolveCommit()
        var images: [UpstreamReport.Image] = []
        var findings: [Finding] = []
        for image in watched {
            let upstream = image.upstream!
            var result = UpstreamReport.Image(
                name: image.name, repository: Redaction.stripCredentials(upstream.repository),
                tagPattern: upstream.tagPattern)
            do {
                let file = try await library.file(image.name, at: commit)
                let refs = try await sources.cache.remoteRefs(upstream.repository, isUserOwned: true)
                let tags = try UpstreamTags(
                    refs: refs.map { ($0.name, ($0.peeled ?? $0.id).hex) }, pattern: upstream.tagPattern)
                let referenced = tags.referenced(by: file)
                result.referencedTags = referenced
                result.lineDepth = upstream.lineDepth
                result.preReleases = request.preReleases
                if let newest = referenced.last {
                    let lines = ReleaseLines(
                        tags: tags.commits.keys, referenced: referenced, depth: upstream.lineDepth,
                        preReleases: request.preReleases)
                    result.lines = lines.referenced
                    result.newLines = lines.new
                    result.skippedPreReleases = lines.skippedPreReleases
                    result.newerTags = tags.newer(than: newest).filter {
                        request.preReleases || !(TagVersion($0)?.isPreRelease ?? false)
                    }
                    findings += Self.findings(
                        image: image.name, repository: result.repository, lines: lines, newest: newest)
                } else {
                    result.error =
                        "library/\(image.name) references no tag of \(result.repository)"
                        + (upstream.tagPattern.map { " matching \($0)" } ?? "")
                        + " (by GitFetch refs/tags/…, by commit, or by an entry's version tag)"
                }
            } catch {
                result.error = "\(error)"
            }
            images.append(result)
        }
        return UpstreamReport(libraryCommit: commit ?? "", images: images, findings: findings)
    }

    /// One `upstream-ahead` finding per new line (expected: the newest referenced tag), then one per
    /// referenced line that is behind (expected: the tag it references), newest first.
    static func findings(image: String, repository: String, lines: ReleaseLines, newest: String) -> [Finding] {
        let new = lines.new.map { line in
            Finding(
                kind: .upstreamAhead, severity: .info, image: image,
                message:
                    "new release line \(line.name) in \(repository): \(line.newer.joined(separator: ", ")) (the newest tag the library references is \(newest))",
                expected: newest, actual: line.newer[0])
        }
        let behind = lines.referenced.filter { !$0.newer.isEmpty }.map { line in
            Finding(
                kind: .upstreamAhead, severity: .info, image: image,
                message:
                    "release line \(line.name) of \(repository): \(line.newer.count) tag(s) newer than \(line.referenced ?? "") that the library references: \(line.newer.joined(separator: ", "))",
                expected: line.referenced, actual: line.newer[0])
        }
        return new + behind
    }
}
