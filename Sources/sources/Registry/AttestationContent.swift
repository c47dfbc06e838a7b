import Foundation
import TrackbotCore

/// What one attestation manifest holds: its SLSA provenance (read), and which other statements
/// it carries (an SBOM is noted by format, never downloaded).
public struct AttestationContent: Codable, Sendable, Hashable {
    /// The attestation manifest's digest.
    public var digest: Digest
    /// The platform manifest it is about (`vnd.docker.reference.digest`).
    public var references: Digest
    /// The provenance statement, when there is one.
    public var provenance: BuildProvenance?
    /// The in-toto layer the provenance was read from.
    public var provenanceLayer: Digest?
    /// SBOM formats present (`SPDX`, `CycloneDX`), from the layers' predicate types.
    public var sboms: [String]
    /// Every layer's predicate type, in manifest order.
    public var predicateTypes: [String]

    public init(
        digest: Digest, references: Digest, provenance: BuildProvenance? = nil, provenanceLayer: Digest? = nil,
        sboms: [String] = [], predicateTypes: [String] = []
    ) {
        self.digest = digest
        self.references = references
        self.provenance = provenance
        self.provenanceLayer = provenanceLayer
        self.sboms = sboms
        self.predicateTypes = predicateTypes
    }
}

extension RegistryClient {
    /// The largest provenance statement read: BuildKit's `mode=max` embeds the build definition,
    /// a few hundred KiB for official images; more is refused, not buffered.
    public static let provenanceLimit = 8 << 20

    /// Reads the attestation manifest `attestation` of `reference`'s repository: the manifest
    /// (verified, cached) and its provenance statement (verified, capped); SBOM layers are only
    /// named.
    public func readAttestation(_ attestation: PublishedAttestation, in reference: ImageReference) async throws
        -> AttestationContent
    {
        let fetched = try await manifest(reference.at(attestation.digest))
        guard let image = fetched.image else {
            throw RegistryError.malformedManifest(
                registry: endpoint(reference.registry).description,
                request: "GET attestation manifest \(attestation.digest)",
                detail: "an attestation manifest must be an image manifest, not an index")
        }
        var content = AttestationContent(digest: attestation.digest, references: attestation.references)
        for layer in image.layers {
            let type = layer.annotations?[PredicateType.annotation] ?? ""
            content.predicateTypes.append(type)
            if let format = PredicateType.sbomFormat(type), !content.sboms.contains(format) {
                content.sboms.append(format)
            }
            // The first provenance statement is BuildKit's (it writes one per attestation manifest).
            guard PredicateType.isProvenance(type), layer.mediaType == PredicateType.statementMediaType,
                content.provenance == nil
            else { continue }
            let bytes = try await blobBytes(reference.at(layer.digest), limit: Self.provenanceLimit)
            content.provenance = try InTotoStatement.provenance(
                bytes, attestation: attestation.digest, layer: layer.digest)
            content.provenanceLayer = layer.digest
        }
        return content
    }

    /// Every attestation of `image`, read in index order.
    public func readAttestations(of image: PublishedImage, in reference: ImageReference) async throws
        -> [AttestationContent]
    {
        var out: [AttestationContent] = []
        for a in image.attestations { out.append(try await readAttestation(a, in: reference)) }
        return out
    }
}
