import Foundation
import TestSupport
import Testing
import TrackbotCore

@testable import Verification

@Suite struct ChecksumFileTests {
    let h256 = String(repeating: "ab", count: 32)
    let h512 = String(repeating: "cd", count: 64)

    @Test func styles() throws {
        let text =
            "\(h256)  a.tar.gz\n\(h256) *b.tar.gz\r\nSHA256 (c.tar.xz) = \(h256)\n# comment\n\nSHA512 (d) = \(h512)\n"
        let file = ChecksumFile.parse(Array(text.utf8), path: "dir/SUMS")
        #expect(file.problems == [])
        #expect(file.entries.map(\.path) == ["a.tar.gz", "b.tar.gz", "c.tar.xz", "d"])
        #expect(file.entries.map(\.line) == [1, 2, 3, 6])
        #expect(file.entries.map(\.digest.algorithm) == [.sha256, .sha256, .sha256, .sha512])
    }

    @Test func bareHashAndNameMismatch() {
        let bare = ChecksumFile.parse(Array("\(h256)\n".utf8), path: "rootfs.tar.xz.sha256")
        #expect(bare.entries == [ChecksumEntry(digest: try! Digest(algorithm: .sha256, hex: h256), path: nil, line: 1)])
        let wrong = ChecksumFile.parse(Array("\(h512)  x\n".utf8), path: "SHA256SUMS")
        #expect(wrong.problems == [ChecksumFileProblem(line: 1, reason: "a sha512 hash in a file named for sha256")])
        let bsd = ChecksumFile.parse(Array("MD5 (x) = abc\n".utf8), path: "sums")
        #expect(
            bsd.problems.first?.reason == "unsupported hash \"MD5\" in a BSD-style line (sha256 and sha512 are read)")
    }

    /// Debian's shape (a bare sidecar) and an older Ubuntu shape (SHA256SUMS one folder up).
    @Test func searchBesideAndAbove() throws {
        let tmp = try TemporaryDirectory("verify-sums")
        let dir = tmp.appending("bookworm/amd64")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let tarball = dir.appendingPathComponent("rootfs.tar.xz")
        try Data("not really xz".utf8).write(to: tarball)
        let sum = try VerificationFixtures.sha256sum(tarball)
        try "\(sum)\n".write(to: dir.appendingPathComponent("rootfs.tar.xz.sha256"), atomically: true, encoding: .utf8)
        try "\(String(repeating: "0", count: 64))  other.tar.xz\n\(sum)  amd64/rootfs.tar.xz\n"
            .write(to: tmp.appending("bookworm/SHA256SUMS"), atomically: true, encoding: .utf8)
        try "FROM scratch\nADD rootfs.tar.xz /\nCOPY rootfs.tar.xz.sha256 /\n".write(
            to: dir.appendingPathComponent("Dockerfile"), atomically: true, encoding: .utf8)
        let report = try Verifier(tree: try LocalSourceTree(root: tmp.path)).verify(directory: "bookworm/amd64")
        #expect(report.findings == [])
        let artefact = try #require(report.artefacts.first)
        #expect(artefact.status == .verified)
        #expect(artefact.checks.map(\.file) == ["bookworm/amd64/rootfs.tar.xz.sha256", "bookworm/SHA256SUMS"])
        #expect(artefact.checks.map(\.line) == [1, 2])
        // A checksum file copied in is no archive and names nothing: unchecked, no finding.
        #expect(report.artefacts.last?.status == .unchecked)
        #expect(report.artefacts.count == 2)
    }

    @Test func pathsOutsideTheTreeAreRefused() throws {
        let tmp = try TemporaryDirectory("verify-escape")
        try FileManager.default.createDirectory(at: tmp.appending("repo"), withIntermediateDirectories: true)
        try "secret".write(to: tmp.appending("outside"), atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(
            atPath: tmp.appending("repo/link").path, withDestinationPath: "../outside")
        let tree = try LocalSourceTree(root: tmp.appending("repo").path)
        #expect(throws: VerificationError.self) { _ = try tree.read("../outside") }
        #expect(throws: VerificationError.self) { _ = try tree.read("link") }
        #expect(try tree.read("missing") == nil)
    }
}

@Suite struct VerifierTests {
    @Test func globsBsdListsAndAJsonRoundTrip() throws {
        let tmp = try TemporaryDirectory("verify-glob")
        let dir = tmp.appending("3.1/amd64")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try "one".write(to: dir.appendingPathComponent("rootfs-a.tar.gz"), atomically: true, encoding: .utf8)
        try "two".write(to: dir.appendingPathComponent("rootfs-b.tar.gz"), atomically: true, encoding: .utf8)
        try "#!/bin/sh\n".write(to: dir.appendingPathComponent("entrypoint.sh"), atomically: true, encoding: .utf8)
        let a = try VerificationFixtures.sha512sum(dir.appendingPathComponent("rootfs-a.tar.gz"))
        try "SHA512 (amd64/rootfs-a.tar.gz) = \(a)\n".write(
            to: tmp.appending("3.1/SHA512SUMS"), atomically: true, encoding: .utf8)
        // A global ARG is not visible inside a stage until redeclared: the pattern names nothing.
        try "ARG FLAVOR=rootfs\nFROM scratch\nADD ${FLAVOR}-*.tar.gz /\n"
            .write(to: dir.appendingPathComponent("Dockerfile"), atomically: true, encoding: .utf8)
        let unset = try Verifier(tree: try LocalSourceTree(root: tmp.path)).verify(directory: "3.1/amd64")
        #expect(
            unset.findings == [
                Finding(
                    kind: .checkFailed, severity: .warn,
                    message: "3.1/amd64/Dockerfile:3: ADD -*.tar.gz names nothing in 3.1/amd64")
            ])
        try "ARG FLAVOR=rootfs\nFROM scratch\nARG FLAVOR\nADD ${FLAVOR}-*.tar.gz /\nCOPY --chmod=755 entrypoint.sh /\n"
            .write(to: dir.appendingPathComponent("Dockerfile"), atomically: true, encoding: .utf8)
        let report = try Verifier(tree: try LocalSourceTree(root: tmp.path)).verify(directory: "3.1/amd64")
        #expect(
            report.artefacts.map(\.path) == [
                "3.1/amd64/rootfs-a.tar.gz", "3.1/amd64/rootfs-b.tar.gz", "3.1/amd64/entrypoint.sh",
            ])
        #expect(report.artefacts.map(\.status) == [.verified, .missing, .unchecked])
        #expect(report.artefacts[0].checks.map(\.file) == ["3.1/SHA512SUMS"])
        #expect(report.findings.map(\.kind) == [.checksumMissing])
        let json = try JSONEncoder().encode(report)
        #expect(try JSONDecoder().decode(VerificationReport.self, from: json) == report)
    }

    @Test func aMissingDockerfileIsAnError() throws {
        let tmp = try TemporaryDirectory("verify-nodf")
        #expect(throws: VerificationError.notFound(path: "x/Dockerfile", in: tmp.url.resolvingSymlinksInPath().path)) {
            _ = try Verifier(tree: try LocalSourceTree(root: tmp.path)).verify(directory: "x")
        }
    }
}
