import Foundation
import TestSupport
import TrackbotCore
import Reporting
@testable import TrackbotKit

/// The real alpine trace, offline: official-images (corpus subset) and docker-alpine v3.20
/// (corpus) served by a git daemon, and a docker-registry holding images built from the real
/// rootfs tarballs. `https://github.com/` and `docker.io` are rewritten to them.
final class AlpineWorld: @unchecked Sendable {
    static let commit87 = "87b625632e9fb982915b295d83e299e1b87bde98"
    static let alpineCommit = "7d63673353bd39d92ba42f6effcc199aeebd45ee"
    static let arches = [("amd64", "x86_64"), ("arm64v8", "aarch64")]

    let dir: TemporaryDirectory
    let daemon: GitDaemon
    let registry: LocalRegistry
    let checkout: URL
    let configPath: String
    let statePath: String

    init(images: String = "[[images]]\nname = \"alpine\"\ntags = [\"3.20\"]\narchitectures = [\"amd64\", \"arm64v8\"]\n") throws {
        dir = try TemporaryDirectory("alpine-world")
        let git = dir.appending("git")
        try FileManager.default.createDirectory(at: git.appendingPathComponent("docker-library"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: git.appendingPathComponent("alpinelinux"), withIntermediateDirectories: true)
        try GitRepositories.fromBundle("official-images-subset.bundle", into: git, name: "docker-library/official-images.git")
        try GitRepositories.fromBundle("docker-alpine-v3.20.bundle", into: git, name: "alpinelinux/docker-alpine.git")
        daemon = try GitDaemon(base: git, logDirectory: dir.url)
        registry = try LocalRegistry(root: dir.appending("registry"), workDirectory: dir.url)
        checkout = dir.appending("docker-alpine")
        try TestSupport.git(["clone", "--quiet", "-b", "v3.20", git.appendingPathComponent("alpinelinux/docker-alpine.git").path, checkout.path])
        statePath = dir.appending("state.json").path
        configPath = dir.appending("trackbot.toml").path
        let config = """
        state = "\(statePath)"
        cache-dir = "\(dir.appending("cache").path)"
        [library]
        source = "https://github.com/docker-library/official-images.git"
        ref = "\(Self.commit87)"
        [rewrite]
        "https://github.com/" = "git://127.0.0.1:\(daemon.server.port)/"
        "docker.io" = "\(registry.url)"
        \(images)
        """
        try Data(config.utf8).write(to: URL(fileURLWithPath: configPath))
    }

    /// Builds an image from the real tarballs (with official-image annotations) and pushes it as
    /// `library/alpine:TAG` for each tag.
    func publish(tags: [String], revision: String = AlpineWorld.alpineCommit, extraFile: String? = nil, name: String = "alpine") throws {
        let out = dir.appending("oci-\(UUID().uuidString.prefix(6))")
        var args = [TestPaths.packageRoot.appendingPathComponent("scripts/world/make_oci.py").path, "--out", out.path, "--tag", "t",
                    "--annotation", "org.opencontainers.image.revision=\(revision)"]
        for (arch, d) in Self.arches {
            var spec = "\(arch)=\(checkout.path)/\(d)/alpine-minirootfs-3.20.3-\(d).tar.gz"
            if let extraFile, arch == "amd64" { spec += ",extra=\(extraFile):tampered" }
            args += ["--platform", spec, "--platform-annotation",
                     "\(arch):org.opencontainers.image.source=https://github.com/alpinelinux/docker-alpine.git#\(revision):\(d)"]
        }
        _ = try run(try requireTool("python3", package: "python3"), args)
        for tag in tags { try registry.push(layout: out, tag: "t", repository: "library/\(name)", as: tag) }
    }

    func options(_ format: OutputFormat = .json, libraryRef: String? = nil) -> GlobalOptions {
        var o = GlobalOptions()
        o.configPath = configPath
        o.format = format
        o.libraryRef = libraryRef
        return o
    }

    func check(_ refs: [String] = ["alpine:3.20"], libraryRef: String? = nil) async throws -> (CommandResult, Report) {
        let result = try await CheckCommand.run(.init(references: refs), options: options(libraryRef: libraryRef))
        return (result, try JSONDecoder().decode(Report.self, from: Data(result.output.utf8)))
    }

    /// The parts of `--format json` the tests read.
    struct Report: Decodable {
        struct F: Decodable { var kind: String; var severity: String; var tag: String?; var arch: String?; var expected: String?; var actual: String? }
        struct Image: Decodable { var name: String; var error: String?; var tags: [Tag] }
        struct Tag: Decodable { var tag: String; var indexDigest: String?; var platforms: [P]; var notes: [String] }
        struct P: Decodable { var arch: String; var digest: String?; var verified: [String] }
        var findings: [F]
        var images: [Image]
    }
}
