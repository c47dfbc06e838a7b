import OfficialImages
import Registry
import Testing
import TrackbotCore
import Tracking

private func d(_ c: Character) -> Digest { try! Digest(parsing: "sha256:" + String(repeating: c, count: 64)) }
private let commitA = String(repeating: "a", count: 40)
private let commitB = String(repeating: "b", count: 40)
private let repo = "https://github.com/nodejs/docker-node.git"
private let base = "sha256:" + String(repeating: "e", count: 64)

private func source(_ commit: String = commitA, dir: String = "22/alpine3.20", builder: String = "")
    -> ArchitectureSource
{
    ArchitectureSource(
        gitRepo: repo, gitFetch: "refs/heads/main", gitCommit: commit, directory: dir, file: "Dockerfile",
        builder: builder)
}

private func provenance(
    repository: String = "https://github.com/nodejs/docker-node.git", commit: String = commitA,
    dir: String? = "22/alpine3.20", dockerfile: String? = "Dockerfile", baseDigest: String = base
) -> BuildProvenance {
    BuildProvenance(
        predicateType: PredicateType.slsaProvenance02, configSource: "\(repository)#\(commit):\(dir ?? "")",
        repository: repository, ref: commit, directory: dir, commit: commit, dockerfile: dockerfile,
        materials: [
            ProvenanceMaterial(uri: "pkg:docker/alpine@3.20?platform=linux%2Famd64", digest: baseDigest),
            ProvenanceMaterial(uri: "\(repository)#\(commit)", digest: "sha1:\(commit)"),
        ])
}

/// An index with amd64 (platform d("1"), base.digest annotated) and arm64v8 (d("2")), and the
/// given attestation contents.
private func index(_ contents: [AttestationContent], annotations: [String: String] = [AnnotationKey.baseDigest: base])
    -> PublishedIndex
{
    var index = PublishedIndex(
        PublishedImage(
            reference: "docker.io/library/node:22-alpine", mediaType: MediaType.ociIndex, digest: d("0"),
            platforms: [
                PublishedPlatform(
                    architecture: "amd64", os: "linux", variant: nil, digest: d("1"), bashbrewArch: "amd64",
                    annotations: annotations, size: 1, mediaType: MediaType.ociManifest),
                PublishedPlatform(
                    architecture: "arm64", os: "linux", variant: "v8", digest: d("2"), bashbrewArch: "arm64v8",
                    annotations: annotations, size: 1, mediaType: MediaType.ociManifest),
            ],
            attestations: contents.map {
                PublishedAttestation(digest: $0.digest, references: $0.references, annotations: [:], size: 1)
            }))
    index.attach(contents)
    return index
}

private func attested(_ p: BuildProvenance?, about platform: Digest = d("1"), digest: Digest = d("a"))
    -> AttestationContent
{
    AttestationContent(
        digest: digest, references: platform, provenance: p, provenanceLayer: p == nil ? nil : d("f"),
        sboms: ["SPDX"],
        predicateTypes: (p == nil ? [] : [PredicateType.slsaProvenance02]) + [PredicateType.spdx])
}

private func compare(
    _ index: PublishedIndex?, source s: ArchitectureSource = source(), arches: [Architecture] = [.amd64],
    previous: TagState? = nil
) -> AttestationComparison.Outcome {
    AttestationComparison.compare(
        image: "node", tag: "22-alpine", platforms: arches.map { PlatformObservation(arch: $0, source: s) },
        index: index, previous: previous)
}

@Suite struct AttestationComparisonTests {
    @Test func attestation_libraryCommitMatches() {
        let out = compare(index([attested(provenance())]))
        #expect(out.findings.isEmpty, "\(out.findings)")
        let summary = out.summaries["amd64"]
        #expect(summary?.commit == commitA && summary?.directory == "22/alpine3.20" && summary?.sboms == ["SPDX"])
        #expect(summary?.attestation == d("a"))
    }

    /// Scheme, host case and `.git` are ways of writing one repository.
    @Test func attestation_repositorySpellingsAgree() {
        for spelling in [
            "https://GitHub.com/nodejs/docker-node", "http://github.com/nodejs/docker-node.git/",
            "git://github.com/nodejs/docker-node.git",
        ] {
            let out = compare(index([attested(provenance(repository: spelling))]))
            #expect(out.findings.isEmpty, "\(spelling): \(out.findings)")
        }
        let other = compare(index([attested(provenance(repository: "https://github.com/evil/docker-node.git"))]))
        #expect(other.findings.map(\.kind) == [.attestationMismatch])
    }

    @Test func attestationMismatch_anotherCommitIsAnAlert() throws {
        let out = compare(index([attested(provenance(commit: commitB))]))
        let f = try #require(out.findings.first)
        #expect(out.findings.count == 1)
        #expect(f.kind == .attestationMismatch && f.severity == .alert && f.arch == "amd64")
        #expect(f.expected == "commit \(commitA)" && f.actual == "commit \(commitB)")
        #expect(f.message.contains(d("a").description), "names the attestation: \(f.message)")
    }

    @Test func attestationMismatch_directoryDockerfileAndBaseImage() throws {
        let out = compare(
            index([
                attested(
                    provenance(
                        dir: "20/alpine3.20", dockerfile: "Dockerfile.evil",
                        baseDigest: "sha256:" + String(repeating: "9", count: 64)))
            ]))
        let f = try #require(out.findings.first)
        #expect(out.findings.count == 1, "one alert per platform, naming every field")
        #expect(f.expected?.contains("directory 22/alpine3.20") == true, "\(f.expected ?? "")")
        #expect(f.actual?.contains("directory 20/alpine3.20") == true)
        #expect(f.actual?.contains("Dockerfile Dockerfile.evil") == true)
        #expect(f.expected?.contains("base image \(base)") == true)
    }

    /// A directory written `./x/` or a Dockerfile `./Dockerfile` is the same path; BuildKit
    /// leaves `filename` out when it is the default.
    @Test func attestation_pathsAreCompareCleaned() {
        let out = compare(index([attested(provenance(dir: "./22/alpine3.20/", dockerfile: nil))]))
        #expect(out.findings.isEmpty, "\(out.findings)")
    }

    /// No base.digest annotation: the materials have nothing to be compared with.
    @Test func attestation_baseImageComparedOnlyWithTheAnnotation() {
        let out = compare(
            index(
                [attested(provenance(baseDigest: "sha256:" + String(repeating: "9", count: 64)))], annotations: [:]))
        #expect(out.findings.isEmpty, "\(out.findings)")
    }

    @Test func attestationMissing_platformWithoutAttestationIsInfo() throws {
        let out = compare(index([attested(provenance())]), arches: [.amd64, .arm64v8])
        let f = try #require(out.findings.first)
        #expect(out.findings.count == 1)
        #expect(f.kind == .attestationMissing && f.severity == .info && f.arch == "arm64v8")
        #expect(f.message.contains(d("2").description))
    }

    @Test func attestationMissing_attestationWithOnlyAnSBOM() throws {
        let out = compare(index([attested(nil)]))
        let f = try #require(out.findings.first)
        #expect(f.kind == .attestationMissing && f.severity == .info)
        #expect(f.message.contains("https://spdx.dev/Document"), "\(f.message)")
        #expect(out.summaries.isEmpty)
    }

    /// An index with no attestation at all is how some images are built: a note, not a finding.
    @Test func attestation_noneInTheIndexIsANote() {
        let out = compare(index([]), arches: [.amd64, .arm64v8])
        #expect(out.findings.isEmpty)
        #expect(out.notes == [.noAttestations])
    }

    /// oci-import images are pushed as they are: BuildKit did not build them.
    @Test func attestation_ociImportIsNotCompared() {
        let out = compare(index([attested(provenance(commit: commitB))]), source: source(builder: "oci-import"))
        #expect(out.findings.isEmpty && out.notes.isEmpty)
    }

    /// Not read this run (index unchanged): nothing to say; the recorded alert stays (AlertLedger).
    @Test func attestation_notReadSaysNothing() {
        var unread = index([attested(provenance(commit: commitB))])
        unread.attested = nil
        #expect(compare(unread).findings.isEmpty)
        #expect(compare(nil).findings.isEmpty)
    }

    /// The library moved, the registry has not rebuilt yet: the trusted build's provenance names
    /// the previous entry's commit. A pending rebuild (warn), as for the annotations.
    @Test func attestationMismatch_pendingRebuildIsAWarning() throws {
        var previous = TagState()
        previous.platforms["amd64"] = PlatformState(
            digest: d("1"), source: source(commitB),
            trusted: TrustedBuild(
                digest: d("1"), source: source(commitB), parentDigest: nil, since: "2026-01-01T00:00:00Z",
                reason: "first sighting"))
        let out = compare(index([attested(provenance(commit: commitB))]), previous: previous)
        let f = try #require(out.findings.first)
        #expect(f.kind == .attestationMismatch && f.severity == .warn, "\(f)")
        #expect(f.message.contains("pending"))
    }

    @Test func alertLedger_attestationAlertStaysWhenAttestationsWereNotRead() throws {
        let alert = Finding(
            kind: .attestationMismatch, severity: .alert, image: "node", tag: "22-alpine", arch: "amd64",
            message: "m", expected: "commit a", actual: "commit b")
        let first = AlertLedger.update(
            image: "node", previous: [], findings: [alert],
            scope: .init(platforms: ["22-alpine": ["amd64"]], registry: true, attestations: ["22-alpine"]), mutes: [],
            now: .now, nowText: "t1")
        #expect(first.records.count == 1)
        // Index unchanged: registry asked, platform checked, attestations not read.
        let second = AlertLedger.update(
            image: "node", previous: first.records, findings: [],
            scope: .init(platforms: ["22-alpine": ["amd64"]], registry: true), mutes: [], now: .now, nowText: "t2")
        #expect(second.records.count == 1)
        #expect(second.findings.first?.alertStatus == .open)
        // Read again and not found: resolved.
        let third = AlertLedger.update(
            image: "node", previous: second.records, findings: [],
            scope: .init(platforms: ["22-alpine": ["amd64"]], registry: true, attestations: ["22-alpine"]), mutes: [],
            now: .now, nowText: "t3")
        #expect(third.records.isEmpty)
        #expect(third.findings.first?.alertStatus == .resolved)
    }
}

/// Issue 14: a rebuild explained by a changed parent says whether the provenance confirms the
/// new parent digest.
@Suite struct ParentRebuildConfirmationTests {
    func rebuilt(_ contents: [AttestationContent]) throws -> Finding {
        let newParent = try Digest(parsing: base)
        let previous = TagState(
            indexDigest: d("8"),
            platforms: [
                "amd64": PlatformState(
                    digest: d("9"), source: source(), parent: "alpine:3.20", parentDigest: d("7"),
                    trusted: TrustedBuild(
                        digest: d("9"), source: source(), parentDigest: d("7"), since: "2026-01-01T00:00:00Z",
                        reason: "first sighting"))
            ])
        let outcome = TagComparison.compare(
            image: "node", tag: "22-alpine",
            platforms: [
                PlatformObservation(arch: .amd64, source: source(), parent: "alpine:3.20", parentDigest: newParent)
            ],
            index: index(contents), previous: previous, now: "2026-12-02T00:00:00Z")
        return try #require(outcome.findings.first { $0.kind == .rebuilt }, "\(outcome.findings)")
    }

    @Test func provenanceNamingTheNewParentConfirmsTheRebuild() throws {
        let f = try rebuilt([attested(provenance(baseDigest: base))])
        #expect(f.message.contains("the provenance names it as the base image"), "\(f.message)")
    }

    @Test func provenanceNamingAnotherBaseIsSaid() throws {
        let other = "sha256:" + String(repeating: "6", count: 64)
        let f = try rebuilt([attested(provenance(baseDigest: other))])
        #expect(f.message.contains("not confirmed: the provenance names pkg:docker/alpine@3.20"), "\(f.message)")
        #expect(f.message.contains(other))
    }

    @Test func noProvenanceIsSaid() throws {
        let f = try rebuilt([])
        #expect(f.message.contains("no provenance read to confirm it"), "\(f.message)")
    }
}
