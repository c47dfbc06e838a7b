import TrackbotCore

/// An OCI content descriptor (also what Docker manifest lists hold).
public struct Descriptor: Codable, Sendable, Hashable {
    public var mediaType: String
    public var digest: Digest
    public var size: Int64
    public var urls: [String]?
    public var annotations: [String: String]?
    public var platform: DescriptorPlatform?
    public var artifactType: String?

    public init(mediaType: String, digest: Digest, size: Int64, annotations: [String: String]? = nil,
                platform: DescriptorPlatform? = nil) {
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
    public var manifests: [Descriptor]
    public var annotations: [String: String]?
}

/// An OCI image manifest or a Docker image manifest v2 (same shape).
public struct ImageManifest: Codable, Sendable, Hashable {
    public var schemaVersion: Int
    public var mediaType: String?
    public var config: Descriptor
    public var layers: [Descriptor]
    public var annotations: [String: String]?
    public var subject: Descriptor?
}

/// An image configuration: platform, run settings, layer diff IDs and the build history.
public struct ImageConfig: Codable, Sendable, Hashable {
    public var architecture: String?
    public var os: String?
    public var variant: String?
    public var created: String?
    public var author: String?
    public var config: Settings?
    public var rootfs: RootFS?
    public var history: [History]?

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

    public var platform: Platform { Platform(os: os ?? "unknown", architecture: architecture ?? "unknown", variant: variant) }
}

/// A manifest as fetched: the exact bytes, their verified digest, and the parsed content.
public struct FetchedManifest: Sendable, Hashable {
    public enum Content: Sendable, Hashable {
        case index(ImageIndex)
        case image(ImageManifest)
    }

    public var digest: Digest
    public var mediaType: String
    public var bytes: [UInt8]
    public var content: Content

    public var index: ImageIndex? { if case .index(let i) = content { return i } else { return nil } }
    public var image: ImageManifest? { if case .image(let m) = content { return m } else { return nil } }
}

/// What one HEAD of a manifest tells: enough to compare with recorded state.
public struct ManifestHead: Sendable, Hashable, Codable {
    public var digest: Digest
    public var mediaType: String
    public var size: Int64?
}
