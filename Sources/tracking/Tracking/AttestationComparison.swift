import OfficialImages
import Registry
import TrackbotCore

/// What a platform's provenance says, for the report, beside the library's source.
public struct AttestationSummary: Encodable, Sendable, Equatable {
    /// The attestation manifest the provenance was read from.
    public var attestation: Digest
    public var predicateType: String?
    /// The build context as written (`REPO#COMMIT:DIR`), and its parts.
    public var configSource: String?
    public var repository: String?
    public var commit: String?
    public var directory: String?
    public var dockerfile: String?
    /// Base images among the materials, `URI@DIGEST`.
    public var baseImages: [String]
    /// SBOM formats present (`SPDX`).
    public var sboms: [String]
    public var builderID: String?
}

/// Compares each platform's SLSA provenance (as BuildKit writes it) with the library entry:
/// repository, commit, directory and Dockerfile, and its base-image materials with the
/// descriptor's `base.digest` annotation. Pure.
public enum AttestationComparison {
    public struct Outcome: Sendable, Equatable {
        public var findings: [Finding] = []
        /// Per architecture, what its provenance says (nil entry: no provenance).
        public var summaries: [String: AttestationSummary] = [:]
        public var notes: [TagNote] = []

        public init() {}
    }

    /// Compares when `index.attested` was read this run; otherwise there is nothing to compare
    /// (the recorded alerts stay, see `AlertLedger`).
    public static func compare(
        image: String, tag: String, platforms: [PlatformObservation], index: PublishedIndex?, previous: TagState?
    ) -> Outcome {
        var out = Outcome()
        guard let index, let attested = index.attested else { return out }
        // No attestation at all is how the image is built (oci-import, older builds): a note. A
        // platform left out while others are attested is what `attestation-missing` is for.
        guard attested.values.contains(where: { !$0.isEmpty }) else {
            if platforms.contains(where: { $0.source.builder != "oci-import" }) { out.notes.append(.noAttestations) }
            return out
        }
        for p in platforms {
            let key = p.arch.rawValue
            // oci-import pushes the upstream's manifest as it is: BuildKit never built it.
            guard p.source.builder != "oci-import", let pub = index.platform(p.arch) else { continue }
            let contents = attested[key] ?? []
            guard let content = contents.first(where: { $0.provenance != nil }), let provenance = content.provenance
            else {
                let message =
                    contents.isEmpty
                    ? "the published \(key) manifest \(pub.digest) has no attestation manifest: nothing says how it was built"
                    : "the attestation \(contents[0].digest) of the \(key) manifest holds no SLSA provenance (predicate types: \(contents.flatMap(\.predicateTypes).joined(separator: ", ")))"
                out.findings.append(
                    Finding(
                        kind: .attestationMissing, severity: .info, image: image, tag: tag, arch: key, message: message)
                )
                continue
            }
            out.summaries[key] = summary(content, provenance)
            guard provenance.repository != nil || provenance.commit != nil else {
                out.findings.append(
                    Finding(
                        kind: .attestationMissing, severity: .info, image: image, tag: tag, arch: key,
                        message:
                            "the provenance in attestation \(content.digest) names no git build context (built from a local directory?): nothing to compare with the library"
                    ))
                continue
            }
            let base = pub.annotations[AnnotationKey.baseDigest]
            let differences = differences(provenance, p.source, baseDigest: base)
            guard !differences.isEmpty else { continue }
            // The library moves before the registry rebuilds: while the published digest is the
            // trusted build and its provenance names that build's source, the rebuild is pending.
            let pending =
                previous?.platforms[key]?.trusted.map { t in
                    t.digest == pub.digest && t.source != p.source
                        && Self.differences(provenance, t.source, baseDigest: base).isEmpty
                } ?? false
            let fields = differences.map(\.field).joined(separator: ", ")
            var message =
                "the provenance in attestation \(content.digest) names another \(fields) than the library: "
                + differences.map { "\($0.field) \($0.actual) (library: \($0.expected))" }.joined(separator: "; ")
            if pending {
                message +=
                    "; the published image is still the trusted build of the previous library entry: its rebuild is pending"
            }
            out.findings.append(
                Finding(
                    kind: .attestationMismatch, severity: pending ? .warn : .alert, image: image, tag: tag, arch: key,
                    message: message,
                    expected: differences.map { "\($0.field) \($0.expected)" }.joined(separator: "; "),
                    actual: differences.map { "\($0.field) \($0.actual)" }.joined(separator: "; ")))
        }
        return out
    }

    struct Difference: Equatable {
        var field: String
        var expected: String
        var actual: String
    }

    /// The fields where `provenance` contradicts `source` (a field the provenance leaves out
    /// contradicts nothing).
    static func differences(_ provenance: BuildProvenance, _ source: ArchitectureSource, baseDigest: String?)
        -> [Difference]
    {
        var out: [Difference] = []
        if let repository = provenance.repository, !SourceLocation.sameRepository(repository, source.gitRepo) {
            out.append(Difference(field: "repository", expected: source.gitRepo, actual: repository))
        }
        if let commit = commit(of: provenance), commit != source.gitCommit {
            out.append(Difference(field: "commit", expected: source.gitCommit, actual: commit))
        }
        if provenance.repository != nil,
            SourceLocation.normalisedPath(provenance.directory ?? "") != SourceLocation.normalisedPath(source.directory)
        {
            out.append(
                Difference(field: "directory", expected: source.directory, actual: provenance.directory ?? "."))
        }
        // An omitted `filename` is the frontend's default, `Dockerfile`.
        let dockerfile = provenance.dockerfile ?? "Dockerfile"
        if SourceLocation.normalisedPath(dockerfile) != SourceLocation.normalisedPath(source.file) {
            out.append(Difference(field: "Dockerfile", expected: source.file, actual: dockerfile))
        }
        let bases = provenance.baseImages
        if let baseDigest, !bases.isEmpty, !bases.contains(where: { $0.digest == baseDigest }) {
            out.append(
                Difference(
                    field: "base image", expected: baseDigest,
                    actual: bases.map(material).joined(separator: ", ")))
        }
        return out
    }

    /// The commit the provenance names: its own, or a ref that is a full commit id
    /// (docker-library builds from `REPO#COMMIT:DIR`).
    static func commit(of p: BuildProvenance) -> String? {
        p.commit ?? p.ref.flatMap { Hex.isHex($0, count: 40) || Hex.isHex($0, count: 64) ? $0 : nil }
    }

    /// A base-image material as `URI@DIGEST`.
    static func material(_ m: ProvenanceMaterial) -> String { "\(m.uri)@\(m.digest ?? "-")" }

    static func summary(_ content: AttestationContent, _ p: BuildProvenance) -> AttestationSummary {
        AttestationSummary(
            attestation: content.digest, predicateType: p.predicateType, configSource: p.configSource,
            repository: p.repository, commit: commit(of: p), directory: p.directory,
            dockerfile: p.dockerfile ?? "Dockerfile",
            baseImages: p.baseImages.map(material), sboms: content.sboms,
            builderID: p.builderID)
    }
}
