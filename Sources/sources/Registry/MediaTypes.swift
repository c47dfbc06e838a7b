/// The manifest and config media types the distribution API serves.
public enum MediaType {
    public static let ociIndex = "application/vnd.oci.image.index.v1+json"
    public static let dockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json"
    public static let ociManifest = "application/vnd.oci.image.manifest.v1+json"
    public static let dockerManifest = "application/vnd.docker.distribution.manifest.v2+json"
    public static let ociConfig = "application/vnd.oci.image.config.v1+json"
    public static let dockerConfig = "application/vnd.docker.container.image.v1+json"

    /// Sent as `Accept` on every manifest request: the digest a registry answers with depends on it.
    public static let manifestAccept = [ociIndex, dockerManifestList, ociManifest, dockerManifest]

    public static func isIndex(_ type: String) -> Bool { type == ociIndex || type == dockerManifestList }
    public static func isImageManifest(_ type: String) -> Bool { type == ociManifest || type == dockerManifest }
}

/// Annotation keys that official images carry and trackbot reads.
public enum AnnotationKey {
    public static let revision = "org.opencontainers.image.revision"
    public static let source = "org.opencontainers.image.source"
    public static let baseName = "org.opencontainers.image.base.name"
    public static let baseDigest = "org.opencontainers.image.base.digest"
    public static let version = "org.opencontainers.image.version"
    public static let created = "org.opencontainers.image.created"
    public static let url = "org.opencontainers.image.url"
    public static let bashbrewArch = "com.docker.official-images.bashbrew.arch"
    public static let referenceType = "vnd.docker.reference.type"
    public static let referenceDigest = "vnd.docker.reference.digest"
    public static let attestationManifest = "attestation-manifest"

    /// The annotations `trackbot digests` shows, in this order.
    public static let shown = [revision, source, baseName, baseDigest]
}
