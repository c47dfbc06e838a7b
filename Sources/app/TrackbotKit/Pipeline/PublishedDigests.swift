import Foundation
import Registry
import TrackbotCore
import Tracking
import Verification

/// What the registry publishes for the tags being checked: one HEAD per tag, and a GET only when
/// the index digest differs from the one recorded (so an unchanged tag costs one request).
actor PublishedDigests {
    enum Lookup: Sendable {
        /// The index as fetched, or as recorded when a HEAD showed its digest unchanged
        /// (`index.fetched` says which), and what `OCIValidator` refuses in the document
        /// fetched (nothing when it was not fetched).
        case published(PublishedIndex, invalid: [OCIProblem])
        case unpublished
    }

    let client: RegistryClient
    let host: String
    private let parents = TaskCache<String, PublishedImage>(keep: .everything)
    /// Attestation manifests read this run (tags sharing a build share them).
    private let attestations = TaskCache<Digest, AttestationContent>(keep: .everything)

    init(client: RegistryClient, host: String) {
        self.client = client
        self.host = host
    }

    func lookup(image: String, tag: String, previous: TagState?) async throws -> Lookup {
        let reference = try Registry.ImageReference(parsing: "\(host)/library/\(image):\(tag)")
        let head: ManifestHead
        do { head = try await client.headDigest(reference) } catch RegistryError.notFound {
            return .unpublished
        }
        if let previous, previous.indexDigest == head.digest, previous.unpublishedSince == nil,
            let recorded = PublishedIndex(recorded: previous)
        {
            return .published(recorded, invalid: [])
        }
        // The same GET `resolve` makes (manifests by digest are cached): its bytes are validated.
        let pinned = reference.at(head.digest)
        let fetched = try await client.manifest(pinned)
        let invalid = OCIValidator.published(
            fetched.bytes, mediaType: fetched.mediaType,
            document: "\(MediaType.isIndex(fetched.mediaType) ? "index" : "manifest") \(fetched.digest)")
        let image = try await client.resolve(pinned)
        var index = PublishedIndex(image)
        index.attach(try await read(image.attestations, of: reference))
        return .published(index, invalid: invalid)
    }

    /// The attestations of an index fetched this run, each read once per run. Only then: an
    /// unchanged index costs one HEAD, and its recorded alerts stay (see `AlertLedger`).
    private func read(_ published: [PublishedAttestation], of reference: Registry.ImageReference) async throws
        -> [AttestationContent]
    {
        let client = client
        var out: [AttestationContent] = []
        for a in published {
            var content = try await attestations.value(for: a.digest) {
                try await client.readAttestation(a, in: reference)
            }
            content.references = a.references  // this index's word on what it is about
            out.append(content)
        }
        return out
    }

    /// The parent image's platform digest for `arch`, looked up once per parent per run: nil when
    /// the parent publishes no such platform; throws when it cannot be looked up (the caller
    /// must not fall back to what the checked image says about its parent).
    func parentDigest(_ parent: String, arch: Architecture) async throws -> Digest? {
        guard parent != "scratch" else { return nil }
        return try await parentImage(parent).platform(arch)?.digest
    }

    /// A parent image (`alpine:3.20`, or an external reference) as published now, resolved once
    /// per run for the digest lookups and the parent chain alike: no attestations are read and
    /// nothing is validated, as it is not the image being checked.
    func parentImage(_ parent: String) async throws -> PublishedImage {
        let client = client, host = host
        return try await parents.value(for: parent) {
            let name = parent.contains("/") ? parent : "\(host)/library/\(parent)"
            return try await client.resolve(name)
        }
    }

    /// The layers and diff_ids of `name`'s image for `arch` at `digest` (a platform manifest, or
    /// an index whose `arch` platform is taken), and the platform manifest's digest. `name` is an
    /// official image's name (`alpine`, looked up in the configured registry) or an external
    /// reference (`ghcr.io/o/r`); a tag in it is ignored for the digest.
    func platformLayers(_ name: String, digest: Digest, arch: Architecture) async throws -> PlatformLayers {
        let written = name.contains("/") ? name : "\(host)/library/\(name)"
        let reference = try Registry.ImageReference(parsing: written).at(digest)
        var fetched = try await client.manifest(reference)
        if case .index = fetched.content {
            guard let platform = try await client.resolve(reference).platform(arch) else {
                throw RegistryError.notFound(
                    registry: reference.registry, request: "\(reference) has no \(arch.platform) platform")
            }
            fetched = try await client.manifest(reference.at(platform.digest))
        }
        guard case .image(let manifest) = fetched.content else {
            throw RegistryError.malformedManifest(
                registry: reference.registry, request: "GET \(reference)", detail: "not an image manifest")
        }
        let config = try await client.config(for: manifest, in: reference)
        return PlatformLayers(
            manifest: fetched.digest, layers: manifest.layers.map(\.digest), diffIDs: config.diffIDs)
    }
}

/// One platform's image as a stack of layers.
struct PlatformLayers: Sendable {
    var manifest: Digest
    var layers: [Digest]
    var diffIDs: [Digest]
}
