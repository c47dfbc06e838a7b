import TrackbotCore

extension MediaType {
    /// Layer media types and the compression each implies.
    public static let layers: [String: Compression] = [
        "application/vnd.oci.image.layer.v1.tar": .none,
        "application/vnd.oci.image.layer.v1.tar+gzip": .gzip,
        "application/vnd.oci.image.layer.v1.tar+zstd": .zstd,
        "application/vnd.oci.image.layer.v1.tar+xz": .xz,
        "application/vnd.oci.image.layer.nondistributable.v1.tar": .none,
        "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip": .gzip,
        "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd": .zstd,
        "application/vnd.docker.image.rootfs.diff.tar": .none,
        "application/vnd.docker.image.rootfs.diff.tar.gzip": .gzip,
        "application/vnd.docker.image.rootfs.diff.tar.zstd": .zstd,
        "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip": .gzip,
    ]
}

/// The `oci-layout` file.
public struct OCILayoutFile: Hashable, Codable, Sendable {
    public var imageLayoutVersion: String
}
