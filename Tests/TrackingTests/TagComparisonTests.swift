import OfficialImages
import Testing
import TrackbotCore

@testable import Registry
@testable import Tracking

private func d(_ c: Character) -> Digest { try! Digest(parsing: "sha256:" + String(repeating: c, count: 64)) }
private let commitA = String(repeating: "a", count: 40)
private let commitB = String(repeating: "b", count: 40)
private let repo = "https://github.com/alpinelinux/docker-alpine.git"

private func source(_ commit: String = commitA, dir: String = "x86_64") -> ArchitectureSource {
    ArchitectureSource(
        gitRepo: repo, gitFetch: "refs/heads/v3.20", gitCommit: commit, directory: dir, file: "Dockerfile", builder: "")
}

private func published(
    index: Digest, _ platforms: [(Architecture, Digest, [String: String])], attestations: [Digest] = []
) -> PublishedImage {
    PublishedImage(
        reference: "docker.io/library/alpine:3.20", mediaType: MediaType.ociIndex, digest: index,
        platforms: platforms.map { arch, digest, ann in
            PublishedPlatform(
                architecture: arch.platform.architecture, os: arch.platform.os, variant: arch.platform.variant,
                digest: digest, bashbrewArch: arch.rawValue, annotations: ann, size: 1, mediaType: MediaType.ociManifest
            )
        },
        attestations: zip(attestations, platforms).map {
            PublishedAttestation(digest: $0, references: $1.1, annotations: [:], size: 1)
        })
}

private func provenance(_ commit: String = commitA, dir: String = "x86_64") -> [String: String] {
    [AnnotationKey.revision: commit, AnnotationKey.source: "\(repo)#\(commit):\(dir)"]
}

@Suite struct TagComparisonTests {
    let now = "2026-11-27T12:00:00Z"

    func compare(_ obs: [PlatformObservation], _ pub: PublishedImage?, _ prev: TagState?) -> TagComparison.Outcome {
        TagComparison.compare(image: "alpine", tag: "3.20", platforms: obs, published: pub, previous: prev, now: now)
    }

    @Test func firstRunRecordsAndFindsNothing() {
        let out = compare(
            [PlatformObservation(arch: .amd64, source: source())],
            published(index: d("1"), [(.amd64, d("a"), provenance())]), nil)
        #expect(out.findings.isEmpty)
        #expect(out.state.indexDigest == d("1"))
        #expect(out.state.platforms["amd64"]?.digest == d("a"))
    }

    @Test func sameDigestIsNothing() {
        let obs = [PlatformObservation(arch: .amd64, source: source())]
        let first = compare(obs, published(index: d("1"), [(.amd64, d("a"), provenance())]), nil)
        let second = compare(obs, published(index: d("1"), [(.amd64, d("a"), provenance())]), first.state)
        #expect(second.findings.isEmpty)
        #expect(second.state == first.state)
    }

    @Test func newDigestWithoutCauseIsDrift() {
        let obs = [PlatformObservation(arch: .amd64, source: source())]
        let first = compare(obs, published(index: d("1"), [(.amd64, d("a"), provenance())]), nil)
        let out = compare(obs, published(index: d("2"), [(.amd64, d("b"), provenance())]), first.state)
        #expect(out.findings.map(\.kind) == [.digestDrift])
        #expect(out.findings[0].severity == .alert)
        #expect(out.findings[0].arch == "amd64")
        #expect(out.findings[0].expected == d("a").description)
        #expect(out.findings[0].actual == d("b").description)
    }

    @Test func newDigestWithChangedLibraryEntryIsRebuilt() {
        let first = compare(
            [PlatformObservation(arch: .amd64, source: source())],
            published(index: d("1"), [(.amd64, d("a"), provenance())]), nil)
        let out = compare(
            [PlatformObservation(arch: .amd64, source: source(commitB))],
            published(index: d("2"), [(.amd64, d("b"), provenance(commitB))]), first.state)
        #expect(out.findings.map(\.kind) == [.rebuilt])
        #expect(out.findings[0].severity == .info)
        #expect(out.findings[0].message.contains("GitCommit \(commitA) → \(commitB)"))
    }

    @Test func newDigestWithChangedParentIsRebuilt() {
        let first = compare(
            [PlatformObservation(arch: .amd64, source: source(), parent: "alpine:3.20", parentDigest: d("c"))],
            published(index: d("1"), [(.amd64, d("a"), provenance())]), nil)
        let out = compare(
            [PlatformObservation(arch: .amd64, source: source(), parent: "alpine:3.20", parentDigest: d("d"))],
            published(index: d("2"), [(.amd64, d("b"), provenance())]), first.state)
        #expect(out.findings.map(\.kind) == [.rebuilt])
        #expect(out.findings[0].message.contains("parent alpine:3.20 changed"))
    }

    /// The image's own base.digest annotation never explains a change in that image: only
    /// trackbot's lookup of the parent does.
    @Test func aMadeUpBaseDigestAnnotationDoesNotExplainADrift() {
        var ann = provenance()
        ann[AnnotationKey.baseDigest] = d("c").description
        let first = compare(
            [PlatformObservation(arch: .amd64, source: source())], published(index: d("1"), [(.amd64, d("a"), ann)]),
            nil)
        ann[AnnotationKey.baseDigest] = d("d").description
        let out = compare(
            [PlatformObservation(arch: .amd64, source: source())], published(index: d("2"), [(.amd64, d("b"), ann)]),
            first.state)
        #expect(out.findings.map(\.kind) == [.digestDrift])
        #expect(out.state.platforms["amd64"]?.parentDigest == nil)
        #expect(out.state.platforms["amd64"]?.trusted?.digest == d("a"))
    }

    /// The drift is compared with the trusted digest, not the last one seen: it is found again
    /// on the second and third run, until something explains it.
    @Test func aDriftIsFoundAgainOnEveryLaterRun() {
        let obs = [PlatformObservation(arch: .amd64, source: source())]
        let first = compare(obs, published(index: d("1"), [(.amd64, d("a"), provenance())]), nil)
        #expect(first.firstSighting == ["amd64"])
        #expect(first.state.platforms["amd64"]?.trusted?.reason == "first sighting")
        let second = compare(obs, published(index: d("2"), [(.amd64, d("b"), provenance())]), first.state)
        let third = compare(obs, published(index: d("2"), [(.amd64, d("b"), provenance())]), second.state)
        let fourth = compare(obs, published(index: d("2"), [(.amd64, d("b"), provenance())]), third.state)
        for out in [second, third, fourth] {
            #expect(out.findings.map(\.kind) == [.digestDrift])
            #expect(out.findings.first?.expected == d("a").description)
            #expect(out.state.platforms["amd64"]?.digest == d("b"))  // last seen
            #expect(out.state.platforms["amd64"]?.trusted?.digest == d("a"))
        }
        // Back to the trusted digest: nothing to say, and a match that is said.
        let back = compare(obs, published(index: d("3"), [(.amd64, d("a"), provenance())]), fourth.state)
        #expect(back.findings.filter { $0.severity == .alert }.isEmpty)
        #expect(back.matched["amd64"]?.contains { if case .trustedDigest = $0 { true } else { false } } == true)
    }

    /// The library moves before the registry rebuilds: the old digest is still trusted, and the
    /// rebuild that follows is explained by the entry's change.
    @Test func aLibraryChangeAheadOfItsBuildExplainsTheLaterRebuild() {
        let first = compare(
            [PlatformObservation(arch: .amd64, source: source())], published(index: d("1"), [(.amd64, d("a"), [:])]),
            nil)
        let pending = compare(
            [PlatformObservation(arch: .amd64, source: source(commitB))],
            published(index: d("1"), [(.amd64, d("a"), [:])]), first.state)
        #expect(pending.findings.isEmpty)
        let built = compare(
            [PlatformObservation(arch: .amd64, source: source(commitB))],
            published(index: d("2"), [(.amd64, d("b"), [:])]), pending.state)
        #expect(built.findings.map(\.kind) == [.rebuilt])
        #expect(built.state.platforms["amd64"]?.trusted?.digest == d("b"))
    }

    /// A relabelled platform: the recorded descriptor keeps its amd64 annotation but its platform
    /// now says linux/386, and a changed manifest is the real linux/amd64. A client gets the
    /// changed one, so that is what is compared; the relabelled descriptor is an alert too.
    @Test func aRelabelledPlatformIsComparedByPlatformAndFlagged() {
        let obs = [PlatformObservation(arch: .amd64, source: source())]
        var ann = provenance()
        ann[AnnotationKey.bashbrewArch] = "amd64"
        let first = compare(obs, published(index: d("1"), [(.amd64, d("a"), ann)]), nil)
        let relabelled = PublishedImage(
            reference: "docker.io/library/alpine:3.20", mediaType: MediaType.ociIndex, digest: d("2"),
            platforms: [
                PublishedPlatform(
                    architecture: "386", os: "linux", variant: nil, digest: d("a"), bashbrewArch: "i386",
                    annotations: ann, size: 1, mediaType: MediaType.ociManifest),
                PublishedPlatform(
                    architecture: "amd64", os: "linux", variant: nil, digest: d("b"), bashbrewArch: "amd64",
                    annotations: provenance(), size: 1, mediaType: MediaType.ociManifest),
            ],
            attestations: [])
        let out = compare(obs, relabelled, first.state)
        #expect(Set(out.findings.map(\.kind)) == [.digestDrift, .platformMismatch])
        #expect(out.findings.allSatisfy { $0.severity == .alert })
        #expect(out.findings.first { $0.kind == .platformMismatch }?.arch == "amd64")
    }

    /// official-images moves first; the registry still serves the trusted build of the previous
    /// entry, whose annotations name the previous commit: a pending rebuild (warn), not an alert.
    /// Once rebuilt, it is explained; an image naming a third commit is an alert.
    @Test func aProvenanceMismatchWhileTheRebuildIsPendingIsAWarning() {
        let first = compare(
            [PlatformObservation(arch: .amd64, source: source())],
            published(index: d("1"), [(.amd64, d("a"), provenance())]), nil)
        let pending = compare(
            [PlatformObservation(arch: .amd64, source: source(commitB))],
            published(index: d("1"), [(.amd64, d("a"), provenance())]), first.state)
        #expect(pending.findings.map(\.kind) == [.provenanceMismatch, .provenanceMismatch])
        #expect(pending.findings.allSatisfy { $0.severity == .warn })
        let built = compare(
            [PlatformObservation(arch: .amd64, source: source(commitB))],
            published(index: d("2"), [(.amd64, d("b"), provenance(commitB))]), pending.state)
        #expect(built.findings.map(\.kind) == [.rebuilt])
        let commitC = String(repeating: "c", count: 40)
        let other = compare(
            [PlatformObservation(arch: .amd64, source: source(commitB))],
            published(index: d("1"), [(.amd64, d("a"), provenance(commitC))]), first.state)
        #expect(other.findings.filter { $0.kind == .provenanceMismatch }.allSatisfy { $0.severity == .alert })
    }

    @Test func aPlatformGivenTwiceIsAnAlert() {
        let image = PublishedImage(
            reference: "docker.io/library/alpine:3.20", mediaType: MediaType.ociIndex, digest: d("2"),
            platforms: [
                PublishedPlatform(
                    architecture: "amd64", os: "linux", variant: nil, digest: d("a"), bashbrewArch: "amd64",
                    annotations: provenance(), size: 1, mediaType: MediaType.ociManifest),
                PublishedPlatform(
                    architecture: "amd64", os: "linux", variant: nil, digest: d("b"), bashbrewArch: "amd64",
                    annotations: provenance(), size: 1, mediaType: MediaType.ociManifest),
            ],
            attestations: [])
        let out = compare([PlatformObservation(arch: .amd64, source: source())], image, nil)
        #expect(out.findings.map(\.kind) == [.platformMismatch])
        #expect(out.findings.first?.expected == d("a").description)
        #expect(out.state.platforms["amd64"]?.digest == d("a"))  // what a client pulls: the first
    }

    @Test func onlyIndexChangedIsInfo() {
        let obs = [PlatformObservation(arch: .amd64, source: source())]
        let first = compare(obs, published(index: d("1"), [(.amd64, d("a"), provenance())]), nil)
        let out = compare(
            obs, published(index: d("2"), [(.amd64, d("a"), provenance())], attestations: [d("e")]), first.state)
        #expect(out.findings.map(\.kind) == [.indexChanged])
        #expect(out.findings[0].severity == .info)
        #expect(out.findings[0].message.contains("attestations"))
    }

    @Test func ociImportMismatchIsAlert() {
        let out = compare(
            [PlatformObservation(arch: .amd64, source: source(), expectedDigest: d("e"))],
            published(index: d("1"), [(.amd64, d("a"), provenance())]), nil)
        #expect(out.findings.map(\.kind) == [.expectedDigestMismatch])
        #expect(out.findings[0].expected == d("e").description)
        #expect(out.findings[0].actual == d("a").description)
        let ok = compare(
            [PlatformObservation(arch: .amd64, source: source(), expectedDigest: d("a"))],
            published(index: d("1"), [(.amd64, d("a"), provenance())]), nil)
        #expect(ok.findings.isEmpty)
    }

    @Test func wrongRevisionOrSourceIsProvenanceMismatch() {
        let out = compare(
            [PlatformObservation(arch: .amd64, source: source())],
            published(index: d("1"), [(.amd64, d("a"), provenance(commitB))]), nil)
        #expect(out.findings.map(\.kind) == [.provenanceMismatch, .provenanceMismatch])
        #expect(out.findings[0].expected == commitA && out.findings[0].actual == commitB)
        let wrongDir = compare(
            [PlatformObservation(arch: .amd64, source: source())],
            published(index: d("1"), [(.amd64, d("a"), provenance(dir: "aarch64"))]), nil)
        #expect(wrongDir.findings.map(\.kind) == [.provenanceMismatch])
        let absent = compare(
            [PlatformObservation(arch: .amd64, source: source())], published(index: d("1"), [(.amd64, d("a"), [:])]),
            nil)
        #expect(absent.findings.isEmpty)
        #expect(absent.notes.count == 1)
    }

    @Test func unpublishedAndMissingPlatformSaySinceWhen() {
        let obs = [
            PlatformObservation(arch: .amd64, source: source()),
            PlatformObservation(arch: .s390x, source: source(dir: "s390x")),
        ]
        let out = compare(obs, nil, nil)
        #expect(out.findings.map(\.kind) == [.tagUnpublished])
        #expect(out.findings[0].message.contains("since \(now)"))
        let later = TagComparison.compare(
            image: "alpine", tag: "3.20", platforms: obs, published: nil, previous: out.state,
            now: "2026-11-28T00:00:00Z")
        #expect(later.findings[0].message.contains("since \(now)"))  // the first sighting, not this run
        let missing = compare(obs, published(index: d("1"), [(.amd64, d("a"), provenance())]), nil)
        #expect(missing.findings.map(\.kind) == [.platformMissing])
        #expect(missing.findings[0].arch == "s390x")
        #expect(missing.state.platforms["s390x"]?.missingSince == now)
    }
}

@Suite struct LibraryFindingsTests {
    @Test func tagChangesBecomeFindings() throws {
        let c1 = String(repeating: "1", count: 40), c2 = String(repeating: "2", count: 40)
        let old = try LibraryFileReader.read(
            "Maintainers: A (@a)\nGitRepo: r\n\nTags: 1.0, 1\nGitCommit: \(c1)\n", name: "x")
        let new = try LibraryFileReader.read(
            "Maintainers: A (@a)\nGitRepo: r\n\nTags: 1.1, 1\nGitCommit: \(c2)\n", name: "x")
        let f = LibraryFindings.findings(LibraryDiff(old: old, new: new), fromCommit: c1, toCommit: c2)
        #expect(f.map(\.kind) == [.tagAdded, .tagRemoved, .tagMoved])
        #expect(f.map { $0.tag ?? "" } == ["1.1", "1.0", "1"])
        #expect(f[2].expected == c1 && f[2].actual == c2)
    }
}
