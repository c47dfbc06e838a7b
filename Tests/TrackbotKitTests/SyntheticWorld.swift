import Foundation
import Reporting
import TestSupport
import TrackbotCore

@testable import TrackbotKit

/// A small world made by the test: an official-images repository with its own `library/*` files,
/// upstream repositories (`up/NAME.git`), both served by a git daemon, and a docker-registry.
/// `https://github.com/` and `docker.io` are rewritten to them, as in AlpineWorld.
final class SyntheticWorld: @unchecked Sendable {
    let dir: TemporaryDirectory
    let gitBase: URL
    let daemon: GitDaemon
    let registry: LocalRegistry
    let configPath: String
    let statePath: String
    private let libraryWork: URL
    private let layoutsLock = NSLock()
    private var layouts: [String: URL] = [:]

    init() throws {
        dir = try TemporaryDirectory("synthetic-world")
        gitBase = dir.appending("git")
        try FileManager.default.createDirectory(
            at: gitBase.appendingPathComponent("docker-library"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(
            at: gitBase.appendingPathComponent("up"), withIntermediateDirectories: true)
        daemon = try GitDaemon(base: gitBase, logDirectory: dir.url)
        registry = try LocalRegistry(root: dir.appending("registry"), workDirectory: dir.url)
        libraryWork = dir.appending("work/official-images")
        try GitRepositories.working(at: libraryWork, files: ["README.md": "synthetic official-images\n"])
        try TestSupport.git([
            "init", "--quiet", "--bare", gitBase.appendingPathComponent("docker-library/official-images.git").path,
        ])
        try TestSupport.git(
            ["remote", "add", "origin", gitBase.appendingPathComponent("docker-library/official-images.git").path],
            in: libraryWork)
        try TestSupport.git(["push", "--quiet", "origin", "main"], in: libraryWork)
        statePath = dir.appending("state.json").path
        configPath = dir.appending("trackbot.toml").path
        let config = """
            state = "\(statePath)"
            cache-dir = "\(dir.appending("cache").path)"
            [library]
            source = "https://github.com/docker-library/official-images.git"
            ref = "main"
            [rewrite]
            "https://github.com/" = "git://127.0.0.1:\(daemon.server.port)/"
            "docker.io" = "\(registry.url)"
            """
        try Data(config.utf8).write(to: URL(fileURLWithPath: configPath))
    }

    // MARK: - official-images

    /// Writes `library/NAME` and pushes it to official-images' main branch.
    @discardableResult
    func library(_ name: String, _ text: String) throws -> String {
        let commit = try GitRepositories.commit(
            in: libraryWork, files: ["library/\(name)": text], message: "library/\(name)")
        try TestSupport.git(["push", "--quiet", "origin", "main"], in: libraryWork)
        return commit
    }

    /// `library/NAME` with one tag built `FROM scratch` (nothing to verify at its source), so a
    /// chain through `NAME:TAG` ends at scratch.
    func scratchImage(_ name: String, tag: String = "1") throws {
        try dockerfileImage(name, tags: tag, dockerfile: "FROM scratch\nCMD [\"true\"]\n")
    }

    /// Upstream `name` holding `dockerfile` (pushed), and `library/NAME` with one entry of
    /// `tags` built from it on `refs/heads/main`.
    func dockerfileImage(_ name: String, tags: String = "1", dockerfile: String) throws {
        let commit = try self.commit(name, files: ["Dockerfile": dockerfile])
        try upstreamGit(name, ["push", "--quiet", "origin", "main"])
        try library(name, Self.libraryFile(repo: name, entries: [(tags, nil, commit, "GitFetch: refs/heads/main\n")]))
    }

    /// A library file with one entry per `(tags, fetch, commit, extra lines)`.
    static func libraryFile(repo: String, entries: [(tags: String, fetch: String?, commit: String, extra: String)])
        -> String
    {
        var text = "Maintainers: Test <test@example.invalid> (@test)\nGitRepo: https://github.com/up/\(repo).git\n"
        for e in entries {
            text += "\nTags: \(e.tags)\n"
            if let fetch = e.fetch { text += "GitFetch: \(fetch)\n" }
            text += "GitCommit: \(e.commit)\n" + e.extra
        }
        return text
    }

    // MARK: - upstreams

    /// The working copy of upstream `name` (created on first use, with a bare `up/NAME.git` to push to).
    func upstream(_ name: String) throws -> URL {
        let work = dir.appending("work/up-\(name)")
        if FileManager.default.fileExists(atPath: work.path) { return work }
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        try TestSupport.git(["init", "--quiet", "-b", "main"], in: work)
        let bare = gitBase.appendingPathComponent("up/\(name).git")
        try TestSupport.git(["init", "--quiet", "--bare", bare.path])
        // Lets a client ask for any commit by id (what GitHub allows), so an unreachable
        // GitCommit can still be fetched and judged.
        try TestSupport.git(["config", "uploadpack.allowAnySHA1InWant", "true"], in: bare)
        try TestSupport.git(["remote", "add", "origin", bare.path], in: work)
        return work
    }

    /// Writes text files into upstream `name`, commits everything in its working copy, and
    /// returns the commit (not pushed).
    @discardableResult
    func commit(_ name: String, files: [String: String] = [:], message: String = "change") throws -> String {
        let work = try upstream(name)
        for (path, content) in files {
            let url = work.appendingPathComponent(path)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try content.write(to: url, atomically: true, encoding: .utf8)
        }
        try TestSupport.git(["add", "-A"], in: work)
        try TestSupport.git(["commit", "--quiet", "--allow-empty", "-m", message], in: work)
        return try TestSupport.git(["rev-parse", "HEAD"], in: work).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// `git ARGS` in upstream `name`'s working copy.
    @discardableResult
    func upstreamGit(_ name: String, _ args: [String]) throws -> String {
        try TestSupport.git(args, in: try upstream(name)).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    // MARK: - rootfs tarballs and images

    /// A gzip-compressed rootfs tarball holding `files` (plus their directories), made with tar.
    func rootfs(_ files: [String: String], name: String = "rootfs") throws -> URL {
        let staging = dir.appending("staging-\(UUID().uuidString.prefix(6))")
        for (path, content) in files {
            let url = staging.appendingPathComponent(path)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try content.write(to: url, atomically: true, encoding: .utf8)
        }
        // In a folder of its own, so its base name (which make_oci.py records in history) is NAME.tar.gz.
        let folder = dir.appending("rootfs-\(UUID().uuidString.prefix(6))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let out = folder.appendingPathComponent("\(name).tar.gz")
        try run(
            try findTool("tar", package: "tar"),
            [
                "--owner=0", "--group=0", "--numeric-owner", "--sort=name",
                "-czf", out.path, "-C", staging.path, ".",
            ])
        return out
    }

    /// Runs make_oci.py; returns the layout and the digest it printed (the manifest with `single`).
    func layout(
        rootfs: URL, extra: String? = nil, single: Bool = false, history: [String]? = nil,
        into out: URL? = nil, base: URL? = nil, baseName: String? = nil
    ) throws -> (URL, String) {
        let out = out ?? dir.appending("oci-\(UUID().uuidString.prefix(6))")
        var spec = "amd64=\(rootfs.path)"
        if let extra { spec += ",extra=\(extra):added" }
        var args = [
            TestPaths.packageRoot.appendingPathComponent("scripts/world/make_oci.py").path, "--out", out.path,
            "--tag", "t", "--platform", spec,
        ]
        if single { args.append("--single") }
        if let base { args += ["--base", base.path] }
        if let baseName { args += ["--base-name", baseName] }
        _ = history
        let digest = try run(try findTool("python3", package: "python3"), args).trimmingCharacters(
            in: .whitespacesAndNewlines)
        return (out, digest)
    }

    /// Builds an index with one platform per `(arch, rootfs, extra file, relabelled platform)` and
    /// pushes it as `library/NAME:TAG`; returns the platform manifest digests in order.
    @discardableResult
    func publish(
        _ name: String, tag: String, platforms: [(arch: String, rootfs: URL, extra: String?, relabel: String?)]
    ) throws -> [String] {
        var specs: [String] = []
        for p in platforms {
            var spec = "\(p.arch)=\(p.rootfs.path)"
            if let extra = p.extra { spec += ",extra=\(extra):added" }
            if let relabel = p.relabel { spec += ",platform=\(relabel)" }
            specs += ["--platform", spec]
        }
        // make_oci.py is deterministic and a rootfs tarball is never rewritten: the same platforms
        // (several tags of one image) make the same layout, made once per world.
        let key = specs.joined(separator: " ")
        let out: URL
        if let made = layoutsLock.withLock({ layouts[key] }) {
            out = made
        } else {
            out = dir.appending("oci-\(UUID().uuidString.prefix(6))")
            let args =
                [
                    TestPaths.packageRoot.appendingPathComponent("scripts/world/make_oci.py").path, "--out", out.path,
                    "--tag", "t",
                ] + specs
            _ = try run(try findTool("python3", package: "python3"), args)
            layoutsLock.withLock { layouts[key] = out }
        }
        try registry.push(layout: out, tag: "t", repository: "library/\(name)", as: tag)
        let index =
            try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("index.json")))
            as? [String: Any]
        let top = ((index?["manifests"] as? [[String: Any]])?.first?["digest"] as? String) ?? ""
        let inner =
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: out.appendingPathComponent("blobs/sha256/" + top.dropFirst(7))))
            as? [String: Any]
        return ((inner?["manifests"] as? [[String: Any]]) ?? []).compactMap { $0["digest"] as? String }
    }

    /// Builds an index for amd64 from `rootfs` (plus an extra file) and pushes it as
    /// `library/NAME:TAG`; with `base` (a layout this returned), on that image's layers, as a
    /// Dockerfile `FROM` builds, and with `baseName` annotated as built on it. Returns the layout.
    @discardableResult
    func publish(
        _ name: String, tag: String, rootfs: URL, extra: String? = nil, base: URL? = nil, baseName: String? = nil
    ) throws -> URL {
        let (out, _) = try layout(rootfs: rootfs, extra: extra, base: base, baseName: baseName)
        try registry.push(layout: out, tag: "t", repository: "library/\(name)", as: tag)
        return out
    }

    // MARK: - running trackbot

    func options(
        _ format: OutputFormat = .json, noRegistry: Bool = false, deep: Bool = false, arch: [Architecture] = []
    )
        -> GlobalOptions
    {
        var o = GlobalOptions()
        o.configPath = configPath
        o.format = format
        o.noRegistry = noRegistry
        o.deep = deep
        o.architectures = arch
        return o
    }

    func check(_ refs: [String], noRegistry: Bool = false, deep: Bool = false, arch: [Architecture] = []) async throws
        -> (
            CommandResult, Report
        )
    {
        let result = try await CheckCommand.run(
            .init(references: refs), options: options(noRegistry: noRegistry, deep: deep, arch: arch))
        do {
            return (result, try JSONDecoder().decode(Report.self, from: Data(result.output.utf8)))
        } catch {
            throw TestSupportError.missing("a JSON report in: \(result.output)")
        }
    }

    /// The parts of `--format json` the tests read.
    struct Report: Decodable {
        struct F: Decodable {
            var kind: String
            var severity: String
            var image: String?
            var tag: String?
            var arch: String?
            var message: String
            var expected: String?
            var actual: String?
            var alertStatus: String?
            var openSince: String?
        }
        struct Platform: Decodable {
            var arch: String
            var status: String
            var verified: [String]
            var digest: String?
        }
        struct Tag: Decodable {
            var tag: String
            var platforms: [Platform]
        }
        struct Image: Decodable {
            var name: String
            var error: String?
            var tags: [Tag]
        }
        struct Summary: Decodable { var alerts: Int }
        var findings: [F]
        var images: [Image]
        var summary: Summary

        var alerts: [F] { findings.filter { $0.severity == "alert" } }
        func platform(_ image: String, _ tag: String, _ arch: String) -> Platform? {
            images.first { $0.name == image }?.tags.first { $0.tag == tag }?.platforms.first { $0.arch == arch }
        }
    }
}
