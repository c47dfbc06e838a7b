import OfficialImages
import Testing
import TrackbotCore
import Tracking

@testable import Registry

private func d(_ c: Character) -> Digest { try! Digest(parsing: "sha256:" + String(repeating: c, count: 64)) }
private let commit = String(repeating: "a", count: 40)
private let repo = "https://github.com/alpinelinux/docker-alpine.git"
private let source = ArchitectureSource(
    gitRepo: repo, gitFetch: "refs/heads/v3.20", gitCommit: commit, directory: "x86_64",
    file: "Dockerfile", builder: "")
private let provenance = [AnnotationKey.revision: commit, AnnotationKey.source: "\(repo)#\(commit):x86_64"]

private func image(_ platforms: [(Architecture, Digest)], attestations: [Digest]) -> PublishedImage {
    PublishedImage(
        reference: "docker.io/library/alpine:3.20", mediaType: MediaType.ociIndex, digest: d("1"),
        platforms: platforms.map { arch, digest in
            PublishedPlatform(
                architecture: arch.platform.architecture, os: arch.platform.os, variant: arch.platform.variant,
                digest: digest, bashbrewArch: arch.rawValue, annotations: provenance, size: 1,
                mediaType: MediaType.ociManifest)
        },
        attestations: zip(attestations, platforms).map {
            PublishedAttestation(digest: $0, references: $1.1, annotations: [:], size: 1)
        })
}

/// The index as this run knows it: fetched, or as recorded when a HEAD showed its digest unchanged
/// (what `TagState.republished` used to fake as a `PublishedImage`).
@Suite struct PublishedIndexTests {
    let now = "2026-11-27T12:00:00Z"

    @Test func aFetchedIndexKeepsTheFirstDescriptorOfEachPlatformAndItsAttestations() {
        let index = PublishedIndex(
            image([(.amd64, d("a")), (.amd64, d("b")), (.arm64v8, d("c"))], attestations: [d("e"), d("f")]))
        #expect(index.fetched)
        #expect(index.platform(.amd64)?.digest == d("a"))
        #expect(index.platform(.arm64v8)?.digest == d("c"))
        #expect(index.attestations == [d("e"), d("f")])
        #expect(index.disagreements.map(\.digest) == [d("b")])
    }

    @Test func theRecordedIndexSaysSoAndKeepsTheRecordedAttestations() throws {
        let obs = [PlatformObservation(arch: .amd64, source: source)]
        let first = TagComparison.compare(
            image: "alpine", tag: "3.20", platforms: obs,
            published: image([(.amd64, d("a"))], attestations: [d("e")]), previous: nil, now: now)
        let recorded = try #require(PublishedIndex(recorded: first.state))
        #expect(!recorded.fetched)
        #expect(recorded.attestations == nil)
        #expect(recorded.digest == d("1"))
        #expect(recorded.platform(.amd64)?.digest == d("a"))
        #expect(recorded.platform(.amd64)?.platform == Architecture.amd64.platform)
        let again = TagComparison.compare(
            image: "alpine", tag: "3.20", platforms: obs, index: recorded, previous: first.state, now: now)
        #expect(again.findings.isEmpty)
        #expect(again.state == first.state, "the attestations recorded stay; nothing is patched back")
        #expect(again.matched["amd64"]?.contains { if case .trustedDigest = $0 { true } else { false } } == true)
    }

    @Test func nothingRecordedIsNoIndex() {
        #expect(PublishedIndex(recorded: TagState()) == nil)
    }
}
