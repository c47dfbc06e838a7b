import OfficialImages
import TrackbotCore

/// What this run learned about one architecture of one tag, before comparing.
public struct PlatformObservation: Sendable, Equatable {
    public var arch: Architecture
    /// Where the library says it is built from.
    public var source: ArchitectureSource
    /// oci-import: the manifest digest the upstream layout says will be published.
    public var expectedDigest: Digest?
    /// Dockerfile images: the parent image (last FROM), and its platform digest resolved now.
    public var parent: String?
    public var parentDigest: Digest?

    public init(
        arch: Architecture, source: ArchitectureSource, expectedDigest: Digest? = nil,
        parent: String? = nil, parentDigest: Digest? = nil
    ) {
        self.arch = arch
        self.source = source
        self.expectedDigest = expectedDigest
        self.parent = parent
        self.parentDigest = parentDigest
    }
}
