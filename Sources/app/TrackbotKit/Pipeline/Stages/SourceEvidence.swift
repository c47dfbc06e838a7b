import GitMirror
import OfficialImages
import TrackbotCore
import Tracking
import Verification

/// A tag's check, stage 1: what its upstream sources say, per architecture the library lists
/// (and `--arch` keeps): the artefacts verified, the OCI layout's manifest, the parent and the
/// parent's published digest (trackbot's own lookup).
struct SourceEvidence: Sendable {
    struct Platform: Sendable {
        var observation: PlatformObservation
        /// What was verified at the source (a ✓ line each).
        var verified: [Verified]
        /// The verification report (for `--deep`); nil when the source could not be verified.
        var report: VerificationReport?
        /// Why this architecture could not be checked.
        var failure: String?

        /// What the Dockerfile downloads for this architecture (nil when it downloads nothing).
        var pins: ArchitecturePins? {
            report?.dockerfile?.architecturePins.first { $0.architecture == observation.arch }
        }
    }

    var platforms: [Platform]
    var findings: [Finding]
    /// How many architectures the library lists for the tag, whatever `--arch` kept.
    var listed: Int

    /// Why the tag could not be checked at its source (the last architecture's reason).
    var failure: String? { platforms.last { $0.failure != nil }?.failure }

    static func gather(
        tag: String, entries: [Entry], target: CheckPipeline.Target,
        verification: SourceVerification, registry: PublishedDigests?
    ) async -> SourceEvidence {
        var evidence = SourceEvidence(platforms: [], findings: [], listed: 0)
        for entry in entries {
            evidence.listed += entry.architectures.count
            for arch in entry.architectures where target.architectures?.contains(arch) ?? true {
                let source = entry.source(for: arch)
                let outcome = await verification.verify(source)
                evidence.findings += findings(of: outcome, source: source, image: target.image, tag: tag, arch: arch)
                var failure = outcome.error
                var observation = PlatformObservation(
                    arch: arch, source: source,
                    expectedDigest: outcome.report?.layout?.expectedManifestDigest,
                    parent: outcome.report?.parent.flatMap { $0 == "scratch" ? nil : $0 })
                if let parent = observation.parent, let registry {
                    // The parent's digest is trackbot's own lookup; when it fails, a changed digest
                    // cannot be explained, so the tag could not be checked.
                    do { observation.parentDigest = try await registry.parentDigest(parent, arch: arch) } catch {
                        failure = "parent \(parent): \(error)"
                    }
                }
                evidence.platforms.append(
                    Platform(
                        observation: observation, verified: outcome.verified,
                        report: outcome.report, failure: failure))
            }
        }
        return evidence
    }
}

extension SourceEvidence {
    /// The findings of one source's verification in this image, tag and architecture. A
    /// rewritten upstream ref belongs to the repository (no tag, no architecture).
    static func findings(
        of outcome: SourceVerification.Outcome, source: ArchitectureSource, image: String, tag: String,
        arch: Architecture
    ) -> [Finding] {
        let repo = Redaction.stripCredentials(source.gitRepo)
        var findings = outcome.rewrittenRefs.map { update in
            let isTag = update.name.hasPrefix("refs/tags/")
            return Finding(
                kind: .upstreamRewritten, severity: isTag ? .alert : .info, image: image,
                message: isTag
                    ? "tag \(update.name) of \(repo) was moved (tags are meant to stay)"
                    : "branch \(update.name) of \(repo) was force-pushed (some upstreams replace release branches on every release)",
                expected: update.old?.hex, actual: update.new?.hex)
        }
        if let tip = outcome.unreachableFrom {
            findings.append(
                Finding(
                    kind: .commitNotInRef, severity: .warn, image: image, tag: tag, arch: arch.rawValue,
                    message:
                        "GitCommit \(source.gitCommit) is not reachable from \(source.gitFetch) (now at \(tip.hex.prefix(12))) in \(repo)",
                    expected: source.gitFetch, actual: source.gitCommit))
        }
        // The verifier reads a directory at a commit and knows no image: its findings are given
        // their image, tag and architecture here. An alert is kept once per image, tag and
        // architecture, so a layout's problems are one `layout-invalid` alert naming each.
        var reported = outcome.report?.findings ?? []
        if let problems = outcome.report?.layout?.problems, problems.count > 1,
            let combined = problems.finding(.layoutInvalid)
        {
            reported = reported.filter { $0.kind != .layoutInvalid } + [combined]
        }
        findings += reported.map { $0.with(image: image, tag: tag, arch: arch.rawValue) }
        return findings
    }
}

extension Finding {
    /// The verifier's finding in the image, tag and architecture it was found for.
    func with(image: String, tag: String?, arch: String?) -> Finding {
        Finding(
            kind: kind, severity: severity, image: image, tag: tag, arch: arch,
            message: message, expected: expected, actual: actual, openSince: openSince, alertStatus: alertStatus)
    }
}
