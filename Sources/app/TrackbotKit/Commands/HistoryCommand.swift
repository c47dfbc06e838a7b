import Foundation
import GitMirror
import OfficialImages
import Registry
import Reporting
import TrackbotCore
import Tracking
import Verification

/// `trackbot history IMAGE:TAG`: the published image config's history beside the Dockerfile at
/// the library's commit, per platform (`--arch`, default amd64); differences are
/// `history-mismatch` warnings.
public enum HistoryCommand {
    public struct Request: Sendable {
        /// `IMAGE:TAG`.
        public var reference: String
        /// Overrides the configured official-images source (a git URL or a folder).
        public var library: String?

        public init(reference: String, library: String? = nil) {
            self.reference = reference
            self.library = library
        }
    }

    public static func run(
        _ request: Request, options: GlobalOptions,
        registryConfiguration: RegistryConfiguration? = nil
    ) async throws -> CommandResult {
        let (image, tagArgument) = try ImageArgument.split(request.reference)
        guard let tag = tagArgument else {
            throw UsageError("history needs IMAGE:TAG (one tag, e.g. \(image):latest)")
        }
        let context = try RunContext.load(options)
        let config = context.configuration
        let sources = context.sources
        let library = context.library(request.library)
        // The image config comes from the registry: --offline is refused before anything is fetched.
        let client = try context.registryClient(for: "history", base: registryConfiguration)

        let commit = try await library.resolveCommit()
        let file = try await library.file(image, at: commit)
        let entries = file.entries(for: tag)
        guard !entries.isEmpty else {
            throw UsageError(
                "library/\(image) has no tag \"\(tag)\""
                    + (NearestNames.didYouMean(tag, among: file.allTags).map { " (\($0))" } ?? "")
                    + "; its tags are: \(file.allTags.joined(separator: ", "))")
        }
        let arches = context.architectures ?? [Architecture.amd64]
        let reference = try Registry.ImageReference(parsing: "\(config.registry.host)/library/\(image):\(tag)")

        var report = HistoryReport(image: image, tag: tag, libraryCommit: commit)
        var published: PublishedImage?
        do {
            published = try await client.resolve(reference)
        } catch {
            report.errors.append("registry: \(error)")
        }
        for arch in arches {
            guard let entry = entries.first(where: { $0.architectures.contains(arch) }) else {
                report.errors.append(
                    "library/\(image):\(tag) does not list \(arch.rawValue); it lists \(entries.flatMap(\.architectures).map(\.rawValue).joined(separator: ", "))"
                )
                continue
            }
            let source = entry.source(for: arch)
            let path = TreePath.join(source.directory == "." ? "" : source.directory, source.file)
            var platform = HistoryPlatform(
                arch: arch.rawValue, platform: arch.platform.description,
                digest: published?.platform(arch)?.digest.description,
                dockerfile: "\(Redaction.stripCredentials(source.gitRepo))#\(source.gitCommit):\(path)", rows: [])
            do {
                let dockerfile = try await dockerfile(source, path: path, sources: sources)
                if let published {
                    guard let pub = published.platform(arch) else {
                        throw UsageError("\(reference) publishes no \(arch.platform) manifest")
                    }
                    let at = reference.at(pub.digest)
                    guard let manifest = try await client.manifest(at).image else {
                        throw UsageError("\(at) is not an image manifest")
                    }
                    let imageConfig = try await client.config(for: manifest, in: at)
                    if let dockerfile {
                        platform.rows = HistoryAlignment.align(
                            history: imageConfig.history ?? [], dockerfile: dockerfile)
                    } else {
                        platform.rows = (imageConfig.history ?? []).map {
                            HistoryRow(
                                status: .inherited, createdBy: $0.createdBy,
                                history: HistoryAlignment.normalise(createdBy: $0.createdBy ?? ""),
                                emptyLayer: $0.emptyLayer)
                        }
                        platform.notes.append(.ociImportHasNoDockerfile)
                    }
                }
            } catch {
                report.errors.append("\(arch.rawValue): \(error)")
            }
            report.findings += findings(platform.rows, image: image, tag: tag, arch: arch, dockerfile: path)
            report.platforms.append(platform)
        }
        return CommandResult(
            output: try HistoryReportRenderer.render(report, format: options.format), exitCode: report.exitCode)
    }

    /// The Dockerfile at the entry's commit, read from the mirror; nil for oci-import.
    static func dockerfile(_ source: ArchitectureSource, path: String, sources: GitSources) async throws -> Dockerfile?
    {
        guard source.builder != "oci-import" else { return nil }
        guard let id = ObjectID(source.gitCommit) else {
            throw UsageError("GitCommit \"\(source.gitCommit)\" is not a commit id")
        }
        let check = try await sources.cache.ensureCommit(id, reachableFrom: source.gitFetch, of: source.gitRepo)
        guard check.status != .missing else {
            throw UsageError(
                "commit \(source.gitCommit) is not in \(Redaction.stripCredentials(source.gitRepo)) (fetched \(source.gitFetch))"
            )
        }
        let bytes = try await sources.cache.mirror(source.gitRepo).blob(path, at: source.gitCommit)
        return try Dockerfile.parse([UInt8](bytes), path: path, resolvingArchitecturePins: false)
    }

    /// One `history-mismatch` warning per differing row.
    static func findings(_ rows: [HistoryRow], image: String, tag: String, arch: Architecture, dockerfile: String)
        -> [Finding]
    {
        rows.filter(\.status.isMismatch).map { r in
            let message: String
            switch r.status {
            case .differs:
                message =
                    "\(dockerfile):\(r.line ?? 0): the image's history records another \(r.instruction?.prefix { $0 != " " } ?? "instruction") here"
            case .onlyInDockerfile:
                message = "\(dockerfile):\(r.line ?? 0): the image's history does not record this instruction"
            default: message = "the image's history has an entry no instruction of \(dockerfile) explains"
            }
            return Finding(
                kind: .historyMismatch, severity: .warn, image: image, tag: tag, arch: arch.rawValue,
                message: message, expected: r.instruction, actual: r.history)
        }
    }
}
