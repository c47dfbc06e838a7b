import Foundation
import Reporting
import TestSupport
import TrackbotCore

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

    init(
        images: String = "[[images]]\nname = \"alpine\"\ntags = [\"3.20\"]\narchitectures = [\"amd64\", \"arm64v8\"]\n"
    ) throws {
        dir = try TemporaryDirectory("alpine-world")
        let git = dir.appending("git")
        try FileManager.default.createDirectory(
            at: git.appendingPathComponent("docker-library"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(
            at: git.appendingPathComponent("alpinelinux"), withIntermediateDirectories: true)
        try GitRepositories.fromBundle(
            "official-images-subset.bundle", into: git, name: "docker-library/official-images.git")
        try GitRepositories.fromBundle("docker-alpine-v3.20.bundle", into: git, name: "alpinelinux/docker-alpine.git")
        daemon = try GitDaemon(base: git, logDirectory: dir.url)
        registry = try LocalRegistry(root: dir.appending("registry"), workDirectory: dir.url)
        checkout = try AlpineShared.shared.checkout(from: git.appendingPathComponent("alpinelinux/docker-alpine.git"))
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
    /// `library/alpine:TAG` for each tag. On a thread of its own (make_oci.py, skopeo).
    func publish(
        tags: [String], revision: String = AlpineWorld.alpineCommit, extraFile: String? = nil, name: String = "alpine"
    ) async throws {
        try await offPool { try self.publishBlocking(tags: tags, revision: revision, extraFile: extraFile, name: name) }
    }

    /// The layout `publish` pushes (made once per test process), for images built on it.
    func layout(revision: String = AlpineWorld.alpineCommit, extraFile: String? = nil) throws -> URL {
        try AlpineShared.shared.layout(key: "\(revision) \(extraFile ?? "-")") {
            try self.makeLayout(revision: revision, extraFile: extraFile, out: $0)
        }
    }

    private func publishBlocking(tags: [String], revision: String, extraFile: String?, name: String) throws {
        // make_oci.py is deterministic (fixed times, gzip without a name or time): each layout is
        // made once per test process and pushed from there.
        let out = try AlpineShared.shared.layout(key: "\(revision) \(extraFile ?? "-")") {
            try self.makeLayout(revision: revision, extraFile: extraFile, out: $0)
        }
        for tag in tags { try registry.push(layout: out, tag: "t", repository: "library/\(name)", as: tag) }
    }

    private func makeLayout(revision: String, extraFile: String?, out: URL) throws {
        var args = [
            TestPaths.packageRoot.appendingPathComponent("scripts/world/make_oci.py").path, "--out", out.path, "--tag",
            "t",
            "--annotation", "org.opencontainers.image.revision=\(revision)",
        ]
        for (arch, d) in Self.arches {
            var spec = "\(arch)=\(checkout.path)/\(d)/alpine-minirootfs-3.20.3-\(d).tar.gz"
            if let extraFile, arch == "amd64" { spec += ",extra=\(extraFile):tampered" }
            args += [
                "--platform", spec, "--platform-annotation",
                "\(arch):org.opencontainers.image.source=https://github.com/alpinelinux/docker-alpine.git#\(revision):\(d)",
            ]
        }
        _ = try run(try requireTool("python3", package: "python3"), args)
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
        struct F: Decodable {
            var kind: String
            var severity: String
            var tag: String?
            var arch: String?
            var expected: String?
            var actual: String?
        }
        struct Image: Decodable {
            var name: String
            var error: String?
            var tags: [Tag]
        }
        struct Tag: Decodable {
            var tag: String
            var indexDigest: String?
            var platforms: [P]
            var notes: [String]
        }
        struct P: Decodable {
            var arch: String
            var digest: String?
            var verified: [String]
        }
        var findings: [F]
        var images: [Image]
    }
}

/// What every AlpineWorld only reads, made once per test process (in a directory removed at
/// exit): the docker-alpine v3.20 checkout whose tarballs the images are built from, and the OCI
/// layouts built from them.
final class AlpineShared: @unchecked Sendable {
    static let shared = AlpineShared()
    private let lock = NSLock()
    private var directory: TemporaryDirectory?
    private var checkoutURL: URL?
    private var layouts: [String: URL] = [:]

    private func base() throws -> TemporaryDirectory {
        if let directory { return directory }
        let made = try TemporaryDirectory("alpine-shared").removedAtExit()
        directory = made
        return made
    }

    /// `git clone -b v3.20 BARE` once (the first world's bare copy; every copy is the same).
    func checkout(from bare: URL) throws -> URL {
        try lock.withLock {
            if let checkoutURL { return checkoutURL }
            let url = try base().appending("docker-alpine")
            try TestSupport.git(["clone", "--quiet", "-b", "v3.20", bare.path, url.path])
            checkoutURL = url
            return url
        }
    }

    /// The layout for `key`, made by `make` into a new directory the first time.
    func layout(key: String, make: (URL) throws -> Void) throws -> URL {
        if let done = lock.withLock({ layouts[key] }) { return done }
        let out = try lock.withLock { try base() }.appending("oci-\(UUID().uuidString.prefix(8))")
        try make(out)
        return lock.withLock {
            if let first = layouts[key] { return first }  // made twice at once: keep the first
            layouts[key] = out
            return out
        }
    }
}
