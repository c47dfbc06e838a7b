import TrackbotCore

/// What a registry publishes under one reference: the digest `docker pull` shows, one manifest
/// digest per platform (what Docker Hub's tag page shows), and the attestations kept apart.
public struct PublishedImage: Codable, Sendable, Hashable {
    /// The reference as resolved (`docker.io/library/alpine:3.20`).
    public var reference: String
    /// The media type of the top-level manifest (an index, a manifest list, or one image manifest).
    public var mediaType: String
    /// The top-level digest: the index digest, or for a single-platform image its manifest digest
    /// (which is then also its one platform's digest).
    public var digest: Digest
    public var platforms: [PublishedPlatform]
    public var attestations: [PublishedAttestation]

    /// Whether the reference points at an index / manifest list (several platforms possible).
    public init(
        reference: String, mediaType: String, digest: Digest, platforms: [PublishedPlatform],
        attestations: [PublishedAttestation]
    ) {
        self.reference = reference
        self.mediaType = mediaType
        self.digest = digest
        self.platforms = platforms
        self.attestations = attestations
    }

    public var isIndex: Bool { MediaType.isIndex(mediaType) }

    /// The platform a client pulling `arch` gets: the first descriptor whose `platform` (os,
    /// architecture, variant) is that architecture's, as containerd picks it. The bashbrew-arch
    /// annotation never decides this: it is the registry's word, compared, never trusted.
    public func platform(_ arch: Architecture) -> PublishedPlatform? {
        platforms.first { $0.bashbrewArch == arch.rawValue }
    }

    /// Descriptors whose bashbrew-arch annotation disagrees with their platform, and platforms
    /// given by more than one descriptor (a client gets only the first): what a relabelled
    /// platform looks like.
    public var platformDisagreements: [PlatformDisagreement] {
        var out: [PlatformDisagreement] = []
        var seen: [String: Digest] = [:]
        for p in platforms {
            let annotated = p.annotations[AnnotationKey.bashbrewArch]
            if let annotated, annotated != p.bashbrewArch {
                out.append(
                    PlatformDisagreement(
                        digest: p.digest, platform: p.platform.description, annotatedArch: annotated,
                        platformArch: p.bashbrewArch, shadowedBy: nil))
            }
            let key = p.bashbrewArch ?? p.platform.description
            if let first = seen[key] {
                out.append(
                    PlatformDisagreement(
                        digest: p.digest, platform: p.platform.description, annotatedArch: annotated,
                        platformArch: p.bashbrewArch, shadowedBy: first))
            } else {
                seen[key] = p.digest
            }
        }
        return out
    }
}

/// A platform descriptor that does not say one thing: its annotation names another architecture
/// than its platform, or an earlier descriptor of the same platform hides it from clients.
public struct PlatformDisagreement: Sendable, Hashable {
    public var digest: Digest
    /// `os/architecture[/variant]` as the descriptor gives it.
    public var platform: String
    /// `com.docker.official-images.bashbrew.arch`, when present.
    public var annotatedArch: String?
    /// The bashbrew architecture of `platform` (nil when bashbrew has no name for it).
    public var platformArch: String?
    /// The digest a client gets for this platform instead, when another descriptor comes first.
    public var shadowedBy: Digest?
}

/// One platform's image manifest.
public struct PublishedPlatform: Codable, Sendable, Hashable {
    public var architecture: String
    public var os: String
    public var variant: String?
    /// The per-platform manifest digest.
    public var digest: Digest
    /// The bashbrew architecture of the descriptor's platform (nil for platforms bashbrew has no
    /// name for); the bashbrew-arch annotation stays in `annotations`, to be compared.
    public var bashbrewArch: String?
    public var annotations: [String: String]
    /// Size of the platform manifest in bytes.
    public var size: Int64
    public var mediaType: String

    public init(
        architecture: String, os: String, variant: String?, digest: Digest, bashbrewArch: String?,
        annotations: [String: String], size: Int64, mediaType: String
    ) {
        self.architecture = architecture
        self.os = os
        self.variant = variant
        self.digest = digest
        self.bashbrewArch = bashbrewArch
        // The registry's text: URLs in it (`org.opencontainers.image.source`, `.url`) lose any
        // credentials before anything compares, stores or prints them.
        self.annotations = annotations.mapValues { Redaction.stripURLCredentials(inText: $0) }
        self.size = size
        self.mediaType = mediaType
    }

    public var platform: Platform { Platform(os: os, architecture: architecture, variant: variant) }
}

/// An attestation manifest (provenance, SBOM) and the platform manifest it is about.
public struct PublishedAttestation: Codable, Sendable, Hashable {
    public var digest: Digest
    /// The platform manifest digest it refers to (`vnd.docker.reference.digest`).
    public var references: Digest
    public var annotations: [String: String]
    public var size: Int64

    public init(digest: Digest, references: Digest, annotations: [String: String], size: Int64) {
        self.digest = digest
        self.references = references
        self.annotations = annotations
        self.size = size
    }
}

extension RegistryClient {
    /// Resolves a reference to everything it publishes: HEAD for the digest, then the manifest by
    /// digest (cached, so tags sharing content are fetched once); for a single image manifest
    /// also its config, which names the platform.
    public func resolve(_ reference: ImageReference) async throws -> PublishedImage {
        let digest: Digest
        if let pinned = reference.digest { digest = pinned } else { digest = try await headDigest(reference).digest }
        let pinned = reference.at(digest)
        let fetched = try await manifest(pinned)
        return try await published(fetched, reference: reference)
    }

    /// Parses the reference text first (`alpine:3.20`, `ghcr.io/o/r@sha256:…`).
    public func resolve(_ reference: String) async throws -> PublishedImage {
        try await resolve(ImageReference(parsing: reference))
    }

    func published(_ fetched: FetchedManifest, reference: ImageReference) async throws -> PublishedImage {
        switch fetched.content {
        case .index(let index):
            let (platforms, attestations) = try Self.split(
                index, registry: endpoint(reference.registry).description,
                reference: reference.description)
            return PublishedImage(
                reference: reference.description, mediaType: fetched.mediaType, digest: fetched.digest,
                platforms: platforms, attestations: attestations)
        case .image(let image):
            let config = try await config(for: image, in: reference)
            let p = config.platform
            let platform = PublishedPlatform(
                architecture: p.architecture, os: p.os, variant: p.variant, digest: fetched.digest,
                bashbrewArch: Architecture(platform: p)?.rawValue, annotations: image.annotations ?? [:],
                size: Int64(fetched.bytes.count), mediaType: fetched.mediaType)
            return PublishedImage(
                reference: reference.description, mediaType: fetched.mediaType, digest: fetched.digest,
                platforms: [platform], attestations: [])
        }
    }

    /// Separates platform manifests from attestation manifests, and checks every attestation
    /// refers to a platform of the same index.
    public static func split(_ index: ImageIndex, registry: String, reference: String) throws -> (
        [PublishedPlatform], [PublishedAttestation]
    ) {
        var platforms: [PublishedPlatform] = []
        var attestations: [PublishedAttestation] = []
        for d in index.manifests {
            let annotations = d.annotations ?? [:]
            let unknown = d.platform.map { $0.os == "unknown" && $0.architecture == "unknown" } ?? false
            if annotations[AnnotationKey.referenceType] == AnnotationKey.attestationManifest || unknown {
                let refers = annotations[AnnotationKey.referenceDigest].flatMap { try? Digest(parsing: $0) }
                guard let refers else {
                    throw RegistryError.attestationWithoutSubject(
                        registry: registry, reference: reference, attestation: d.digest, references: nil)
                }
                attestations.append(
                    PublishedAttestation(
                        digest: d.digest, references: refers,
                        annotations: annotations.mapValues { Redaction.stripURLCredentials(inText: $0) },
                        size: d.size))
                continue
            }
            let p = d.platform ?? DescriptorPlatform(architecture: "unknown", os: "unknown")
            // What a client pulls is decided by the platform, so the architecture is the platform's.
            let bashbrew = Architecture(platform: p.platform)?.rawValue
            platforms.append(
                PublishedPlatform(
                    architecture: p.architecture, os: p.os, variant: p.variant, digest: d.digest,
                    bashbrewArch: bashbrew, annotations: annotations, size: d.size, mediaType: d.mediaType))
        }
        let platformDigests = Set(platforms.map(\.digest))
        for a in attestations where !platformDigests.contains(a.references) {
            throw RegistryError.attestationWithoutSubject(
                registry: registry, reference: reference, attestation: a.digest, references: a.references)
        }
        return (platforms, attestations)
    }
}
