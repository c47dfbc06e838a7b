import TrackbotCore

/// Whether an image is built on its parent: a Dockerfile build starts from the parent's
/// filesystem, so the image's first layers must be exactly the parent platform's layers (the
/// same blobs, and the same diff_ids in the configs). Recorded per platform, so an unchanged
/// image and parent cost no request the next run and a mismatch stays reported.
public struct BaseLayerCheck: Codable, Equatable, Sendable {
    /// Which parent digest the image was compared with, and why that one.
    public enum Named: String, Codable, Sendable {
        /// The image's `org.opencontainers.image.base.digest` annotation names it.
        case annotation
        /// The image names none: the parent's digest now (it may have been rebuilt since).
        case current
    }

    /// The first layer that is not the parent's.
    public struct Mismatch: Codable, Equatable, Sendable {
        /// 0-based layer position.
        public var layer: Int
        /// `layers` (the blob digests) or `diff_ids` (the uncompressed digests).
        public var field: String
        /// The parent's, and the image's (nil when the image has fewer layers than the parent).
        public var expected: Digest
        public var actual: Digest?
    }

    /// The image's platform manifest checked.
    public var imageDigest: Digest
    public var parent: String
    /// The parent's platform manifest compared with.
    public var parentDigest: Digest
    public var named: Named
    /// The parent's layer count (the image's first layers that are the parent's when no mismatch).
    public var layers: Int
    public var mismatch: Mismatch?

    public init(
        imageDigest: Digest, parent: String, parentDigest: Digest, named: Named, layers: Int, mismatch: Mismatch?
    ) {
        self.imageDigest = imageDigest
        self.parent = parent
        self.parentDigest = parentDigest
        self.named = named
        self.layers = layers
        self.mismatch = mismatch
    }

    /// The first place the image's layers stop being the parent's, or nil when the parent's
    /// layers (blobs and diff_ids) are the image's first ones.
    public static func compare(
        imageLayers: [Digest], imageDiffIDs: [Digest], parentLayers: [Digest], parentDiffIDs: [Digest]
    ) -> Mismatch? {
        for (field, image, parent) in [
            ("layers", imageLayers, parentLayers), ("diff_ids", imageDiffIDs, parentDiffIDs),
        ] {
            for (i, expected) in parent.enumerated() where i >= image.count || image[i] != expected {
                return Mismatch(layer: i, field: field, expected: expected, actual: i < image.count ? image[i] : nil)
            }
        }
        return nil
    }

    /// What the check says, in the image, tag and architecture it was made for.
    public func finding(image: String, tag: String, arch: String) -> Finding? {
        guard let mismatch else { return nil }
        let which =
            named == .annotation
            ? "the parent its base.digest annotation names"
            : "the parent's current image (the image names no base digest)"
        let got = mismatch.actual.map { "\($0)" } ?? "nothing (the image has only \(mismatch.layer) layer(s))"
        return Finding(
            kind: .parentMismatch, severity: .alert, image: image, tag: tag, arch: arch,
            message:
                "\(image):\(tag) \(arch) is not built on \(parent) \(parentDigest), \(which): its \(mismatch.field)[\(mismatch.layer)] is \(got), the parent's is \(mismatch.expected)",
            expected: mismatch.expected.description, actual: mismatch.actual?.description)
    }
}
