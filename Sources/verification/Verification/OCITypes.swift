import TrackbotCore

/// Media types an OCI layout (or a Docker image) may use, by role.
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

/// An OCI content descriptor.
public struct Descriptor: Hashable, Codable, Sendable {
    public var mediaType: String
    public var digest: Digest
    public var size: Int64
    public var platform: Platform?
    public var annotations: [String: String]?
    public var urls: [String]?
    public var artifactType: String?

    public init(mediaType: String, digest: Digest, size: Int64, platform: Platform? = nil,
                annotations: [String: String]? = nil) {
        self.mediaType = mediaType
        self.digest = digest
        self.size = size
        self.platform = platform
        self.annotations = annotations
    }
}

/// The `oci-layout` file.
public struct OCILayoutFile: Hashable, Codable, Sendable {
    public var imageLayoutVersion: String
}

/// An image index (`index.json`, or an index blob).
public struct ImageIndex: Hashable, Codable, Sendable {
    public var schemaVersion: Int
    public var mediaType: String?
    public var manifests: [Descriptor]
    public var annotations: [String: String]?

    public init(schemaVersion: Int = 2, mediaType: String? = MediaType.ociIndex, manifests: [Descriptor],
                annotations: [String: String]? = nil) {
        self.schemaVersion = schemaVersion
        self.mediaType = mediaType
        self.manifests = manifests
        self.annotations = annotations
    }
}

/// An image manifest.
public struct ImageManifest: Hashable, Codable, Sendable {
    public var schemaVersion: Int
    public var mediaType: String?
    public var config: Descriptor
    public var layers: [Descriptor]
    public var annotations: [String: String]?

    public init(schemaVersion: Int = 2, mediaType: String? = MediaType.ociManifest, config: Descriptor,
                layers: [Descriptor], annotations: [String: String]? = nil) {
        self.schemaVersion = schemaVersion
        self.mediaType = mediaType
        self.config = config
        self.layers = layers
        self.annotations = annotations
    }
}

/// The parts of an image configuration that verification reads.
public struct ImageConfig: Hashable, Codable, Sendable {
    public struct RootFS: Hashable, Codable, Sendable {
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

    public struct History: Hashable, Codable, Sendable {
        public var created: String?
        public var createdBy: String?
        public var comment: String?
        public var emptyLayer: Bool?

        enum CodingKeys: String, CodingKey {
            case created, comment
            case createdBy = "created_by"
            case emptyLayer = "empty_layer"
        }
    }

    public var architecture: String
    public var os: String
    public var variant: String?
    public var rootfs: RootFS
    public var history: [History]?

    public init(architecture: String, os: String, variant: String? = nil, rootfs: RootFS, history: [History]? = nil) {
        self.architecture = architecture
        self.os = os
        self.variant = variant
        self.rootfs = rootfs
        self.history = history
    }
}
