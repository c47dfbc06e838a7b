import TrackbotCore

/// One thing a check compared for a platform and found matching, as data: what was compared,
/// what it matched, and where (at the upstream source, or in the registry). A ✓ needs at least
/// one. The words are Reporting's (`VerifiedWording`): the text report's `verified …` lines and
/// the strings of the JSON report's `verified` field.
public enum Verified: Hashable, Sendable {
    /// At the source: a file the Dockerfile adds (a rootfs tarball) hashed to what each checksum
    /// file line listing it says, with `algorithm` (the first line's; nil when none was listed).
    case checksum(path: String, algorithm: Digest.Algorithm?, listedAt: [FileLine])
    /// At the source: the `oci-import` layout (`directory`/`file`) is valid; its manifest is
    /// `manifest`, with `layers` layers.
    case ociLayout(directory: String, file: String, manifest: Digest, layers: Int)
    /// In the registry: the published platform manifest is the one in the upstream OCI layout.
    case publishedIsUpstreamLayout(published: Digest)
    /// In the registry: the published revision/source annotations name the library's commit.
    case provenanceAnnotations
    /// In the registry: the published digest is the trusted build's, trusted since `since`.
    case trustedDigest(Digest, since: String)
    /// In the registry: the image's first `layers` layers are the parent's at `digest` (the one
    /// the image's base.digest annotation names, or else the parent's current one).
    case builtOnParent(parent: String, digest: Digest, layers: Int, namedByImage: Bool)

    /// Where a comparison was made.
    public enum Place: String, Hashable, Sendable {
        case source
        case registry
    }

    public var place: Place {
        switch self {
        case .checksum, .ociLayout: return .source
        case .publishedIsUpstreamLayout, .provenanceAnnotations, .trustedDigest, .builtOnParent: return .registry
        }
    }
}

/// A line of a file in the upstream source (a checksum file's entry).
public struct FileLine: Hashable, Sendable {
    public var file: String
    public var line: Int

    public init(file: String, line: Int) {
        self.file = file
        self.line = line
    }
}

extension Verified: Encodable {
    /// The string Reporting makes of it (`ReportWording`).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(try ReportWording.of(encoder, for: self).verified(self))
    }
}
