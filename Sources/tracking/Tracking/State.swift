import OfficialImages
import TrackbotCore

/// What trackbot saw last time, per image, tag and architecture. Committed to git by CI users, so
/// it is written pretty-printed with sorted keys and carries a schema version.
public struct State: Codable, Equatable, Sendable {
    /// 2: open alerts per image (`alerts`) and the trusted build per platform (`trusted`).
    /// Version 1 files are read and migrated (StateStore.load).
    public static let currentSchema = 2

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
    /// Alerts raised and not yet answered (explained, acknowledged or muted), and acknowledged
    /// ones while what they are about is still found. Sorted by id.
    public var alerts: [AlertRecord]

    public init(libraryCommit: String?, checkedAt: String, tags: [String: TagState] = [:], alerts: [AlertRecord] = []) {
        self.libraryCommit = libraryCommit
        self.checkedAt = checkedAt
        self.tags = tags
        self.alerts = alerts
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        libraryCommit = try c.decodeIfPresent(String.self, forKey: .libraryCommit)
        checkedAt = try c.decode(String.self, forKey: .checkedAt)
        tags = try c.decode([String: TagState].self, forKey: .tags)
        alerts = try c.decodeIfPresent([AlertRecord].self, forKey: .alerts) ?? []
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
    /// Every platform of the recorded index (bashbrew arch → descriptor), compared or not: with
    /// the index digest unchanged, a later run compares these without fetching the index, so a
    /// run that compared only some architectures never hides a change in the others.
    public var indexPlatforms: [String: RecordedDescriptor]?

    public init(
        indexDigest: Digest? = nil, mediaType: String? = nil, attestations: [Digest]? = nil,
        platforms: [String: PlatformState] = [:], unpublishedSince: String? = nil
    ) {
        self.indexDigest = indexDigest
        self.mediaType = mediaType
        self.attestations = attestations
        self.platforms = platforms
        self.unpublishedSince = unpublishedSince
    }
}

/// One platform descriptor of a recorded index.
public struct RecordedDescriptor: Codable, Equatable, Sendable {
    public var digest: Digest
    /// The annotations the comparison reads (revision, source, base name and digest).
    public var annotations: [String: String]?

    public init(digest: Digest, annotations: [String: String]?) {
        self.digest = digest
        self.annotations = annotations
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
    /// The build trackbot trusts for this platform: a later digest is compared with this one,
    /// not with the last one seen, so an unexplained change stays an alert until answered.
    public var trusted: TrustedBuild?
    /// Whether the published image is built on its parent (its first layers are the parent's).
    public var baseCheck: BaseLayerCheck?

    public init(
        digest: Digest?, source: ArchitectureSource, parent: String? = nil, parentDigest: Digest? = nil,
        expectedDigest: Digest? = nil, missingSince: String? = nil, annotations: [String: String]? = nil,
        trusted: TrustedBuild? = nil
    ) {
        self.annotations = annotations
        self.trusted = trusted
        self.digest = digest
        self.source = source
        self.parent = parent
        self.parentDigest = parentDigest
        self.expectedDigest = expectedDigest
        self.missingSince = missingSince
    }
}

/// A platform digest trackbot accepts, with what it was built from: moved only by a change the
/// library or the parent explains, or by a person's acknowledgement.
public struct TrustedBuild: Codable, Equatable, Sendable {
    public var digest: Digest
    /// The library's source for the architecture when this digest was trusted.
    public var source: ArchitectureSource
    /// The parent's platform digest, looked up by trackbot, when this digest was trusted.
    public var parentDigest: Digest?
    /// When it became trusted (RFC 3339).
    public var since: String
    /// Why: `first sighting`, `rebuilt: …`, `acknowledged by …`, `migrated from schema 1`.
    public var reason: String

    public init(digest: Digest, source: ArchitectureSource, parentDigest: Digest?, since: String, reason: String) {
        self.digest = digest
        self.source = source
        self.parentDigest = parentDigest
        self.since = since
        self.reason = reason
    }
}

extension State {
    /// Version 1 had no trusted builds: the last digest seen was the baseline, so it becomes
    /// the trusted one.
    mutating func migrate() {
        for (name, image) in images {
            var image = image
            for (tag, tagState) in image.tags {
                var tagState = tagState
                for (arch, p) in tagState.platforms where p.trusted == nil {
                    guard let digest = p.digest else { continue }
                    var p = p
                    p.trusted = TrustedBuild(
                        digest: digest, source: p.source, parentDigest: p.parentDigest,
                        since: image.checkedAt, reason: "migrated from schema 1")
                    tagState.platforms[arch] = p
                }
                image.tags[tag] = tagState
            }
            images[name] = image
        }
        schemaVersion = Self.currentSchema
    }
}
