import Foundation
import OfficialImages
import Reporting
import Testing
import TrackbotCore
import Tracking

/// What a check verified is data (`Verified`); Reporting words it. The words are the JSON
/// report's `verified` strings, which users' scripts read: these pin them.
@Suite struct VerifiedWordingTests {
    static func digest(_ c: Character) throws -> Digest {
        try Digest(algorithm: .sha256, hex: String(repeating: c, count: 64))
    }

    @Test func sourceChecksAreWordedWithoutAPlace() throws {
        let tarball = Verified.checksum(
            path: "x86_64/alpine-minirootfs-3.20.3-x86_64.tar.gz", algorithm: .sha512,
            listedAt: [FileLine(file: "checksums.sha512", line: 1)])
        #expect(tarball.place == .source)
        #expect(
            VerifiedWording.line(tarball) == "x86_64/alpine-minirootfs-3.20.3-x86_64.tar.gz sha512 (checksums.sha512:1)"
        )
        let twice = Verified.checksum(
            path: "rootfs.tar.xz", algorithm: .sha256,
            listedAt: [FileLine(file: "SHA256SUMS", line: 3), FileLine(file: "rootfs.tar.xz.sha256", line: 1)])
        #expect(VerifiedWording.line(twice) == "rootfs.tar.xz sha256 (SHA256SUMS:3, rootfs.tar.xz.sha256:1)")
        #expect(VerifiedWording.line(.checksum(path: "a", algorithm: nil, listedAt: [])) == "a  ()")
        let layout = Verified.ociLayout(directory: "oci", file: "index.json", manifest: try Self.digest("a"), layers: 2)
        #expect(layout.place == .source)
        #expect(VerifiedWording.line(layout) == "OCI layout oci/index.json: manifest aaaaaaaaaaaa, 2 layer(s)")
    }

    @Test func registryComparisonsAreWordedWithTheRegistryFirst() throws {
        let cases: [(Verified, String)] = [
            (
                .publishedIsUpstreamLayout(published: try Self.digest("b")),
                "published manifest bbbbbbbbbbbb is the upstream layout's"
            ),
            (.provenanceAnnotations, "revision/source annotations name the library's commit"),
            (
                .trustedDigest(try Self.digest("c"), since: "2026-01-01T00:00:00Z"),
                "digest is the trusted one (since 2026-01-01T00:00:00Z)"
            ),
        ]
        for (verified, what) in cases {
            #expect(verified.place == .registry)
            #expect(VerifiedWording.what(verified) == what)
            #expect(VerifiedWording.line(verified) == "registry: " + what)
        }
    }

    static func report(_ verified: [Verified]) -> CheckReport {
        let source = ArchitectureSource(
            gitRepo: "https://example.invalid/r.git", gitFetch: "refs/heads/main",
            gitCommit: String(repeating: "a", count: 40), directory: "d", file: "Dockerfile", builder: "")
        let platform = PlatformReport(
            arch: "amd64", platform: "linux/amd64", source: source, digest: nil, previousDigest: nil,
            expectedDigest: nil, parent: nil, parentDigest: nil, verified: verified, worst: nil,
            status: .verified)
        let tag = TagReport(
            tag: "1", entryTags: ["1"], indexDigest: nil, previousIndexDigest: nil, platforms: [platform], notes: [])
        return CheckReport(images: [ImageReport(name: "img", tags: [tag])])
    }

    /// The JSON report's `verified` field holds the words, in order; the text report prints one
    /// `verified …` line each.
    @Test func reportsGiveTheWords() throws {
        let verified: [Verified] = [
            .checksum(
                path: "rootfs.tar.gz", algorithm: .sha256, listedAt: [FileLine(file: "rootfs.tar.gz.sha256", line: 1)]),
            .trustedDigest(try Self.digest("c"), since: "2026-01-01T00:00:00Z"),
        ]
        let words = [
            "rootfs.tar.gz sha256 (rootfs.tar.gz.sha256:1)",
            "registry: digest is the trusted one (since 2026-01-01T00:00:00Z)",
        ]
        let json = try CheckReportRenderer.render(Self.report(verified), format: .json)
        struct R: Decodable {
            struct I: Decodable { var tags: [T] }
            struct T: Decodable { var platforms: [P] }
            struct P: Decodable { var verified: [String] }
            var images: [I]
        }
        let decoded = try JSONDecoder().decode(R.self, from: Data(json.utf8))
        #expect(decoded.images.first?.tags.first?.platforms.first?.verified == words)
        let text = try CheckReportRenderer.render(Self.report(verified), format: .text)
        for w in words { #expect(text.contains("        verified \(w)\n"), "\(text)") }
    }

    /// Without Reporting's words, a report cannot be encoded: no encoder makes up its own.
    @Test func aPlainEncoderCannotEncodeWhatWasVerified() throws {
        #expect(throws: EncodingError.self) { try JSONEncoder().encode(Self.report([.provenanceAnnotations])) }
        #expect(throws: Never.self) { try JSONEncoder().encode(Self.report([])) }
    }
}
