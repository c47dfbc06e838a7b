import OfficialImages
import TrackbotCore

/// What trackbot saw last time, per image, tag and architecture. Committed to git by CI users, so
/// it is written pretty-printed with sorted keys and carries a schema version.
public struct State: Codable, Equatable, Sendable {
    public static let currentSchema = 1

    public var schemaVersion: Int
    /// The official-images commit each image's library file was read at.
    public var images: [String: ImageState]

    public init(images: [String: ImageState] = [:]) {
        schemaVersion = Self.currentSchema
        self.images = images
    }
}

public struct ImageState: Codable, Equatable, Sendable {
    /// The official-images commit the library file was read at.
    public var libraryCommit: String?
    /// When this image was last checked (RFC 3339).
    public var checkedAt: String
    public var tags: [String: TagState]

    public init(libraryCommit: String?, checkedAt: String, tags: [String: TagState] = [:]) {
        self.libraryCommit = libraryCommit
        self.checkedAt = checkedAt
        self.tags = tags
    }
}

public struct TagState: Codable, Equatable, Sendable {
    /// The index digest: what `docker pull` and `docker image ls --digests` show.
    public var indexDigest: Digest?
    public var mediaType: String?
    public var attestations: [Digest]?
    /// Per bashbrew architecture.
    public var platforms: [String: PlatformState]
    /// Since when the registry has not had this tag (RFC 3339); nil while it is published.
    public var unpublishedSince: String?

    public init(indexDigest: Digest? = nil, mediaType: String? = nil, attestations: [Digest]? = nil,
                platforms: [String: PlatformState] = [:], unpublishedSince: String? = nil) {
        self.indexDigest = indexDigest
        self.mediaType = mediaType
        self.attestations = attestations
        self.platforms = platforms
        self.unpublishedSince = unpublishedSince
    }
}

public struct PlatformState: Codable, Equatable, Sendable {
    /// The platform's manifest digest: what the registry's per-platform pages show.
    public var digest: Digest?
    /// Where the library said this architecture is built from.
    public var source: ArchitectureSource
    /// The parent image (last FROM) and its platform digest when checked.
    public var parent: String?
    public var parentDigest: Digest?
    /// For oci-import: the manifest digest the layout says will be published.
    public var expectedDigest: Digest?
    /// Since when the index has lacked this architecture (RFC 3339).
    public var missingSince: String?
    /// The annotations the comparison reads (revision, source, base name and digest), so an
    /// unchanged tag needs only a HEAD request next time.
    public var annotations: [String: String]?

    public init(digest: Digest?, source: ArchitectureSource, parent: String? = nil, parentDigest: Digest? = nil,
                expectedDigest: Digest? = nil, missingSince: String? = nil, annotations: [String: String]? = nil) {
        self.annotations = annotations
        self.digest = digest
        self.source = source
        self.parent = parent
        self.parentDigest = parentDigest
        self.expectedDigest = expectedDigest
        self.missingSince = missingSince
    }
}
