import OfficialImages
import Registry
import TrackbotCore

/// Compares what one tag publishes with what its source says and with what was recorded last
/// time, per platform. Pure: no I/O, so every rule is a unit test.
public enum TagComparison {
    public struct Outcome: Sendable {
        public var findings: [Finding]
        public var state: TagState
        /// Things worth saying that are not findings (absent annotations, first sight).
        public var notes: [String]
    }

    public static func compare(image: String, tag: String, platforms: [PlatformObservation],
                               published: PublishedImage?, previous: TagState?, now: String) -> Outcome {
        var findings: [Finding] = []
        var notes: [String] = []
        func finding(_ kind: FindingKind, _ severity: Severity, _ arch: Architecture?, _ message: String,
                     expected: String? = nil, actual: String? = nil) {
            findings.append(Finding(kind: kind, severity: severity, image: image, tag: tag, arch: arch?.rawValue,
                                    message: message, expected: expected, actual: actual))
        }

        guard let published else {
            let since = previous?.unpublishedSince ?? now
            finding(.tagUnpublished, .warn, nil,
                    "\(image):\(tag) is in the library but not in the registry (since \(since)); normal for a few hours after a release")
            var state = previous ?? TagState()
            state.unpublishedSince = since
            // Keep what was recorded per platform so a later run still compares with it.
            for p in platforms where state.platforms[p.arch.rawValue] == nil {
                state.platforms[p.arch.rawValue] = PlatformState(digest: nil, source: p.source, parent: p.parent,
                                                                 parentDigest: p.parentDigest, expectedDigest: p.expectedDigest)
            }
            return Outcome(findings: findings, state: state, notes: notes)
        }

        var state = TagState(indexDigest: published.digest, mediaType: published.mediaType,
                             attestations: published.attestations.map(\.digest).sorted())
        var platformDigestsChanged = false
        for p in platforms {
            let key = p.arch.rawValue
            let before = previous?.platforms[key]
            guard let pub = published.platform(p.arch) else {
                let since = before?.missingSince ?? now
                finding(.platformMissing, .warn, p.arch,
                        "the library lists \(key) (\(p.arch.platform)) but the published index lacks it (since \(since)); normal while a release is building")
                state.platforms[key] = PlatformState(digest: before?.digest, source: p.source, parent: p.parent,
                                                     parentDigest: p.parentDigest, expectedDigest: p.expectedDigest,
                                                     missingSince: since)
                continue
            }
            // The parent's digest: resolved now when we could, else what the build system annotated.
            let parentDigest = p.parentDigest ?? pub.annotations[AnnotationKey.baseDigest].flatMap { try? Digest(parsing: $0) }
            state.platforms[key] = PlatformState(digest: pub.digest, source: p.source, parent: p.parent ?? pub.annotations[AnnotationKey.baseName],
                                                 parentDigest: parentDigest, expectedDigest: p.expectedDigest,
                                                 annotations: pub.annotations.filter { AnnotationKey.shown.contains($0.key) })

            if let expected = p.expectedDigest, expected != pub.digest {
                finding(.expectedDigestMismatch, .alert, p.arch,
                        "the published \(key) manifest is not the one in the upstream OCI layout (oci-import pushes it byte for byte)",
                        expected: expected.description, actual: pub.digest.description)
            }
            checkProvenance(p, pub.annotations, finding: { finding(.provenanceMismatch, .alert, p.arch, $0, expected: $1, actual: $2) },
                            note: { notes.append("\(key): \($0)") })

            guard let before, let oldDigest = before.digest else { continue }
            guard oldDigest != pub.digest else { continue }
            platformDigestsChanged = true
            let changed = SourceField.allCases.filter { before.source[$0] != p.source[$0] }
            if !changed.isEmpty {
                let what = changed.map { "\($0.rawValue) \(before.source[$0]) → \(p.source[$0])" }.joined(separator: ", ")
                finding(.rebuilt, .info, p.arch, "rebuilt because the library entry changed: \(what)",
                        expected: oldDigest.description, actual: pub.digest.description)
            } else if let oldParent = before.parentDigest, let newParent = parentDigest, oldParent != newParent {
                finding(.rebuilt, .info, p.arch,
                        "rebuilt because its parent \(p.parent ?? before.parent ?? "image") changed: \(oldParent) → \(newParent)",
                        expected: oldDigest.description, actual: pub.digest.description)
            } else {
                finding(.digestDrift, .alert, p.arch,
                        "the published \(key) digest changed with no change in the library entry and none in its parent",
                        expected: oldDigest.description, actual: pub.digest.description)
            }
        }
        if let oldIndex = previous?.indexDigest, oldIndex != published.digest, !platformDigestsChanged {
            let oldAtt = Set(previous?.attestations ?? []), newAtt = Set(state.attestations ?? [])
            let what = newAtt.subtracting(oldAtt).isEmpty ? "platforms or annotations" : "attestations"
            finding(.indexChanged, .info, nil, "only the index changed (\(what) added); every platform digest is the same",
                    expected: oldIndex.description, actual: published.digest.description)
        }
        return Outcome(findings: findings, state: state, notes: notes)
    }

    /// `org.opencontainers.image.revision` must be the library's commit; `.source`
    /// (`<repo>#<commit>:<dir>`) must name the library's repository, commit and directory.
    static func checkProvenance(_ p: PlatformObservation, _ annotations: [String: String],
                                finding: (String, String, String) -> Void, note: (String) -> Void) {
        let revision = annotations[AnnotationKey.revision]
        let source = annotations[AnnotationKey.source]
        if revision == nil && source == nil {
            note("no revision/source annotations to compare with the library (not an alert: older builds lack them)")
            return
        }
        if let revision, revision != p.source.gitCommit {
            finding("the published revision annotation is not the library's GitCommit", p.source.gitCommit, revision)
        }
        if let source {
            let expected = "\(p.source.gitRepo)#\(p.source.gitCommit):\(p.source.directory)"
            if !sameSource(source, p.source) {
                finding("the published source annotation does not name the library's repository, commit and directory", expected, source)
            }
        }
    }

    static func sameSource(_ annotation: String, _ s: ArchitectureSource) -> Bool {
        guard let hash = annotation.lastIndex(of: "#") else { return false }
        let repo = String(annotation[..<hash])
        let rest = annotation[annotation.index(after: hash)...]
        let commit = rest.prefix { $0 != ":" }
        let dir = rest.dropFirst(commit.count).drop { $0 == ":" }
        func norm(_ r: String) -> String {
            var r = r.lowercased()
            if r.hasSuffix("/") { r.removeLast() }
            if r.hasSuffix(".git") { r.removeLast(4) }
            return r
        }
        func normDir(_ d: Substring) -> String { d.isEmpty || d == "." ? "." : (d.hasSuffix("/") ? String(d.dropLast()) : String(d)) }
        return norm(repo) == norm(s.gitRepo) && commit == s.gitCommit && normDir(dir) == normDir(Substring(s.directory))
    }
}

extension TagState {
    /// What the registry published as recorded, for a tag whose index digest has not changed
    /// (so only a HEAD request was needed this run).
    public func republished(reference: String) -> PublishedImage? {
        guard let index = indexDigest else { return nil }
        let platforms: [PublishedPlatform] = self.platforms.sorted { $0.key < $1.key }.compactMap { key, p in
            guard let digest = p.digest, p.missingSince == nil, let arch = Architecture(rawValue: key) else { return nil }
            let platform = arch.platform
            return PublishedPlatform(architecture: platform.architecture, os: platform.os, variant: platform.variant,
                                     digest: digest, bashbrewArch: key, annotations: p.annotations ?? [:], size: 0,
                                     mediaType: MediaType.ociManifest)
        }
        return PublishedImage(reference: reference, mediaType: mediaType ?? MediaType.ociIndex, digest: index,
                              platforms: platforms, attestations: [])
    }
}
