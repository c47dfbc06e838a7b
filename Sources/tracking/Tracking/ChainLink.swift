import OfficialImages
import TrackbotCore

/// One image down a platform's chain of parents, as this run checked it: the parent as its own
/// library entry says it is built, what was verified of it, and the image under it, down to
/// `FROM scratch` or an oci-import layout (or where the chain stops, and why).
public struct ChainLink: Encodable, Sendable, Equatable {
    /// `alpine:3.20`, or an external reference as the Dockerfile names it.
    public var image: String
    public var arch: String
    /// Its platform digest as published now (nil when not asked or not published).
    public var digest: Digest?
    /// Where its library entry says this architecture is built from (nil for an external image).
    public var source: ArchitectureSource?
    /// What was verified of it: at its source (a rootfs tarball's checksum, a layout) and in the
    /// registry (built on its own parent's layers).
    public var verified: [Verified]
    /// What its own check found wrong, or could not check (messages).
    public var problems: [String]
    /// What it is built on when the chain ends here normally: `scratch` or `oci-import layout`.
    public var base: String?
    /// Why the chain stops here before reaching `scratch` or a layout.
    public var stop: String?

    public init(
        image: String, arch: String, digest: Digest? = nil, source: ArchitectureSource? = nil,
        verified: [Verified] = [], problems: [String] = [], base: String? = nil, stop: String? = nil
    ) {
        self.image = image
        self.arch = arch
        self.digest = digest
        self.source = source
        self.verified = verified
        self.problems = problems
        self.base = base
        self.stop = stop
    }

    /// Whether the chain reaches its bottom (scratch or a layout) with every link sound.
    public static func isComplete(_ chain: [ChainLink]) -> Bool {
        chain.allSatisfy { $0.stop == nil && $0.problems.isEmpty } && chain.last?.base != nil
    }
}
