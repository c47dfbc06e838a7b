import Foundation
import TestSupport
import Testing
import TrackbotCore

@testable import TrackbotKit

@Suite("check --deep: published layers against rootfs tarballs, ADD --checksum downloads", .serialized)
struct DeepCheckTests {
    @Test func layerWithAnExtraFileIsContentMismatchNamingIt() async throws {
        let world = try await offPool { try SyntheticWorld() }
        let rootfs = try world.rootfs([
            "bin/sh": "#!fake shell\n", "etc/os-release": "ID=synthetic\n", "etc/motd": "hello\n",
        ])
        let work = try world.upstream("scratchy")
        try FileManager.default.copyItem(at: rootfs, to: work.appendingPathComponent("rootfs.tar.gz"))
        let sha = try run(try findTool("sha256sum", package: "coreutils"), [rootfs.path]).prefix(64)
        let commit = try world.commit(
            "scratchy",
            files: [
                "Dockerfile": "FROM scratch\nADD rootfs.tar.gz /\nCMD [\"/bin/sh\"]\n",
                "rootfs.tar.gz.sha256": "\(sha)  rootfs.tar.gz\n",
            ])
        try world.upstreamGit("scratchy", ["push", "--quiet", "origin", "main"])
        try world.library(
            "scratchy",
            SyntheticWorld.libraryFile(
                repo: "scratchy",
                entries: [
                    ("same", "refs/heads/main", commit, ""), ("drifted", "refs/heads/main", commit, ""),
                ]))
        try world.publish("scratchy", tag: "same", rootfs: rootfs)
        try world.publish("scratchy", tag: "drifted", rootfs: rootfs, extra: "etc/extra")

        // The two entries have the same build inputs, so the reader merges them: "same" and
        // "drifted" are one build publishing two images, which the registry alone shows (a warning).
        // Without --deep the layer is not looked at: no alert.
        let (plain, rp) = try await world.check(["scratchy"])
        #expect(plain.exitCode == 0, "\(plain.output)")
        #expect(rp.findings.map(\.kind) == ["alias-mismatch"], "\(rp.findings)")

        let (deep, rd) = try await world.check(["scratchy"], deep: true)
        #expect(deep.exitCode == 1, "\(deep.output)")
        #expect(rd.findings.map(\.kind) == ["content-mismatch", "alias-mismatch"])
        let f = try #require(rd.findings.first)
        #expect(f.severity == "alert" && f.tag == "drifted" && f.arch == "amd64")
        #expect(f.message.contains("1 entry differs: + etc/extra"), "\(f.message)")
        #expect(f.expected == "rootfs.tar.gz (6 entries)", "\(f.expected ?? "")")
        #expect(f.actual?.hasSuffix("(7 entries)") == true, "\(f.actual ?? "")")
    }

    @Test func addChecksumIsDownloadedAndHashed() async throws {
        let world = try await offPool { try SyntheticWorld() }
        let served = world.dir.appending("served")
        try FileManager.default.createDirectory(at: served, withIntermediateDirectories: true)
        let payload = Data("the pinned download\n".utf8)
        try payload.write(to: served.appendingPathComponent("payload.bin"))
        let server = try await ServerProcess.staticFiles(served, logDirectory: world.dir.url)
        defer { server.stop() }
        let port = server.port
        let right = StreamingHasher.digest(payload).hex
        let wrong = String(repeating: "ab", count: 32)
        func dockerfile(_ hex: String) -> String {
            "FROM scratch\nADD --checksum=sha256:\(hex) http://127.0.0.1:\(port)/payload.bin /payload\nCMD [\"/payload\"]\n"
        }
        let commit = try world.commit(
            "pinned", files: ["good/Dockerfile": dockerfile(right), "bad/Dockerfile": dockerfile(wrong)])
        try world.upstreamGit("pinned", ["push", "--quiet", "origin", "main"])
        try world.library(
            "pinned",
            SyntheticWorld.libraryFile(
                repo: "pinned",
                entries: [
                    ("good", "refs/heads/main", commit, "Directory: good\n"),
                    ("bad", "refs/heads/main", commit, "Directory: bad\n"),
                ]))

        let (plain, rp) = try await world.check(["pinned"], noRegistry: true)
        #expect(plain.exitCode == 0, "\(plain.output)")
        #expect(rp.findings.isEmpty, "\(rp.findings)")

        let (deep, rd) = try await world.check(["pinned"], noRegistry: true, deep: true)
        #expect(deep.exitCode == 1, "\(deep.output)")
        #expect(rd.findings.map(\.kind) == ["pin-mismatch"])
        let f = try #require(rd.findings.first)
        #expect(f.severity == "alert" && f.tag == "bad" && f.arch == "amd64")
        #expect(f.expected == "sha256:\(wrong)" && f.actual == "sha256:\(right)")
        #expect(f.message.contains("bad/Dockerfile:2"), "\(f.message)")
    }
}
