import Foundation
import OfficialImages
import Registry
import Reporting
import TrackbotCore

/// `trackbot digests IMAGE --which DIGEST`: finds the tags and platforms of a digest among an
/// image's tags. An official image's tags come from its library file (entry by entry, in the
/// file's order, newest first as official-images writes them); any other repository's from the
/// registry's tag list. Each tag costs one HEAD; each distinct index one GET, so the tags of one
/// entry (one build) are read once.
public enum DigestSearch {
    public struct Request: Sendable {
        /// `IMAGE`, `IMAGE:TAG` or `IMAGE:TAG1,TAG2`, one or more.
        public var references: [String]
        /// `sha256:…` (or its first 12 or more hex digits).
        public var digest: String
        /// Most tags asked for (`--max-tags`).
        public var maxTags = 100
        /// `--registry-tags`: list an official image's tags from the registry, not its library file.
        public var registryTags = false
        /// `--library`: official-images elsewhere (a path or URL).
        public var library: String?

        public init(references: [String], digest: String) {
            self.references = references
            self.digest = digest
        }
    }

    /// The digest asked for: all of it, or a prefix of at least 12 hex digits.
    struct Wanted {
        var algorithm: Digest.Algorithm
        var hex: String

        init(_ text: String) throws {
            let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
            let (name, hex) = parts.count == 2 ? (parts[0], parts[1].lowercased()) : ("sha256", text.lowercased())
            guard let algorithm = Digest.Algorithm(rawValue: name) else {
                throw UsageError("--which \(text): unknown digest algorithm \"\(name)\" (sha256 or sha512)")
            }
            guard Hex.isHex(hex), hex.count >= 12, hex.count <= algorithm.hexLength else {
                throw UsageError(
                    "--which \(text): give a digest (\(name):<\(algorithm.hexLength) hex digits>) or at least its "
                        + "first 12 hex digits, as `docker image ls --digests` and Docker Hub show it")
            }
            self.algorithm = algorithm
            self.hex = hex
        }

        func matches(_ digest: Digest) -> Bool { digest.algorithm == algorithm && digest.hex.hasPrefix(hex) }
    }

    /// One tag found published, and the manifest its tag points at.
    struct Published {
        var image: ImageReference
        /// As people write it (`node:22`).
        var reference: String
        var digest: Digest
    }

    public static func run(
        _ request: Request, options: GlobalOptions, registryConfiguration: RegistryConfiguration? = nil
    ) async throws -> CommandResult {
        let context = try RunContext.load(options)
        let client = try context.registryClient(for: "digests --which", base: registryConfiguration)
        return try await run(request, context: context, client: client)
    }

    static func run(_ request: Request, context: RunContext, client: RegistryClient) async throws -> CommandResult {
        guard !request.references.isEmpty else {
            throw UsageError("digests --which needs IMAGE (e.g. node or node:22)")
        }
        guard request.maxTags >= 1 else { throw UsageError("--max-tags must be at least 1") }
        let wanted = try Wanted(request.digest)
        var report = DigestSearchReport(wanted: request.digest)
        var diagnostics: [String] = []
        var budget = request.maxTags
        var published: [Published] = []
        var library = LibraryTags(context: context, request: request)

        for text in request.references {
            let (name, typedTags) = try split(text)
            let image = try ImageReference(parsing: name)
            // A tag that is not a tag (`a b`) is refused before any request.
            for tag in typedTags ?? [] { _ = try ImageReference(parsing: "\(name):\(tag)") }
            let shown = DigestsReport.displayName("\(image.registry)/\(image.repository)")
            let official =
                image.registry == context.configuration.registry.host && image.repository.hasPrefix("library/")
                && !request.registryTags
            var tags: [String]
            var available: Int?
            if let typedTags {
                tags = typedTags
                report.tagSources.append("the tags named")
                if official { try await library.check(image, tags: tags) }
            } else if official {
                let (known, from) = try await library.of(image)
                tags = known
                available = known.count
                report.tagSources.append(from)
            } else {
                let listed = try await client.tags(
                    registry: image.registry, repository: image.repository, limit: budget)
                tags = listed.tags
                if listed.more { report.stoppedAt = request.maxTags }
                report.tagSources.append("the registry's tag list")
            }
            report.images.append(shown)
            if tags.count > budget {
                report.stoppedAt = request.maxTags
                report.tagsAvailable = (report.tagsAvailable ?? 0) + (available ?? tags.count)
                tags = Array(tags.prefix(budget))
            }
            budget -= tags.count
            let (found, failures) = await heads(image, tags: tags, client: client)
            published += found
            diagnostics += failures
            report.tagsSearched += tags.count
            if budget == 0 { break }
        }

        // One GET per distinct manifest, by digest, through the first tag that showed it: an
        // index (its platforms and attestations) or a single image (its config names the platform).
        var seen = Set<Digest>()
        var images: [Digest: PublishedImage] = [:]
        for tag in published where seen.insert(tag.digest).inserted {
            do {
                images[tag.digest] = try await client.resolve(tag.image.at(tag.digest))
            } catch {
                diagnostics.append("\(tag.reference): \(error)")
            }
        }
        report.indexesRead = images.count
        report.manifestsCompared = images.values.reduce(0) {
            $0 + 1 + ($1.isIndex ? $1.platforms.count + $1.attestations.count : 0)
        }

        (report.digest, report.matches) = try found(wanted, typed: request.digest, in: published, images: images)
        var exitCode: Int32 = report.found ? 0 : 1
        // Not found, but not everything could be read: the answer is not known.
        if !report.found, !diagnostics.isEmpty {
            exitCode = 2
            diagnostics.append("the digest may be among the tags that could not be read")
        }
        return CommandResult(
            output: try report.render(context.options.format), exitCode: exitCode, diagnostics: diagnostics)
    }

    /// The digest `wanted` names among the manifests of `published` tags, and each place it is
    /// found, in tag order; a prefix that starts more than one digest is a usage error naming them.
    static func found(
        _ wanted: Wanted, typed: String, in published: [Published], images: [Digest: PublishedImage]
    ) throws -> (Digest?, [DigestSearchReport.Match]) {
        var hits = Set<Digest>()
        var found: [DigestSearchReport.Match] = []
        for tag in published {
            guard let image = images[tag.digest] else { continue }
            for (digest, match) in matches(in: image, tag: tag) where wanted.matches(digest) {
                hits.insert(digest)
                found.append(match)
            }
        }
        if hits.count > 1 {
            throw UsageError(
                "--which \(typed) is the start of \(hits.count) digests: "
                    + hits.sorted().map(\.description).joined(separator: ", ") + "; give more hex digits")
        }
        return (hits.first, found)
    }

    /// `node` → (`node`, nil); `node:22,20` → (`node`, [22, 20]); `host:5000/o/r:1` keeps the port.
    static func split(_ text: String) throws -> (name: String, tags: [String]?) {
        guard !text.contains("@") else {
            throw UsageError("--which searches tags: name IMAGE or IMAGE:TAG, not \(text) (a digest)")
        }
        let nameStart = text.lastIndex(of: "/").map { text.index(after: $0) } ?? text.startIndex
        guard let colon = text[nameStart...].lastIndex(of: ":") else { return (text, nil) }
        let tags = text[text.index(after: colon)...].split(separator: ",", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        guard !tags.contains(where: \.isEmpty) else { throw UsageError("\"\(text)\" has an empty tag") }
        return (String(text[..<colon]), tags)
    }

    /// The library files' tags, read once per run: official-images' commit is resolved (a fetch)
    /// the first time an official image comes up, and each image's file is read once, however
    /// many of its references are named.
    struct LibraryTags {
        let context: RunContext
        let request: Request
        private var commit: String??
        private var read: [String: (tags: [String], from: String)] = [:]

        init(context: RunContext, request: Request) {
            self.context = context
            self.request = request
        }

        /// Every tag of the library file, entry by entry (each entry's tags, then its shared
        /// tags), each once, in the file's order; and where they were read.
        mutating func of(_ image: ImageReference) async throws -> (tags: [String], from: String) {
            let name = String(image.repository.dropFirst("library/".count))
            if let known = read[name] { return known }
            let library = context.library(request.library)
            if commit == nil { commit = .some(try await library.resolveCommit()) }
            let at = commit ?? nil
            let file = try await library.file(name, at: at)
            var seen = Set<String>()
            let tags = file.entries.flatMap(\.allTags).filter { seen.insert($0).inserted }
            let result = (tags, "library/\(name)" + (at.map { " at \($0.prefix(12))" } ?? ""))
            read[name] = result
            return result
        }

        /// A tag the library file does not list is a typo until shown otherwise: said with the nearest names.
        mutating func check(_ image: ImageReference, tags: [String]) async throws {
            let (known, from) = try await of(image)
            for tag in tags where !known.contains(tag) {
                throw UsageError(
                    "\(from) has no tag \"\(tag)\""
                        + (NearestNames.didYouMean(tag, among: known).map { " (\($0))" } ?? "")
                        + "; add --registry-tags to search the registry's tags instead")
            }
        }
    }

    /// One HEAD per tag (concurrent; the client bounds requests per host), in the tags' order.
    static func heads(_ image: ImageReference, tags: [String], client: RegistryClient) async -> (
        [Published], [String]
    ) {
        let results = await withTaskGroup(of: (Int, Result<Published, any Error>).self) { group in
            for (i, tag) in tags.enumerated() {
                group.addTask {
                    var reference = image
                    reference.tag = tag
                    reference.digest = nil
                    let shown = DigestsReport.displayName(reference.description)
                    do {
                        let head = try await client.headDigest(reference)
                        return (i, .success(Published(image: reference, reference: shown, digest: head.digest)))
                    } catch {
                        return (i, .failure(error))
                    }
                }
            }
            var out: [(Int, Result<Published, any Error>)] = []
            for await r in group { out.append(r) }
            return out.sorted { $0.0 < $1.0 }.map(\.1)
        }
        var found: [Published] = []
        var failures: [String] = []
        for (tag, result) in zip(tags, results) {
            switch result {
            case .success(let p): found.append(p)
            case .failure(let error): failures.append("\(tag): \(error)")
            }
        }
        return (found, failures)
    }

    /// Every digest `tag`'s manifest holds, with what it is.
    static func matches(in image: PublishedImage, tag: Published) -> [(Digest, DigestSearchReport.Match)] {
        guard image.isIndex else {
            let p = image.platforms.first
            return [
                (
                    image.digest,
                    .init(
                        reference: tag.reference, kind: .image, platform: p?.platform.description,
                        architecture: p?.bashbrewArch)
                )
            ]
        }
        var out: [(Digest, DigestSearchReport.Match)] = [(image.digest, .init(reference: tag.reference, kind: .index))]
        for p in image.platforms {
            out.append(
                (
                    p.digest,
                    .init(
                        reference: tag.reference, kind: .platform, platform: p.platform.description,
                        architecture: p.bashbrewArch)
                ))
        }
        for a in image.attestations {
            let p = image.platforms.first { $0.digest == a.references }
            out.append(
                (
                    a.digest,
                    .init(
                        reference: tag.reference, kind: .attestation,
                        platform: p?.platform.description ?? a.references.description, architecture: p?.bashbrewArch)
                ))
        }
        return out
    }
}
