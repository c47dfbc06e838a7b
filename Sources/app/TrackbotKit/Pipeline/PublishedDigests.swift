import Foundation
import Registry
import TrackbotCore
import Tracking

/// What the registry publishes for the tags being checked: one HEAD per tag, and a GET only when
/// the index digest differs from the one recorded (so an unchanged tag costs one request).
actor PublishedDigests {
    enum Lookup: Sendable {
        /// The index as fetched, or as recorded when a HEAD showed its digest unchanged
        /// (`index.fetched` says which).
        case published(PublishedIndex)
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
            return .published(recorded)
        }
        let image = try await client.resolve(reference.at(head.digest))
        var index = PublishedIndex(image)
        index.attach(try await read(image.attestations, of: reference))
        return .published(index)
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
        let client = client, host = host
        return try await parents.value(for: parent) {
            let name = parent.contains("/") ? parent : "\(host)/library/\(parent)"
            return try await client.resolve(name)
        }.platform(arch)?.digest
    }
}
