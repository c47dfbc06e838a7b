import Foundation
import TrackbotCore

/// `trackbot digests IMAGE --which DIGEST`: which tags, and which of their platforms, publish a
/// digest (an index, a platform manifest, an attestation manifest), and how much was searched.
public struct DigestSearchReport: Sendable, Equatable {
    /// What one tag's manifest is, where the digest was found.
    public enum Kind: String, Sendable, Equatable, Encodable {
        /// The tag's index: what `docker pull IMAGE:TAG` shows.
        case index
        /// One platform of the tag's index: what Docker Hub's tag page shows.
        case platform
        /// An attestation manifest (provenance, SBOM) of one platform of the tag's index.
        case attestation
        /// The tag is a single-platform image manifest.
        case image
    }

    public struct Match: Sendable, Equatable {
        /// `node:22`, `ghcr.io/o/r:1` (Docker Hub's `docker.io/library/` left out).
        public var reference: String
        public var kind: Kind
        /// `linux/arm64/v8`; for an attestation, the platform it describes; nil for an index.
        public var platform: String?
        /// bashbrew's name for `platform` (`arm64v8`), when it has one.
        public var architecture: String?

        public init(reference: String, kind: Kind, platform: String? = nil, architecture: String? = nil) {
            self.reference = reference
            self.kind = kind
            self.platform = platform
            self.architecture = architecture
        }
    }

    /// The digest as typed (a prefix of 12 or more hex digits is allowed).
    public var wanted: String
    /// The whole digest, once found.
    public var digest: Digest?
    public var matches: [Match] = []
    /// The images searched (`node`, `ghcr.io/o/r`), and where their tags came from.
    public var images: [String] = []
    /// `library/node at 88552e6`, or `the registry's tag list`, per image.
    public var tagSources: [String] = []
    /// Tags whose index was asked for (HEAD); indexes read (GET, one per distinct digest);
    /// manifests compared (indexes, platform and attestation manifests).
    public var tagsSearched = 0
    public var indexesRead = 0
    public var manifestsCompared = 0
    /// `--max-tags`, when there were more tags than it allows (the search stopped there).
    public var stoppedAt: Int?
    /// Tags there were in all, when known (a library file); nil for a registry's list with more pages.
    public var tagsAvailable: Int?

    public init(wanted: String) { self.wanted = wanted }

    public var found: Bool { !matches.isEmpty }

    public func render(_ format: OutputFormat) throws -> String {
        switch format {
        case .json: return try json()
        // Tags and platforms are the registry's: nothing in them reaches a terminal as control.
        case .markdown: return Sanitize.terminal(markdown(), multiline: true)
        case .text: return Sanitize.terminal(text(), multiline: true)
        }
    }

    /// `IMAGE:TAG  linux/arm64/v8 (arm64v8) platform manifest`.
    static func line(_ m: Match) -> String {
        let platform = (m.platform ?? "") + (m.architecture.map { " (\($0))" } ?? "")
        switch m.kind {
        case .index: return "\(m.reference)  index"
        case .platform: return "\(m.reference)  \(platform) platform manifest"
        case .attestation: return "\(m.reference)  attestation manifest for \(platform)"
        case .image: return "\(m.reference)  \(platform) image manifest (single-platform)"
        }
    }

    /// How much was searched, and whether the search stopped at `--max-tags`.
    var searched: String {
        var out =
            "searched \(tagsSearched) tag(s) of \(images.joined(separator: ", ")) (\(tagSources.joined(separator: "; "))): "
            + "\(indexesRead) distinct manifest(s) read, \(manifestsCompared) digest(s) compared"
        if let stoppedAt {
            out +=
                "; the search stopped at --max-tags \(stoppedAt)"
                + (tagsAvailable.map { " of \($0) tags" } ?? " (the registry lists more)")
                + ": raise --max-tags or name tags (IMAGE:TAG)"
        }
        return out
    }

    public func text() -> String {
        guard let digest else { return "\(wanted) not found; \(searched)\n" }
        return "\(digest)\n" + matches.map { "  \(Self.line($0))\n" }.joined() + searched + "\n"
    }

    public func markdown() -> String {
        // `wanted` is as typed, the references as the registry and library named them.
        guard let digest else { return "\(MarkdownText.code(wanted)) not found; \(MarkdownText.escaped(searched))\n" }
        return "### \(MarkdownText.code(digest.description))\n\n"
            + matches.map { "- \(MarkdownText.code(Self.line($0)))\n" }.joined() + "\n"
            + MarkdownText.escaped(searched) + "\n"
    }

    /// `{"wanted","digest","found","matches":[{"reference","kind","platform","architecture"}],
    /// "searched":{…}}`.
    public func json() throws -> String {
        struct Item: Encodable {
            var reference: String, kind: Kind, platform: String?, architecture: String?
        }
        struct Searched: Encodable {
            var images: [String], tagSources: [String], tags: Int, manifestsRead: Int, digestsCompared: Int
            var stoppedAt: Int?, tagsAvailable: Int?
        }
        struct Document: Encodable {
            var wanted: String, digest: String?, found: Bool, matches: [Item], searched: Searched
        }
        let doc = Document(
            wanted: wanted, digest: digest?.description, found: found,
            matches: matches.map {
                Item(reference: $0.reference, kind: $0.kind, platform: $0.platform, architecture: $0.architecture)
            },
            searched: Searched(
                images: images, tagSources: tagSources, tags: tagsSearched, manifestsRead: indexesRead,
                digestsCompared: manifestsCompared, stoppedAt: stoppedAt, tagsAvailable: tagsAvailable))
        return JSONOutput.safe(try JSONCoding.readable(doc))
    }
}
