import Foundation
import Reporting
import TestSupport
import Testing
import TrackbotCore

@testable import TrackbotKit

@Suite struct VerifyCommandTests {
    @Test func verifiesAnUpstreamDirectoryThroughTheGitMirrors() async throws {
        let dir = try TemporaryDirectory("verify-cmd")
        let git = dir.appending("git")
        try FileManager.default.createDirectory(
            at: git.appendingPathComponent("alpinelinux"), withIntermediateDirectories: true)
        try GitRepositories.fromBundle("docker-alpine-v3.20.bundle", into: git, name: "alpinelinux/docker-alpine.git")
        let daemon = try await GitDaemon.start(base: git, logDirectory: dir.url)
        var options = GlobalOptions()
        options.cacheDirectory = dir.appending("cache").path
        options.rewrites = [.init(from: "https://github.com/", to: "git://127.0.0.1:\(daemon.server.port)/")]
        options.format = .json
        let source = "https://github.com/alpinelinux/docker-alpine.git#7d63673353bd39d92ba42f6effcc199aeebd45ee:aarch64"
        let result = try await VerifyCommand.run(.init(source: source), options: options)
        #expect(result.exitCode == 0)
        struct R: Decodable {
            struct A: Decodable {
                var path: String
                var status: String
            }
            var parent: String?
            var artefacts: [A]
            var findings: [Finding]
        }
        let report = try JSONDecoder().decode(R.self, from: Data(result.output.utf8))
        #expect(report.parent == "scratch")
        #expect(report.artefacts.map(\.path) == ["aarch64/alpine-minirootfs-3.20.3-aarch64.tar.gz"])
        #expect(report.artefacts.map(\.status) == ["verified"])
        #expect(report.findings.isEmpty)

        options.format = .text
        let text = try await VerifyCommand.run(.init(source: source), options: options)
        #expect(
            text.output.contains(
                "✓ aarch64/alpine-minirootfs-3.20.3-aarch64.tar.gz  verified against checksums.sha512:1"))
        #expect(text.output.contains("all verified (1 item)"))
    }

    /// A directory with nothing that can be verified says so; it never says "all verified".
    @Test func aDirectoryWithNothingToVerifySaysSo() async throws {
        let dir = try TemporaryDirectory("verify-nothing")
        let folder = dir.appending("app")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Data("FROM scratch\nCOPY app /app\nCMD [\"/app\"]\n".utf8).write(
            to: folder.appendingPathComponent("Dockerfile"))
        try Data("binary".utf8).write(to: folder.appendingPathComponent("app"))
        var options = GlobalOptions()
        options.format = .text
        let result = try await VerifyCommand.run(.init(source: folder.path), options: options)
        #expect(result.output.contains("nothing to verify"), "\(result.output)")
        #expect(!result.output.contains("all verified"))
        #expect(!result.output.contains("✓"))
    }

    @Test func localFolderWithATamperedTarballIsAnAlert() async throws {
        let dir = try TemporaryDirectory("verify-local")
        let checkout = dir.appending("alpine")
        try TestSupport.git([
            "clone", "--quiet", "-b", "v3.20", try TestPaths.corpus("docker-alpine-v3.20.bundle").path, checkout.path,
        ])
        let tarball = checkout.appendingPathComponent("x86_64/alpine-minirootfs-3.20.3-x86_64.tar.gz")
        var bytes = try Data(contentsOf: tarball)
        bytes[bytes.count / 2] ^= 0xff
        try bytes.write(to: tarball)
        // A folder holding the checksum list and the directory, as the repository root does.
        var options = GlobalOptions()
        options.format = .json
        let result = try await VerifyCommand.run(
            .init(source: checkout.appendingPathComponent("x86_64").path), options: options)
        // Run from the directory alone, the root's checksums.sha512 is out of reach: missing, not mismatch.
        #expect(result.output.contains("checksum-missing"))
        #expect(throws: UsageError.self) { try SourceSpec(parsing: "https://example.com/x.git#") }
        #expect(
            try SourceSpec(parsing: "https://h/r.git#abc:dir")
                == .git(repo: "https://h/r.git", commit: "abc", directory: "dir"))
        #expect(try SourceSpec(parsing: "./local") == .local("./local"))
    }

    /// `trackbot verify` on an oci-import layout (found by its `oci-layout`) holds bashbrew's
    /// restriction: an xz layer is refused, naming the document, the field and the rule.
    @Test func bashbrew_ociImport_verifyRefusesAnXzLayerInALocalLayout() async throws {
        let dir = try TemporaryDirectory("verify-oci-xz")
        let made = try VerificationFixtures.makeLayout(in: dir.appending("oci"), compression: .xz)
        var options = GlobalOptions()
        options.format = .text
        let result = try await VerifyCommand.run(.init(source: made.directory.path), options: options)
        #expect(result.exitCode == 1, "\(result.output)")
        #expect(
            result.output.contains(
                "blobs/sha256/\(made.manifestDigest.dropFirst(7)) layers[0].mediaType: is application/vnd.oci.image.layer.v1.tar+xz (an xz layer); oci-import takes only OCI tar, tar+gzip and tar+zstd layers [bashbrew/oci-import-media-type]"
            ), "\(result.output)")
        // The same layout with a gzip layer verifies.
        let sound = try VerificationFixtures.makeLayout(in: dir.appending("oci-gzip"), compression: .gzip)
        let clean = try await VerifyCommand.run(.init(source: sound.directory.path), options: options)
        #expect(clean.exitCode == 0, "\(clean.output)")
    }
}
