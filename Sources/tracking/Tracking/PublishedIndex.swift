import Registry
import TrackbotCore

/// What the registry publishes for one tag, as this run knows it: the index fetched now, or, when
/// a HEAD request showed the index digest unchanged, the index as it was recorded. The recorded
/// form says so (`fetched == false`) and carries only what was recorded: no attestations (the
/// recorded ones stay), no platform disagreements (they were reported when it was fetched).
public struct PublishedIndex: Sendable, Equatable {
    /// One platform as a client pulling it gets it.
    public struct Descriptor: Sendable, Equatable {
        /// The per-platform manifest digest.
        public var digest: Digest
        /// The descriptor's annotations (all of them when fetched; the recorded ones otherwise).
        public var annotations: [String: String]
        public var platform: Platform
    }

    /// The index digest (what `docker pull` shows).
    public var digest: Digest
    public var mediaType: String
    /// Per bashbrew architecture, the descriptor a client pulls (the first of its platform).
    public var descriptors: [String: Descriptor]
    /// Descriptors whose annotation names another architecture, or a platform given twice.
    public var disagreements: [PlatformDisagreement]
    /// Attestation manifests; nil when the index was not fetched this run.
    public var attestations: [Digest]?
    /// Whether the index was fetched this run (false: the recorded one, its digest unchanged).
    public var fetched: Bool
    /// Per bashbrew architecture, what the attestation manifests about its descriptor say; nil
    /// when they were not read this run (index unchanged, or not read at all).
    public var attested: [String: [AttestationContent]]?

    /// The index as fetched.
    public init(_ image: PublishedImage) {
        digest = image.digest
        mediaType = image.mediaType
        var descriptors: [String: Descriptor] = [:]
        for p in image.platforms {
            guard let arch = p.bashbrewArch, descriptors[arch] == nil else { continue }
            descriptors[arch] = Descriptor(digest: p.digest, annotations: p.annotations, platform: p.platform)
        }
        self.descriptors = descriptors
        disagreements = image.platformDisagreements
        attestations = image.attestations.map(\.digest).sorted()
        fetched = true
        attested = nil
    }

    /// The index as `recorded` (nil when nothing published was recorded).
    public init?(recorded: TagState) {
        guard let index = recorded.indexDigest else { return nil }
        digest = index
        mediaType = recorded.mediaType ?? MediaType.ociIndex
        var recordedDescriptors = recorded.indexPlatforms ?? [:]
        if recorded.indexPlatforms == nil {
            // Recorded before indexPlatforms: the compared platforms are all there is.
            for (key, p) in recorded.platforms {
                guard let digest = p.digest, p.missingSince == nil else { continue }
                recordedDescriptors[key] = RecordedDescriptor(digest: digest, annotations: p.annotations)
            }
        }
        descriptors = recordedDescriptors.reduce(into: [:]) { out, item in
            guard let arch = Architecture(rawValue: item.key) else { return }
            out[item.key] = Descriptor(
                digest: item.value.digest, annotations: item.value.annotations ?? [:], platform: arch.platform)
        }
        disagreements = []
        attestations = nil
        fetched = false
        attested = nil
    }

    /// Files `contents` (the index's attestations, as read) under the architecture whose
    /// descriptor each is about; an attestation about a shadowed descriptor is not what a client
    /// gets, and is left out.
    public mutating func attach(_ contents: [AttestationContent]) {
        var out: [String: [AttestationContent]] = descriptors.mapValues { _ in [] }
        for c in contents {
            for (arch, d) in descriptors where d.digest == c.references { out[arch, default: []].append(c) }
        }
        attested = out
    }

    /// The descriptor a client pulling `arch` gets.
    public func platform(_ arch: Architecture) -> Descriptor? { descriptors[arch.rawValue] }
}
