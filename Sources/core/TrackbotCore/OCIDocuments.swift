// The OCI (and Docker) image documents, shared by the registry client and the layout verifier:
// both read the same descriptors, indexes, manifests and configs.

/// The media types of OCI and Docker image documents.
public enum MediaType {
    public static let ociIndex = "application/vnd.oci.image.index.v1+json"
    public static let dockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json"
    public static let ociManifest = "application/vnd.oci.image.manifest.v1+json"
    public static let dockerManifest = "application/vnd.docker.distribution.manifest.v2+json"
    public static let ociConfig = "application/vnd.oci.image.config.v1+json"
    public static let dockerConfig = "application/vnd.docker.container.image.v1+json"

    public static let indexes: Set<String> = [ociIndex, dockerManifestList]
    public static let manifests: Set<String> = [ociManifest, dockerManifest]
    public static let configs: Set<String> = [ociConfig, dockerConfig]

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

/// An OCI content descriptor (also what Docker manifest lists hold).
public struct Descriptor: Codable, Sendable, Hashable {
    public var mediaType: String
    public var digest: Digest
    public var size: Int64
    public var urls: [String]?
    public var annotations: [String: String]?
    public var platform: DescriptorPlatform?
    public var artifactType: String?
    /// The content itself, base64, when embedded (image-spec 1.1).
    public var data: String?

    public init(
        mediaType: String, digest: Digest, size: Int64, platform: DescriptorPlatform? = nil,
        annotations: [String: String]? = nil
    ) {
        self.mediaType = mediaType
        self.digest = digest
        self.size = size
        self.annotations = annotations
        self.platform = platform
    }
}

/// The `platform` object of an index entry.
public struct DescriptorPlatform: Codable, Sendable, Hashable {
    public var architecture: String
    public var os: String
    public var variant: String?
    public var osVersion: String?
    public var osFeatures: [String]?

    enum CodingKeys: String, CodingKey {
        case architecture, os, variant
        case osVersion = "os.version"
        case osFeatures = "os.features"
    }

    public init(architecture: String, os: String, variant: String? = nil) {
        self.architecture = architecture
        self.os = os
        self.variant = variant
    }

    public var platform: Platform { Platform(os: os, architecture: architecture, variant: variant) }
}

/// An OCI image index or a Docker manifest list (same shape).
public struct ImageIndex: Codable, Sendable, Hashable {
    public var schemaVersion: Int
    public var mediaType: String?
    public var artifactType: String?
    public var manifests: [Descriptor]
    public var annotations: [String: String]?

    public init(
        schemaVersion: Int = 2, mediaType: String? = MediaType.ociIndex, manifests: [Descriptor],
        annotations: [String: String]? = nil
    ) {
        self.schemaVersion = schemaVersion
        self.mediaType = mediaType
        self.manifests = manifests
        self.annotations = annotations
    }
}

/// An OCI image manifest or a Docker image manifest v2 (same shape).
public struct ImageManifest: Codable, Sendable, Hashable {
    public var schemaVersion: Int
    public var mediaType: String?
    public var config: Descriptor
    public var layers: [Descriptor]
    public var annotations: [String: String]?
    public var subject: Descriptor?
    public var artifactType: String?

    public init(
        schemaVersion: Int = 2, mediaType: String? = MediaType.ociManifest, config: Descriptor,
        layers: [Descriptor], annotations: [String: String]? = nil
    ) {
        self.schemaVersion = schemaVersion
        self.mediaType = mediaType
        self.config = config
        self.layers = layers
        self.annotations = annotations
    }
}

/// An image configuration: platform, run settings, layer diff IDs and the build history.
public struct ImageConfig: Codable, Sendable, Hashable {
    public var architecture: String?
    public var os: String?
    public var variant: String?
    public var osVersion: String?
    public var created: String?
    public var author: String?
    public var config: Settings?
    public var rootfs: RootFS?
    public var history: [History]?

    enum CodingKeys: String, CodingKey {
        case architecture, os, variant, created, author, config, rootfs, history
        case osVersion = "os.version"
    }

    public struct Settings: Codable, Sendable, Hashable {
        public var user: String?
        public var env: [String]?
        public var entrypoint: [String]?
        public var cmd: [String]?
        public var workingDir: String?
        public var labels: [String: String]?
        public var stopSignal: String?

        enum CodingKeys: String, CodingKey {
            case user = "User", env = "Env", entrypoint = "Entrypoint", cmd = "Cmd"
            case workingDir = "WorkingDir", labels = "Labels", stopSignal = "StopSignal"
        }
    }

    public struct RootFS: Codable, Sendable, Hashable {
        public var type: String
        public var diffIDs: [Digest]

        enum CodingKeys: String, CodingKey {
            case type
            case diffIDs = "diff_ids"
        }

        public init(type: String = "layers", diffIDs: [Digest]) {
            self.type = type
            self.diffIDs = diffIDs
        }
    }

    public struct History: Codable, Sendable, Hashable {
        public var created: String?
        public var createdBy: String?
        public var author: String?
        public var comment: String?
        public var emptyLayer: Bool?

        enum CodingKeys: String, CodingKey {
            case created, author, comment
            case createdBy = "created_by"
            case emptyLayer = "empty_layer"
        }
    }

    public init(architecture: String?, os: String?, variant: String? = nil, rootfs: RootFS?, history: [History]? = nil)
    {
        self.architecture = architecture
        self.os = os
        self.variant = variant
        self.rootfs = rootfs
        self.history = history
    }

    public var platform: Platform {
        Platform(os: os ?? "unknown", architecture: architecture ?? "unknown", variant: variant)
    }

    /// `rootfs.diff_ids`: the digests of the uncompressed layers, in order.
    public var diffIDs: [Digest] { rootfs?.diffIDs ?? [] }
}
