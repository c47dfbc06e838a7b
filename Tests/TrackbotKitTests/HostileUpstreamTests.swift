import Foundation
import TestSupport
import Testing
import TrackbotCore
import Verification

@testable import GitMirror
@testable import TrackbotKit

/// What an upstream (or a server it points at) controls, held within bounds end to end: unsafe
/// tarball entries are findings in `verify` and `check`, big files of a mirror are refused by
/// `read` before they are inflated, and a pinned download stops at its cap.
@Suite("hostile upstreams", .serialized)
struct HostileUpstreamTests {
    /// A folder adding `bomb.tar.gz` (an unsafe one) to `/`, with a checksum file naming it.
    func unsafeFolder(_ dir: TemporaryDirectory) throws -> URL {
        let folder = dir.appending("rootfs")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let tarball = try VerificationFixtures.bomb("unsafe", at: folder.appendingPathComponent("rootfs.tar.gz"))
        try Data("\(try VerificationFixtures.sha256sum(tarball))  rootfs.tar.gz\n".utf8)
            .write(to: folder.appendingPathComponent("rootfs.tar.gz.sha256"))
        try Data("FROM scratch\nADD rootfs.tar.gz /\nCMD [\"/bin/sh\"]\n".utf8).write(
            to: folder.appendingPathComponent("Dockerfile"))
        return folder
    }

    @Test func verifyDoesNotSayAllVerifiedWhenATarballHasUnsafeEntries() async throws {
        let dir = try TemporaryDirectory("hostile-verify")
        var options = GlobalOptions()
        options.format = .text
        let result = try await VerifyCommand.run(.init(source: try unsafeFolder(dir).path), options: options)
        #expect(result.output.contains("✓ rootfs.tar.gz  verified against rootfs.tar.gz.sha256:1"), "\(result.output)")
        #expect(result.output.contains("✗ unsafe-entry: 8 unsafe entries in rootfs.tar.gz"), "\(result.output)")
        #expect(!result.output.contains("all verified"), "\(result.output)")
        #expect(result.exitCode == 1)
    }

    @Test func checkReportsUnsafeEntriesOfARootfsTarballPerPlatform() async throws {
        let world = try await offPool { try SyntheticWorld() }
        let folder = try unsafeFolder(world.dir)
        let work = try world.upstream("hostile")
        for name in ["Dockerfile", "rootfs.tar.gz", "rootfs.tar.gz.sha256"] {
            try FileManager.default.copyItem(
                at: folder.appendingPathComponent(name), to: work.appendingPathComponent(name))
        }
        let commit = try world.commit("hostile")
        try world.upstreamGit("hostile", ["push", "--quiet", "origin", "main"])
        try world.library(
            "hostile", SyntheticWorld.libraryFile(repo: "hostile", entries: [("1.0", "refs/heads/main", commit, "")]))
        let (result, report) = try await world.check(["hostile"], noRegistry: true)
        #expect(result.exitCode == 1, "\(result.output)")
        let f = try #require(report.findings.first { $0.kind == "unsafe-entry" }, "\(report.findings.map(\.kind))")
        #expect(f.severity == "alert" && f.tag == "1.0" && f.arch == "amd64")
        #expect(f.message.hasPrefix("8 unsafe entries in rootfs.tar.gz"), "\(f.message)")
    }

    @Test func aMirrorFileOverTheReadLimitIsRefusedBeforeItIsInflated() throws {
        let dir = try TemporaryDirectory("hostile-read")
        let repo = dir.appending("repo")
        try GitRepositories.working(
            at: repo, files: ["Dockerfile": String(repeating: "# padding\n", count: 200), "small": "ok\n"])
        let commit = try TestSupport.git(["rev-parse", "HEAD"], in: repo).trimmingCharacters(
            in: .whitespacesAndNewlines)
        let tree = GitSourceTree(
            commitTree: try CommitTree(
                mirror: Mirror(directory: repo.appendingPathComponent(".git"), url: "test://repo"),
                revision: commit),
            commit: commit, readLimit: 1024)
        #expect(throws: VerificationError.tooLarge(path: "Dockerfile", size: 2000, limit: 1024)) {
            _ = try tree.read("Dockerfile")
        }
        #expect(try tree.read("small") == Array("ok\n".utf8))
        #expect(try tree.read("missing") == nil)
        // The same file streams in chunks through `open`.
        var total = 0
        try tree.open("Dockerfile").drain(bufferSize: 256) { total += $0.count }
        #expect(total == 2000)
    }

    @Test func aPinnedDownloadStopsAtItsCapNamingTheURLAndTheCap() async throws {
        let world = try await offPool { try SyntheticWorld() }
        let served = world.dir.appending("served")
        try FileManager.default.createDirectory(at: served, withIntermediateDirectories: true)
        try Data(repeating: 0x5a, count: (1 << 20) + 4096).write(to: served.appendingPathComponent("big.bin"))
        let server = try await ServerProcess.staticFiles(served, logDirectory: world.dir.url)
        defer { server.stop() }
        let port = server.port
        let pin = String(repeating: "ab", count: 32)
        let commit = try world.commit(
            "pinned",
            files: [
                "Dockerfile":
                    "FROM scratch\nADD --checksum=sha256:\(pin) http://user:secret@127.0.0.1:\(port)/big.bin /big\nCMD [\"/big\"]\n"
            ])
        try world.upstreamGit("pinned", ["push", "--quiet", "origin", "main"])
        try world.library(
            "pinned", SyntheticWorld.libraryFile(repo: "pinned", entries: [("1", "refs/heads/main", commit, "")]))
        let config = try String(contentsOfFile: world.configPath, encoding: .utf8)
        try Data((config + "\n[deep]\nmax-download-mib = 1\n").utf8).write(to: URL(fileURLWithPath: world.configPath))

        let result = try await CheckCommand.run(
            .init(references: ["pinned"]), options: world.options(.text, noRegistry: true, deep: true))
        #expect(result.exitCode == 2, "\(result.output)")
        #expect(
            result.output.contains(
                "http://127.0.0.1:\(port)/big.bin (Dockerfile:2) is larger than the 1 MiB a pinned download may be"),
            "\(result.output)")
        #expect(result.output.contains("deep.max-download-mib"), "\(result.output)")
        #expect(!result.output.contains("secret"), "\(result.output)")
    }
}
