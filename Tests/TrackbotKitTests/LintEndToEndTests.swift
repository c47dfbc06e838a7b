import Foundation
import Lint
import Reporting
import TestSupport
import Testing
import TrackbotCore

@testable import TrackbotKit

/// `trackbot lint --pr N` and `trackbot prs` over a world the test makes: an upstream (served by
/// a real git daemon) whose history modifies a 3 MiB binary tarball, and an official-images
/// repository with `.external-pins/`, `library/debian`, a clean `library/demo`, a pull request
/// (#5) that breaks a rule of each kind, one (#6) that breaks none, and one (#7) whose pinned
/// external FROM images are asked about in a real registry (docker-registry, on loopback).
@Suite(.serialized) struct LintEndToEndTests {
    final class World: @unchecked Sendable {
        let dir: TemporaryDirectory
        let daemon: GitDaemon
        let registry: LocalRegistry
        let configPath: String
        let first: String, second: String, side: String
        let upstream: String

        init() throws {
            dir = try TemporaryDirectory("lint-world")
            let base = dir.appending("git")
            try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
            daemon = try GitDaemon(base: base, logDirectory: dir.url)
            upstream = daemon.url("up.git")
            registry = try LocalRegistry(root: dir.appending("registry"), workDirectory: dir.url)
            // The pinned external images: servercore for windows-amd64, ubi9 for amd64 only.
            let servercore = try Self.push(
                registry, dir.appending("servercore"), "windows/servercore", "ltsc2022",
                [
                    ["architecture": "amd64", "os": "windows"]
                ])
            let ubi = try Self.push(
                registry, dir.appending("ubi9"), "redhat/ubi9", "latest",
                [
                    ["architecture": "amd64", "os": "linux"]
                ])

            // The upstream: every Dockerfile in the first commit; the second only rewrites the tarball.
            let up = dir.appending("work/up")
            try GitRepositories.working(
                at: up,
                files: [
                    "good/Dockerfile": "FROM debian:bookworm\nRUN true\n",
                    "bad/Dockerfile": "FROM redhat/ubi8\n",
                    "ubi/Dockerfile": "FROM redhat/ubi9\n",
                    "win/Dockerfile": "FROM mcr.microsoft.com/windows/servercore:ltsc2022\n",
                ])
            try Self.binary(3 << 20, seed: 1).write(to: up.appendingPathComponent("rootfs.tar.gz"))
            first = try GitRepositories.commit(in: up, files: [:], message: "Dockerfiles and rootfs")
            try Self.binary(3 << 20, seed: 2).write(to: up.appendingPathComponent("rootfs.tar.gz"))
            second = try GitRepositories.commit(in: up, files: [:], message: "new rootfs, same name")
            try git(["checkout", "--quiet", "-b", "other", first], in: up)
            side = try GitRepositories.commit(in: up, files: ["README": "elsewhere\n"], message: "only on other")
            try git(["checkout", "--quiet", "main"], in: up)
            try git(["clone", "--quiet", "--bare", up.path, base.appendingPathComponent("up.git").path])
            // As GitHub does: a commit can be fetched by its id (what bashbrew tries first).
            try git([
                "--git-dir", base.appendingPathComponent("up.git").path, "config", "uploadpack.allowAnySHA1InWant",
                "true",
            ])

            // official-images.
            let head =
                "Maintainers: Test <test@example.invalid> (@test)\nGitRepo: \(upstream)\nGitFetch: refs/heads/main\n"
            let debian =
                head
                + "\nTags: bookworm, 12, latest\nArchitectures: amd64, arm64v8\nGitCommit: \(first)\nDirectory: good\n"
            let clean = head + "\nTags: 1.0, 1\nArchitectures: amd64, arm64v8\nGitCommit: \(first)\nDirectory: good\n"
            let oi = dir.appending("work/oi")
            try GitRepositories.working(
                at: oi,
                files: [
                    "library/debian": debian, "library/demo": clean,
                    ".external-pins/mcr.microsoft.com/windows/servercore___ltsc2022": servercore + "\n",
                    ".external-pins/redhat/ubi9___latest": ubi + "\n",
                ], branch: "master")
            let bare = base.appendingPathComponent("oi.git")
            try git(["init", "--quiet", "--bare", bare.path])
            try git(["push", "--quiet", bare.path, "master"], in: oi)
            try git(["checkout", "--quiet", "-b", "pr5"], in: oi)
            try GitRepositories.commit(
                in: oi, files: ["library/demo": head + Self.naughty(first: first, second: second, side: side)],
                message: "demo 1.1")
            try git(["push", "--quiet", bare.path, "pr5:refs/pull/5/head"], in: oi)
            try git(["checkout", "--quiet", "-b", "pr6", "master"], in: oi)
            let fine =
                head + "\nTags: 1.0.1, 1.0, 1\nArchitectures: amd64, arm64v8\nGitCommit: \(first)\nDirectory: good\n"
            try GitRepositories.commit(in: oi, files: ["library/demo": fine], message: "demo 1.0.1")
            try git(["push", "--quiet", bare.path, "pr6:refs/pull/6/head"], in: oi)
            try git(["checkout", "--quiet", "-b", "pr7", "master"], in: oi)
            let pinned =
                head
                + "\nTags: 2.0-ubi\nArchitectures: amd64, arm64v8\nGitCommit: \(first)\nDirectory: ubi\n"
                + "\nTags: 2.0-windows\nArchitectures: windows-amd64\nGitCommit: \(first)\nDirectory: win\n"
                + "Constraints: windowsservercore-ltsc2022\n"
            try GitRepositories.commit(in: oi, files: ["library/demo": pinned], message: "demo 2.0")
            try git(["push", "--quiet", bare.path, "pr7:refs/pull/7/head"], in: oi)

            configPath = dir.appending("trackbot.toml").path
            try Data(
                """
                cache-dir = "\(dir.appending("cache").path)"
                [library]
                source = "\(daemon.url("oi.git"))"
                ref = "refs/heads/master"
                [rewrite]
                "docker.io" = "\(registry.url)"
                "mcr.microsoft.com" = "\(registry.url)"
                [[images]]
                name = "demo"

                """.utf8
            ).write(to: URL(fileURLWithPath: configPath))
        }

        /// PR #5's entries (the file's line 5 onwards); the comments say which rule each breaks.
        static func naughty(first: String, second: String, side: String) -> String {
            """

            Tags: 1.1, 1, latest-x
            SharedTags: shared
            Architectures: amd64, s390x
            GitCommit: \(second)
            Directory: good

            Tags: 1.1-ubi
            SharedTags: shared
            Architectures: amd64
            GitCommit: \(first)
            Directory: bad

            Tags: 1.1-other
            Architectures: amd64
            GitCommit: \(side)
            Directory: good

            Tags: 1.1-windows
            Architectures: windows-amd64
            GitCommit: \(first)
            Directory: win

            """
        }

        /// An index of one image per platform, pushed as `repository:tag`; its digest.
        static func push(
            _ registry: LocalRegistry, _ layout: URL, _ repository: String, _ tag: String,
            _ platforms: [[String: String]]
        ) throws -> String {
            let builder = try OCILayoutBuilder(layout)
            var images: [BuiltBlob] = []
            var descriptors: [[String: Any]] = []
            for p in platforms {
                let image = try builder.image(architecture: p["architecture"]!, os: p["os"]!, content: repository)
                images.append(image)
                descriptors.append(image.descriptor(platform: p))
            }
            let index = try builder.json(
                ["schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": descriptors],
                mediaType: "application/vnd.oci.image.index.v1+json")
            try registry.pushDirect(layout: layout, manifests: images + [index], repository: repository, tag: tag)
            return index.digest.description
        }

        static func binary(_ count: Int, seed: UInt8) -> Data {
            Data((0..<count).map { i in i % 5 == 0 ? 0 : UInt8(truncatingIfNeeded: i &* 17 &+ Int(seed)) })
        }

        var options: GlobalOptions {
            var o = GlobalOptions()
            o.configPath = configPath
            o.verbosity = -1
            o.noRegistry = true
            return o
        }
    }

    /// Built once for the suite: the tests only read it (their fetches share one cache, one at a time).
    static let world = Task<World, any Error> {
        try await offPool {
            let world = try World()
            _ = world.dir.removedAtExit()
            return world
        }
    }

    @Test func lint_pullRequestBreaksEachRuleAtItsLine() async throws {
        let world = try await Self.world.value
        let report = try await LintCommand.report(.init(pullRequest: 5), options: world.options)
        #expect(report.pullRequest == 5 && report.mergeBase != nil)
        // naughty.sh's choice: the library files the pull request changes.
        #expect(report.result.images == ["demo"])
        let found = report.result.problems.map { "\($0.location) \($0.rule.rawValue) \($0.tag)" }
        #expect(
            found == [
                "library/demo:5 naughty-from 1.1",
                "library/demo:5 latest-tag latest-x",
                "library/demo:5 naughty-commits 1.1",
                "library/demo:11 naughty-from 1.1-ubi",
                "library/demo:11 naughty-sharedtags shared",
                "library/demo:17 commit-not-in-ref 1.1-other",
                "library/demo:22 naughty-constraints 1.1-windows",
            ])
        let byRule = Dictionary(grouping: report.result.problems, by: \.rule)
        #expect(byRule[.naughtyFrom]?.first?.architectures == ["s390x"])
        #expect(byRule[.naughtyFrom]?.first?.fix == "drop s390x from Architectures or use a base that has it")
        #expect(byRule[.naughtyFrom]?.last?.from == "redhat/ubi8:latest")
        #expect(byRule[.naughtyFrom]?.last?.fix.contains(".external-pins/redhat/ubi8___latest") == true)
        // The commit that rewrote the tarball, between the base's GitCommit and the new one.
        #expect(byRule[.naughtyCommits]?.first?.commit == world.second)
        #expect(byRule[.naughtyCommits]?.first?.message.contains("rootfs.tar.gz (3MB)") == true)
        #expect(byRule[.commitNotInRef]?.first?.commit == world.side)
        #expect(
            byRule[.naughtyConstraints]?.first?.message.hasPrefix("missing constraint windowsservercore-ltsc2022")
                == true)
        // The pinned Windows base: offline, so its architectures are not checked, and said so.
        #expect(report.result.notChecked.map(\.location) == ["library/demo:22"])
        #expect(report.result.notChecked.first?.from == "mcr.microsoft.com/windows/servercore:ltsc2022")

        let text = try await LintCommand.run(.init(pullRequest: 5), options: world.options)
        #expect(text.exitCode == 1)
        #expect(
            text.output.contains(
                "library/demo:11 naughty-sharedtags [shared · amd64]: shared tag shared gives amd64 twice"))
        var json = world.options
        json.format = .json
        let decoded = try JSONDecoder().decode(
            LintReport.self, from: Data(try await LintCommand.run(.init(pullRequest: 5), options: json).output.utf8))
        #expect(decoded == report)
    }

    @Test func lint_cleanPullRequestAndRefPass() async throws {
        let world = try await Self.world.value
        let pr = try await LintCommand.run(.init(pullRequest: 6), options: world.options)
        #expect(pr.exitCode == 0)
        #expect(pr.output.contains("lint: pass — no problem in 1 image(s), 1 entry, 3 tag(s)"))
        let ref = try await LintCommand.run(.init(images: ["demo", "debian"]), options: world.options)
        #expect(ref.exitCode == 0)
        await #expect(throws: UsageError.self) {
            try await LintCommand.report(.init(images: ["nosuch"]), options: world.options)
        }
        await #expect(throws: UsageError.self) {
            try await LintCommand.report(.init(pullRequest: 99), options: world.options)
        }
    }

    @Test func naughtyFrom_pinnedExternalArchitecturesFromTheRegistry() async throws {
        let world = try await Self.world.value
        var online = world.options
        online.noRegistry = false
        let report = try await LintCommand.report(.init(pullRequest: 7), options: online)
        // ubi9 is published for amd64 only; servercore for windows-amd64, and the constraint is there.
        #expect(
            report.result.problems.map { "\($0.location) \($0.rule.rawValue) \($0.architectures)" } == [
                "library/demo:5 naughty-from [\"arm64v8\"]"
            ])
        #expect(report.result.problems.first?.message.contains("publishes no arm64v8 image (it has amd64)") == true)
        #expect(report.result.notChecked.isEmpty)
        // Offline, neither is decided, and both say so.
        let offline = try await LintCommand.report(.init(pullRequest: 7), options: world.options)
        #expect(offline.result.problems.isEmpty)
        #expect(offline.result.notChecked.map(\.location) == ["library/demo:5", "library/demo:10"])
        #expect(try await LintCommand.run(.init(pullRequest: 7), options: world.options).exitCode == 0)
    }

    /// The binary: exit 1 when a rule fails, 0 when clean, 2 for a flag lint does not take.
    @Test func lint_exitStatusOfTheBinary() async throws {
        let world = try await Self.world.value
        let binary = try TestPaths.trackbotBinary()
        func status(_ args: [String]) async throws -> Int32 {
            do {
                try await runAsync(binary, ["lint", "--config", world.configPath, "--offline", "-q"] + args)
                return 0
            } catch TestSupportError.commandFailed(_, let status, _) {
                return status
            }
        }
        #expect(try await status(["--pr", "5"]) == 1)
        #expect(try await status(["--pr", "6"]) == 0)
        #expect(try await status(["--pr", "6", "--deep"]) == 2)
        #expect(try await status(["nosuch"]) == 2)
    }

    @Test func prs_showsTheLintVerdictBesideTheDiff() async throws {
        let world = try await Self.world.value
        let report = try await PullRequestsCommand.report(
            .init(numbers: [5, 6], upstreamLogs: false), options: world.options)
        #expect(report.pullRequests.map(\.number) == [5, 6])
        #expect(report.pullRequests.map { $0.lint?.failed } == [true, false])
        #expect(report.pullRequests[0].lint?.problems.count == 7)
        var markdown = world.options
        markdown.format = .markdown
        let result = try await PullRequestsCommand.run(.init(numbers: [5, 6], upstreamLogs: false), options: markdown)
        #expect(result.exitCode == 0)  // a failing rule never fails prs
        #expect(result.output.contains("lint: FAIL — 7 problem(s)"))
        #expect(result.output.contains("| `library/demo:17` | commit-not-in-ref |"))
        #expect(result.output.contains("lint: pass"))
    }
}
