import TrackbotCore

/// Something worth saying about a tag's check that is not a finding, as data: what the registry
/// was asked, what could not be compared, what `--deep` compared. The words are Reporting's
/// (`NoteWording`): the text report's `note: …` lines and the strings of the JSON report's
/// `notes`.
public enum TagNote: Hashable, Sendable {
    /// `--offline`: the registry was not asked.
    case registryNotAsked
    /// A HEAD showed the index digest unchanged: the index was not fetched again.
    case indexUnchanged
    /// The published platform has neither revision nor source annotation to compare with the
    /// library (older builds lack them).
    case noProvenanceAnnotations(arch: String)
    /// The published `base.digest` annotation names another digest than trackbot's lookup of
    /// the parent (`parent`; nil when the source names none).
    case baseDigestDiffers(arch: String, annotated: String, parent: String?, lookedUp: Digest)
    /// The index carries no attestation manifest at all (built without BuildKit's attestations,
    /// or before they existed): no provenance to compare, and no platform singled out.
    case noAttestations
    /// `--deep`: the platform is not published, so its rootfs tarball has nothing to be compared with.
    case deepNothingPublished(arch: String, tarball: String)
    /// `--deep`: the published manifest has more than one layer; only a single-layer FROM
    /// scratch image is compared with its rootfs tarball.
    case deepNotSingleLayer(arch: String, layers: Int)
    /// `--deep`: the published layer holds the same entries as the rootfs tarball.
    case deepSameContent(arch: String, layer: Digest, entries: Int, tarball: String)
    /// `--deep`: `file` (a download, or the checksum list it is checked against) carries the
    /// signature at `signature`; `by` is the primary key fingerprint `gpgv` found it made by with
    /// the configured keyring, nil when no keyring is configured (keys not checked).
    case deepSigned(arch: String, file: String, signature: String, by: String?)
    /// `--deep`: the download at `url` was fetched (`bytes` long) and hashes to the `digest`
    /// that `pinnedBy` (an `ADD --checksum`, a pinned checksum, a checksum list's line) names.
    case deepPinMatched(arch: String, url: String, digest: String, bytes: Int64, pinnedBy: String)
}

extension TagNote: Encodable {
    /// The string Reporting makes of it (`ReportWording`).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(try ReportWording.of(encoder, for: self).note(self))
    }
}
