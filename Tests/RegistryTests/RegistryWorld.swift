import Foundation
import HTTPTransport
import TestSupport
import TrackbotCore

@testable import Registry

/// What was pushed, with the digests the layouts say (the registry must answer with the same).
struct PushedImages {
    var multiIndex: Digest
    var multiPlatforms: [String: Digest]  // bashbrew arch -> manifest digest
    var multiAttestations: [Digest: Digest]  // attestation -> platform manifest
    var dockerList: Digest
    var dockerPlatforms: [String: Digest]
    var single: Digest
    var orphanIndex: Digest
}

/// A registry filled with skopeo from OCI layouts built here:
/// `library/multi:1.0` (OCI index: amd64, arm64v8, arm32v7 with official-image annotations, and
/// attestations for amd64 and arm64v8), `library/dockerlist:1.0` (Docker manifest list),
/// `library/single:1.0` (one OCI image manifest), `library/orphan:1.0` (an attestation whose
/// subject is not in the index).
final class RegistryWorld: @unchecked Sendable {
    let directory: TemporaryDirectory
    let registry: LocalRegistry
    let images: PushedImages

    init() throws {
        directory = try TemporaryDirectory("trackbot-registry")
        let storage = directory.appending("storage")
        registry = try LocalRegistry(root: storage, workDirectory: directory.url)
        images = try RegistryWorld.fill(registry, in: directory.appending("layouts"))
    }

    /// The one world every registry suite reads (none of them changes it: tests that need more
    /// put their own proxies, token servers or token-auth registries in front of it or on its
    /// storage). Built on first use, on a thread of its own; its servers are killed and its
    /// directory removed when the test process exits.
    static func shared() async throws -> RegistryWorld { try await sharedWorld.value }

    private static let sharedWorld = Task<RegistryWorld, any Error> {
        try await offPool {
            let world = try RegistryWorld()
            _ = world.directory.removedAtExit()
            return world
        }
    }

    static let revision = "7d63673353bd39d92ba42f6effcc199aeebd45ee"

    static func officialAnnotations(_ arch: String) -> [String: String] {
        [
            "org.opencontainers.image.revision": revision,
            "org.opencontainers.image.source": "https://github.com/alpinelinux/docker-alpine.git#\(revision):\(arch)",
            "org.opencontainers.image.base.name": "scratch",
            "org.opencontainers.image.base.digest": "sha256:" + String(repeating: "0", count: 64),
            "com.docker.official-images.bashbrew.arch": arch,
        ]
    }

    static func fill(_ registry: LocalRegistry, in directory: URL) throws -> PushedImages {
        // Multi-platform OCI index with attestations.
        let multi = try OCILayoutBuilder(directory.appendingPathComponent("multi"))
        let platforms: [(arch: String, oci: String, variant: String?)] = [
            ("amd64", "amd64", nil), ("arm64v8", "arm64", "v8"), ("arm32v7", "arm", "v7"),
        ]
        var entries: [[String: Any]] = []
        var platformDigests: [String: Digest] = [:]
        var attestations: [Digest: Digest] = [:]
        var attestationEntries: [[String: Any]] = []
        for p in platforms {
            let manifest = try multi.image(
                architecture: p.oci, variant: p.variant, content: "alpine \(p.arch)",
                labels: ["org.opencontainers.image.version": "3.20.3"])
            var platform = ["architecture": p.oci, "os": "linux"]
            if let v = p.variant { platform["variant"] = v }
            entries.append(manifest.descriptor(platform: platform, annotations: officialAnnotations(p.arch)))
            platformDigests[p.arch] = manifest.digest
            if p.arch != "arm32v7" {
                let att = try multi.attestation(
                    for: manifest.digest,
                    provenance: BuildKitProvenance(
                        repository: "https://github.com/alpinelinux/docker-alpine.git", commit: revision,
                        directory: p.arch))
                attestations[att.digest] = manifest.digest
                attestationEntries.append(
                    att.descriptor(
                        platform: ["architecture": "unknown", "os": "unknown"],
                        annotations: [
                            "vnd.docker.reference.type": "attestation-manifest",
                            "vnd.docker.reference.digest": manifest.digest.description,
                        ]))
            }
        }
        let index = try multi.json(
            ["schemaVersion": 2, "mediaType": MediaType.ociIndex, "manifests": entries + attestationEntries],
            mediaType: MediaType.ociIndex)
        multi.tag(index, "1.0")

        // An index whose attestation refers to a manifest it does not list.
        let stray = try multi.attestation(for: StreamingHasher.digest(Data("elsewhere".utf8)), provenance: nil)
        let orphan = try multi.json(
            [
                "schemaVersion": 2, "mediaType": MediaType.ociIndex,
                "manifests": [
                    entries[0],
                    stray.descriptor(
                        platform: ["architecture": "unknown", "os": "unknown"],
                        annotations: [
                            "vnd.docker.reference.type": "attestation-manifest",
                            "vnd.docker.reference.digest": StreamingHasher.digest(Data("elsewhere".utf8)).description,
                        ]),
                ],
            ],
            mediaType: MediaType.ociIndex)
        multi.tag(orphan, "orphan")

        // A single-platform image.
        let single = try multi.image(
            architecture: "amd64", content: "single", annotations: ["org.opencontainers.image.revision": revision])
        multi.tag(single, "single")
        try multi.writeIndex()

        // A Docker manifest list with Docker media types.
        let docker = try OCILayoutBuilder(directory.appendingPathComponent("docker"))
        var dockerEntries: [[String: Any]] = []
        var dockerManifests: [BuiltBlob] = []
        var dockerPlatforms: [String: Digest] = [:]
        for p in platforms.prefix(2) {
            let manifest = try docker.image(
                architecture: p.oci, variant: p.variant, content: "docker \(p.arch)", docker: true)
            var platform = ["architecture": p.oci, "os": "linux"]
            if let v = p.variant { platform["variant"] = v }
            dockerEntries.append(manifest.descriptor(platform: platform))
            dockerPlatforms[p.arch] = manifest.digest
            dockerManifests.append(manifest)
        }
        let list = try docker.json(
            ["schemaVersion": 2, "mediaType": MediaType.dockerManifestList, "manifests": dockerEntries],
            mediaType: MediaType.dockerManifestList)

        try registry.push(layout: multi.directory, tag: "1.0", repository: "library/multi")
        try registry.push(layout: multi.directory, tag: "orphan", repository: "library/orphan", as: "1.0")
        try registry.push(layout: multi.directory, tag: "single", repository: "library/single", as: "1.0")
        try registry.pushDirect(
            layout: docker.directory, manifests: dockerManifests + [list], repository: "library/dockerlist", tag: "1.0")
        return PushedImages(
            multiIndex: index.digest, multiPlatforms: platformDigests, multiAttestations: attestations,
            dockerList: list.digest, dockerPlatforms: dockerPlatforms, single: single.digest, orphanIndex: orphan.digest
        )
    }

    /// A client whose `docker.io` points at `url`, with a retry policy that records its waits.
    static func client(
        _ url: String, retry: RetryPolicy = RetryPolicy(maxAttempts: 4, budget: 300, baseDelay: 0.01, maxDelay: 0.05),
        credentials: CredentialStore = .anonymous, floor: Int = 1
    ) -> RegistryClient {
        var rewriter = URLRewriter()
        rewriter.add(.init(from: "docker.io", to: url))
        return RegistryClient(
            configuration: RegistryConfiguration(
                rewriter: rewriter, credentials: credentials, retry: retry,
                rateLimitFloor: floor, connectTimeout: 5, requestTimeout: 20))
    }
}

/// Records the waits a retry policy asks for, sleeping only a millisecond.
final class RecordedSleeps: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Double] = []
    var all: [Double] { lock.withLock { values } }

    var sleep: @Sendable (Double) async throws -> Void {
        { [self] seconds in
            lock.withLock { values.append(seconds) }
            try await Task.sleep(nanoseconds: 1_000_000)
        }
    }
}
