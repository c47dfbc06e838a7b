import Foundation
import GitMirror
import OfficialImages
import Reporting
import TrackbotCore
import Tracking

/// `trackbot upstream [IMAGE...]`: per image, the upstream tags (listed without cloning) newer than
/// the newest one the library references, as `upstream-ahead` findings.
public enum UpstreamCommand {
    public struct Request: Sendable {
        /// Image names; empty means every configured image with an `[images.upstream]` table.
        public var images: [String]
        /// Overrides the configured official-images source (a git URL or a folder).
        public var library: String?

        public init(images: [String] = [], library: String? = nil) {
            self.images = images
            self.library = library
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
                if let newest = referenced.last {
                    result.newerTags = tags.newer(than: newest)
                    if let latest = result.newerTags.first {
                        findings.append(
                            Finding(
                                kind: .upstreamAhead, severity: .info, image: image.name,
                                message:
                                    "\(result.newerTags.count) upstream tag(s) of \(result.repository) newer than the newest the library references: \(result.newerTags.joined(separator: ", "))",
                                expected: newest, actual: latest))
                    }
                } else {
                    result.error =
                        "library/\(image.name) references no tag of \(result.repository)"
                        + (upstream.tagPattern.map { " matching \($0)" } ?? "")
                        + " (by GitFetch refs/tags/… or by commit)"
                }
            } catch {
                result.error = "\(error)"
            }
            images.append(result)
        }
        return UpstreamReport(libraryCommit: commit ?? "", images: images, findings: findings)
    }
}
