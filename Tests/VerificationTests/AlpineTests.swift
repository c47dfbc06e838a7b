import Foundation
import TestSupport
import Testing
import TrackbotCore

@testable import Verification

/// The real docker-alpine v3.20 commit: eight Dockerfiles, eight tarballs, one checksums.sha512.
@Suite struct AlpineTests {
    static let commit = "7d63673353bd39d92ba42f6effcc199aeebd45ee"
    static let arches = ["aarch64", "armhf", "armv7", "ppc64le", "riscv64", "s390x", "x86", "x86_64"]

    let tmp: TemporaryDirectory
    let repo: URL

    init() throws {
        tmp = try TemporaryDirectory("verify-alpine")
        repo = try VerificationFixtures.checkout(
            bundle: try TestPaths.corpus("docker-alpine-v3.20.bundle"),
            commit: Self.commit, into: tmp.url)
    }

    func tarball(_ arch: String) -> String { "\(arch)/alpine-minirootfs-3.20.3-\(arch).tar.gz" }

    /// The line of checksums.sha512 naming a tarball, read independently of trackbot.
    func checksumLine(_ path: String) throws -> (number: Int, hex: String) {
        let lines = try String(contentsOf: repo.appendingPathComponent("checksums.sha512"), encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: false)
        let i = try #require(lines.firstIndex { $0.hasSuffix("  " + path) })
        return (i + 1, String(lines[i].prefix(128)))
    }

    @Test func allEightTarballsVerifyAgainstChecksumsSha512() throws {
        let tree = try LocalSourceTree(root: repo.path)
        for arch in Self.arches {
            let report = try Verifier(tree: tree).verify(directory: arch)
            #expect(report.kind == .dockerfile)
            #expect(report.parent == "scratch")
            #expect(report.dockerfile?.parentIsScratch == true)
            #expect(report.dockerfile?.externalImages == [])
            #expect(report.dockerfile?.contextSources.map(\.path) == ["alpine-minirootfs-3.20.3-\(arch).tar.gz"])
            #expect(report.findings == [], "\(arch): \(report.findings)")
            let artefact = try #require(report.artefacts.first)
            #expect(report.artefacts.count == 1)
            #expect(artefact.path == tarball(arch))
            #expect(artefact.status == .verified)
            #expect(artefact.compression == .gzip)
            let line = try checksumLine(tarball(arch))
            #expect(
                artefact.checks == [
                    ChecksumCheck(
                        file: "checksums.sha512", line: line.number,
                        expected: try Digest(algorithm: .sha512, hex: line.hex), matches: true)
                ])
            let file = repo.appendingPathComponent(tarball(arch))
            #expect(
                artefact.digests.first { $0.algorithm == .sha512 }?.hex == (try VerificationFixtures.sha512sum(file)))
            #expect(
                artefact.digests.first { $0.algorithm == .sha256 }?.hex == (try VerificationFixtures.sha256sum(file)))
            let ins = try #require(report.dockerfile?.instructions)
            #expect(ins.map(\.keyword) == ["FROM", "ADD", "CMD"])
            #expect(ins.map(\.line) == [1, 2, 3])
            #expect(ins[2].json == ["/bin/sh"])
        }
    }

    @Test func aFlippedByteIsAChecksumMismatch() throws {
        let path = tarball("x86_64")
        let file = repo.appendingPathComponent(path)
        var bytes = try Data(contentsOf: file)
        bytes[bytes.count / 2] ^= 0x01
        try bytes.write(to: file)
        let report = try Verifier(tree: try LocalSourceTree(root: repo.path)).verify(directory: "x86_64")
        let line = try checksumLine(path)
        #expect(
            report.findings == [
                Finding(
                    kind: .checksumMismatch, severity: .alert,
                    message: "\(path) does not match checksums.sha512:\(line.number) (sha512)",
                    expected: line.hex, actual: try VerificationFixtures.sha512sum(file))
            ])
        #expect(report.artefacts.first?.status == .mismatch)
        // The other architectures are untouched.
        #expect(try Verifier(tree: try LocalSourceTree(root: repo.path)).verify(directory: "aarch64").findings == [])
    }

    @Test func aWrongLineIsAChecksumMismatch() throws {
        let list = repo.appendingPathComponent("checksums.sha512")
        let x86 = try checksumLine(tarball("x86_64"))
        let arm = try checksumLine(tarball("aarch64"))
        let text = try String(contentsOf: list, encoding: .utf8).replacingOccurrences(
            of: x86.hex + "  x86_64", with: arm.hex + "  x86_64")
        try text.write(to: list, atomically: true, encoding: .utf8)
        let report = try Verifier(tree: try LocalSourceTree(root: repo.path)).verify(directory: "x86_64")
        #expect(report.findings.count == 1)
        #expect(report.findings.first?.kind == .checksumMismatch)
        #expect(
            report.findings.first?.message
                == "\(tarball("x86_64")) does not match checksums.sha512:\(x86.number) (sha512)")
        #expect(report.findings.first?.expected == arm.hex)
        #expect(report.findings.first?.actual == x86.hex)
    }

    @Test func aMissingLineIsChecksumMissing() throws {
        let list = repo.appendingPathComponent("checksums.sha512")
        let text = try String(contentsOf: list, encoding: .utf8).split(separator: "\n").filter {
            !$0.hasSuffix("x86_64.tar.gz")
        }
        try (text.joined(separator: "\n") + "\n").write(to: list, atomically: true, encoding: .utf8)
        let report = try Verifier(tree: try LocalSourceTree(root: repo.path)).verify(directory: "x86_64")
        #expect(report.findings.map(\.kind) == [.checksumMissing])
        #expect(report.findings.first?.severity == .warn)
        #expect(report.findings.first?.message.contains(tarball("x86_64")) == true)
        #expect(report.artefacts.first?.status == .missing)
    }

    @Test func aMalformedChecksumFileNamesFileAndLine() throws {
        let list = repo.appendingPathComponent("checksums.sha512")
        var lines = try String(contentsOf: list, encoding: .utf8).split(separator: "\n").map(String.init)
        lines.insert("this is not a checksum", at: 2)
        lines.insert("abc123  x86/short-hash.tar.gz", at: 5)
        try (lines.joined(separator: "\n") + "\n").write(to: list, atomically: true, encoding: .utf8)
        let report = try Verifier(tree: try LocalSourceTree(root: repo.path)).verify(directory: "x86_64")
        #expect(report.findings.map(\.kind) == [.checkFailed, .checkFailed])
        #expect(
            report.findings.map(\.message) == [
                "checksums.sha512:3: not a checksum line (expected \"<hex>  <file>\", \"<hex> *<file>\" or \"SHA256 (<file>) = <hex>\")",
                "checksums.sha512:6: a hash of 6 hex digits is neither sha256 (64) nor sha512 (128)",
            ])
        // The good lines still verify the tarball.
        #expect(report.artefacts.first?.status == .verified)
    }

    @Test func listingTheRootfsTarballMatchesTar() throws {
        let file = repo.appendingPathComponent(tarball("x86_64"))
        let listing = try TarReader.list(try FileStream(path: file.path), path: tarball("x86_64"))
        let expected = try runTool("tar", ["-tzf", file.path]).split(separator: "\n").map {
            TarReader.cleanEntryPath(String($0)).0
        }
        #expect(listing.entries.map(\.path) == expected)
        #expect(listing.unsafeEntries.isEmpty)
        let busybox = try #require(listing.entries.first { $0.path == "bin/busybox" })
        #expect(busybox.kind == .file && busybox.mode & 0o111 != 0 && busybox.uid == 0)
        let sh = try #require(listing.entries.first { $0.path == "bin/sh" })
        #expect(sh.kind == .symlink && sh.linkTarget == "/bin/busybox")
        // The content hash of one file, against tar + sha256sum.
        let content = try runTool("/bin/sh", ["-c", "tar -xzOf '\(file.path)' ./etc/alpine-release | sha256sum"])
        #expect(listing.entries.first { $0.path == "etc/alpine-release" }?.sha256 == String(content.prefix(64)))
    }
}
