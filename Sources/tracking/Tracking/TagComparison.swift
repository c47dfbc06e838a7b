import OfficialImages
import Registry
import TrackbotCore

/// Compares what one tag publishes with what its source says and with what was recorded last
/// time, per platform. Pure: no I/O, so every rule is a unit test.
public enum TagComparison {
    public struct Outcome: Sendable {
        public var findings: [Finding]
        public var state: TagState
        /// Things worth saying that are not findings (absent annotations, a base digest that
        /// disagrees with trackbot's lookup).
        public var notes: [TagNote]
        /// Per architecture: what was compared with the registry and matched (the report's
        /// `verified`, after the source's; a ✓ needs at least one).
        public var matched: [String: [Verified]] = [:]
        /// Architectures seen for the first time: their digest became the trusted one.
        public var firstSighting: Set<String> = []
    }

    /// With the index as fetched this run.
    public static func compare(
        image: String, tag: String, platforms: [PlatformObservation],
        published: PublishedImage?, previous: TagState?, now: String
    ) -> Outcome {
        compare(
            image: image, tag: tag, platforms: platforms, index: published.map(PublishedIndex.init), previous: previous,
            now: now)
    }

    /// With the index as this run knows it: fetched, or recorded when its digest is unchanged.
    public static func compare(
        image: String, tag: String, platforms: [PlatformObservation],
        index published: PublishedIndex?, previous: TagState?, now: String
    ) -> Outcome {
        var findings: [Finding] = []
        var notes: [TagNote] = []
        var matched: [String: [Verified]] = [:]
        var firstSighting = Set<String>()
        func finding(
            _ kind: FindingKind, _ severity: Severity, _ arch: String?, _ message: String,
            expected: String? = nil, actual: String? = nil
        ) {
            findings.append(
                Finding(
                    kind: kind, severity: severity, image: image, tag: tag, arch: arch,
                    message: message, expected: expected, actual: actual))
        }

        guard let published else {
            let since = previous?.unpublishedSince ?? now
            finding(
                .tagUnpublished, .warn, nil,
                "\(image):\(tag) is in the library but not in the registry (since \(since)); normal for a few hours after a release"
            )
            var state = previous ?? TagState()
            state.unpublishedSince = since
            // Keep what was recorded per platform so a later run still compares with it.
            for p in platforms where state.platforms[p.arch.rawValue] == nil {
                state.platforms[p.arch.rawValue] = PlatformState(
                    digest: nil, source: p.source, parent: p.parent,
                    parentDigest: p.parentDigest, expectedDigest: p.expectedDigest)
            }
            return Outcome(findings: findings, state: state, notes: notes)
        }

        // An index not fetched this run (its digest unchanged) keeps the recorded attestations.
        var state = TagState(
            indexDigest: published.digest, mediaType: published.mediaType,
            attestations: published.attestations ?? previous?.attestations)
        state.indexPlatforms = published.descriptors.mapValues {  // the first of each platform: what a client pulls
            RecordedDescriptor(
                digest: $0.digest, annotations: $0.annotations.filter { AnnotationKey.shown.contains($0.key) })
        }
        // A descriptor whose annotation names another architecture than its platform, or a platform
        // given twice: what a client pulls is not what the annotation says.
        for d in published.disagreements {
            let arch = d.annotatedArch ?? d.platformArch
            if let shadow = d.shadowedBy {
                finding(
                    .platformMismatch, .alert, arch,
                    "the index lists \(d.platform) twice; a client pulling it gets \(shadow), not \(d.digest)",
                    expected: shadow.description, actual: d.digest.description)
            } else {
                finding(
                    .platformMismatch, .alert, arch,
                    "descriptor \(d.digest) is annotated \(d.annotatedArch ?? "-") but its platform is \(d.platform) (\(d.platformArch ?? "no bashbrew architecture")); clients pull by platform",
                    expected: d.annotatedArch, actual: d.platform)
            }
        }
        var platformDigestsChanged = false
        for p in platforms {
            let key = p.arch.rawValue
            let before = previous?.platforms[key]
            guard let pub = published.platform(p.arch) else {
                let since = before?.missingSince ?? now
                finding(
                    .platformMissing, .warn, key,
                    "the library lists \(key) (\(p.arch.platform)) but the published index lacks it (since \(since)); normal while a release is building"
                )
                state.platforms[key] = PlatformState(
                    digest: before?.digest, source: p.source, parent: p.parent,
                    parentDigest: p.parentDigest, expectedDigest: p.expectedDigest,
                    missingSince: since, annotations: before?.annotations, trusted: before?.trusted)
                continue
            }
            var platformState = PlatformState(
                digest: pub.digest, source: p.source, parent: p.parent,
                parentDigest: p.parentDigest, expectedDigest: p.expectedDigest,
                annotations: pub.annotations.filter { AnnotationKey.shown.contains($0.key) },
                trusted: before?.trusted)
            var compared: [Verified] = []

            if let expected = p.expectedDigest {
                if expected != pub.digest {
                    finding(
                        .expectedDigestMismatch, .alert, key,
                        "the published \(key) manifest is not the one in the upstream OCI layout (oci-import pushes it byte for byte)",
                        expected: expected.description, actual: pub.digest.description)
                } else {
                    compared.append(.publishedIsUpstreamLayout(published: pub.digest))
                }
            }
            var provenanceFailed = false
            // The library moves before the registry rebuilds: while the published digest is still
            // the trusted build and its annotations name that build's source, the mismatch is a
            // pending rebuild (warn), not an image built from something else.
            let pending =
                before?.trusted.map { t in
                    t.digest == pub.digest && t.source != p.source
                        && !failsProvenance(PlatformObservation(arch: p.arch, source: t.source), pub.annotations)
                } ?? false
            checkProvenance(
                p, pub.annotations,
                finding: { message, expected, actual in
                    provenanceFailed = true
                    if pending {
                        finding(
                            .provenanceMismatch, .warn, key,
                            "\(message): the published image is still the trusted build of the previous library entry; its rebuild is pending",
                            expected: expected, actual: actual)
                    } else {
                        finding(.provenanceMismatch, .alert, key, message, expected: expected, actual: actual)
                    }
                }, noAnnotations: { notes.append(.noProvenanceAnnotations(arch: key)) })
            if !provenanceFailed,
                pub.annotations[AnnotationKey.revision] != nil || pub.annotations[AnnotationKey.source] != nil
            {
                compared.append(.provenanceAnnotations)
            }
            // The image's own word on its parent is compared with trackbot's lookup, never used for it.
            if let claimed = pub.annotations[AnnotationKey.baseDigest], let looked = p.parentDigest,
                claimed != looked.description
            {
                notes.append(.baseDigestDiffers(arch: key, annotated: claimed, parent: p.parent, lookedUp: looked))
            }
            if before?.digest.map({ $0 != pub.digest }) ?? false { platformDigestsChanged = true }

            if let trusted = before?.trusted {
                if trusted.digest == pub.digest {
                    compared.append(.trustedDigest(trusted.digest, since: trusted.since))
                } else {
                    let changed = SourceField.allCases.filter { trusted.source[$0] != p.source[$0] }
                    let rebuilt: String?
                    if !changed.isEmpty {
                        let what = changed.map { "\($0.rawValue) \(trusted.source[$0]) → \(p.source[$0])" }.joined(
                            separator: ", ")
                        rebuilt = "rebuilt because the library entry changed: \(what)"
                    } else if let oldParent = trusted.parentDigest, let newParent = p.parentDigest,
                        oldParent != newParent
                    {
                        rebuilt =
                            "rebuilt because its parent \(p.parent ?? "image") changed: \(oldParent) → \(newParent) (looked up by trackbot; \(Self.parentConfirmation(published.attested?[key], newParent)))"
                    } else {
                        rebuilt = nil
                    }
                    if let rebuilt {
                        finding(
                            .rebuilt, .info, key, rebuilt, expected: trusted.digest.description,
                            actual: pub.digest.description)
                        platformState.trusted = TrustedBuild(
                            digest: pub.digest, source: p.source, parentDigest: p.parentDigest,
                            since: now, reason: rebuilt)
                    } else {
                        // The trusted build stays: the next run compares with it again, so the alert
                        // is found again until it is explained or answered.
                        finding(
                            .digestDrift, .alert, key,
                            "the published \(key) digest changed with no change in the library entry and none in its parent",
                            expected: trusted.digest.description, actual: pub.digest.description)
                    }
                }
            } else {
                firstSighting.insert(key)
                platformState.trusted = TrustedBuild(
                    digest: pub.digest, source: p.source, parentDigest: p.parentDigest,
                    since: now, reason: "first sighting")
            }
            matched[key] = compared
            state.platforms[key] = platformState
        }
        if let oldIndex = previous?.indexDigest, oldIndex != published.digest, !platformDigestsChanged {
            let oldAtt = Set(previous?.attestations ?? []), newAtt = Set(state.attestations ?? [])
            let what = newAtt.subtracting(oldAtt).isEmpty ? "platforms or annotations" : "attestations"
            finding(
                .indexChanged, .info, nil, "only the index changed (\(what) added); every platform digest is the same",
                expected: oldIndex.description, actual: published.digest.description)
        }
        return Outcome(findings: findings, state: state, notes: notes, matched: matched, firstSighting: firstSighting)
    }

    /// `org.opencontainers.image.revision` must be the library's commit; `.source`
    /// (`<repo>#<commit>:<dir>`) must name the library's repository, commit and directory.
    static func checkProvenance(
        _ p: PlatformObservation, _ annotations: [String: String],
        finding: (String, String, String) -> Void, noAnnotations: () -> Void
    ) {
        let revision = annotations[AnnotationKey.revision]
        let source = annotations[AnnotationKey.source]
        if revision == nil && source == nil {
            noAnnotations()
            return
        }
        if let revision, revision != p.source.gitCommit {
            finding("the published revision annotation is not the library's GitCommit", p.source.gitCommit, revision)
        }
        if let source {
            let expected = "\(p.source.gitRepo)#\(p.source.gitCommit):\(p.source.directory)"
            if !sameSource(source, p.source) {
                finding(
                    "the published source annotation does not name the library's repository, commit and directory",
                    expected, source)
            }
        }
    }

    /// Whether the annotations contradict `p`'s source.
    static func failsProvenance(_ p: PlatformObservation, _ annotations: [String: String]) -> Bool {
        var failed = false
        checkProvenance(p, annotations, finding: { _, _, _ in failed = true }, noAnnotations: {})
        return failed
    }

    static func sameSource(_ annotation: String, _ s: ArchitectureSource) -> Bool {
        SourceLocation.annotationNames(annotation, repository: s.gitRepo, commit: s.gitCommit, directory: s.directory)
    }

    /// Whether the platform's provenance (read this run) confirms that it was built on
    /// `parent`: one of its base-image materials has that digest. Said either way.
    static func parentConfirmation(_ attested: [AttestationContent]?, _ parent: Digest) -> String {
        let bases = (attested ?? []).compactMap(\.provenance).flatMap(\.baseImages)
        guard attested != nil, !bases.isEmpty else { return "no provenance read to confirm it" }
        if bases.contains(where: { $0.digest == parent.description }) {
            return "the provenance names it as the base image"
        }
        let named = bases.map { "\($0.uri)@\($0.digest ?? "?")" }.joined(separator: ", ")
        return "not confirmed: the provenance names \(named) as the base"
    }
}
