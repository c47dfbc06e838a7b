import Foundation
import TestSupport
import Testing
import TrackbotCore

@testable import GitMirror

/// Force-pushed branches, moved tags and commits fetched by id, in a repository built with the
/// git CLI and served by a git daemon.
@Suite struct RewrittenHistoryTests {
    final class World: @unchecked Sendable {
        let temp: TemporaryDirectory
        let work: URL
        let bare: URL
        let daemon: GitDaemon
        init() throws {
            temp = try TemporaryDirectory("gitmirror-rewrite")
            work = temp.appending("work")
            try GitRepositories.working(at: work, files: ["x86_64/Dockerfile": "FROM scratch\n"], branch: "v3.20")
            let served = temp.appending("served")
            bare = served.appendingPathComponent("docker-alpine.git")
            try FileManager.default.createDirectory(at: served, withIntermediateDirectories: true)
            try git(["init", "--quiet", "--bare", bare.path])
            try git(["remote", "add", "origin", bare.path], in: work)
            daemon = try GitDaemon(base: served, logDirectory: temp.url)
        }
        func push(_ refspecs: String...) throws {
            try git(["push", "--quiet", "--force", "origin"] + refspecs, in: work)
        }
        func commit(_ message: String) throws -> String {
            try GitRepositories.commit(
                in: work, files: ["x86_64/Dockerfile": "FROM scratch\n# \(message)\n"], message: message)
        }
        var url: String { daemon.url("docker-alpine.git") }
        var cache: MirrorCache { MirrorCache(directory: temp.appending("cache")) }
    }

    @Test func reportsForcePushedBranchesAndMovedTags() async throws {
        let world = try await offPool { try World() }
        let c1 = try git(["rev-parse", "HEAD"], in: world.work).trimmingCharacters(in: .whitespacesAndNewlines)
        try git(["tag", "-a", "-m", "v1", "v1"], in: world.work)
        try git(["tag", "light"], in: world.work)
        try world.push("v3.20", "v1", "light")
        let first = try await world.cache.mirrorBranchesAndTags(world.url)
        #expect(Set(first.updates.map(\.name)) == ["refs/heads/v3.20", "refs/tags/v1", "refs/tags/light"])
        #expect(first.rewrites.isEmpty)

        // A fast-forward is not a rewrite.
        let c2 = try world.commit("second")
        try world.push("v3.20")
        let forward = try await world.cache.mirrorBranchesAndTags(world.url)
        #expect(
            forward.updates == [
                RefUpdate(name: "refs/heads/v3.20", old: ObjectID(c1), new: ObjectID(c2), isFastForward: true)
            ])

        // Rewrite the branch, move both tags.
        try git(["reset", "--quiet", "--hard", c1], in: world.work)
        let c3 = try world.commit("rewritten")
        try git(["tag", "-f", "-a", "-m", "v1 again", "v1"], in: world.work)
        try git(["tag", "-f", "light"], in: world.work)
        let oldTag = try git(["--git-dir", world.bare.path, "rev-parse", "refs/tags/v1"]).trimmingCharacters(
            in: .whitespacesAndNewlines)
        try world.push("v3.20", "v1", "light")
        let newTag = try git(["--git-dir", world.bare.path, "rev-parse", "refs/tags/v1"]).trimmingCharacters(
            in: .whitespacesAndNewlines)
        let rewritten = try await world.cache.mirrorBranchesAndTags(world.url)
        #expect(
            rewritten.updates == [
                RefUpdate(name: "refs/heads/v3.20", old: ObjectID(c2), new: ObjectID(c3), isFastForward: false),
                RefUpdate(name: "refs/tags/light", old: ObjectID(c1), new: ObjectID(c3), isFastForward: false),
                RefUpdate(name: "refs/tags/v1", old: ObjectID(oldTag), new: ObjectID(newTag), isFastForward: false),
            ])
        #expect(rewritten.rewrites.count == 3)
        // The mirror follows the remote: the old branch tip is no longer what the ref names.
        #expect(try await world.cache.mirror(world.url).resolve("refs/heads/v3.20").hex == c3)
        // And a commit lost in the rewrite is no longer reachable from the branch.
        let check = try await world.cache.ensureCommit(ObjectID(c2)!, reachableFrom: "refs/heads/v3.20", of: world.url)
        #expect(check.status == .notReachable)
        // An annotated tag is peeled to its commit.
        let tagged = try await world.cache.ensureCommit(ObjectID(c1)!, reachableFrom: "refs/tags/v1", of: world.url)
        #expect(tagged.refTip.hex == c3)
        #expect(tagged.status == .reachable)
        try fsck(rewritten.directory)
    }

    @Test func fetchesACommitByIdWhenTheServerAllowsIt() async throws {
        let world = try await offPool { try World() }
        try world.push("v3.20")
        // A commit only on another branch, which the entry's ref does not contain.
        try git(["checkout", "--quiet", "-b", "side"], in: world.work)
        let side = try world.commit("side only")
        try world.push("side")

        // The daemon refuses unadvertised wants by default: reported, not thrown.
        let refused = try await world.cache.ensureCommit(
            ObjectID(side)!, reachableFrom: "refs/heads/v3.20", of: world.url)
        #expect(refused.status == .missing)
        #expect(!refused.fetchedByID)
        let detail = try #require(refused.detail)
        #expect(detail.contains(world.url))

        try git(["--git-dir", world.bare.path, "config", "uploadpack.allowAnySHA1InWant", "true"])
        let fetched = try await world.cache.ensureCommit(
            ObjectID(side)!, reachableFrom: "refs/heads/v3.20", of: world.url)
        #expect(fetched.fetchedByID)
        #expect(fetched.status == .notReachable)
        #expect(fetched.detail == nil)
        let mirror = try world.cache.mirror(world.url)
        #expect(try await mirror.resolve(side).hex == side)
        #expect(try await mirror.refs(under: "refs/trackbot/").map(\.name) == ["refs/trackbot/commits/\(side)"])
    }

    @Test func mirrorsOverFileURLsOnlyWhenAllowed() async throws {
        let world = try await offPool { try World() }
        try world.push("v3.20")
        let fileURL = "file://" + world.bare.path
        await #expect(throws: MirrorError.localURLNotAllowed(url: fileURL)) {
            try await world.cache.mirrorBranchesAndTags(fileURL)
        }
        let own = try await world.cache.mirrorBranchesAndTags(world.bare.path, isUserOwned: true)
        #expect(own.updates.map(\.name) == ["refs/heads/v3.20"])
        #expect(own.url == fileURL)

        // The URL a library file names, pointed at the daemon by a rewrite, and at a file:// path.
        let upstream = "https://github.com/alpinelinux/docker-alpine.git"
        for target in [world.daemon.url("docker-alpine.git"), fileURL] {
            var cache = MirrorCache(
                directory: world.temp.appending("cache-rewrite-\(target.hasPrefix("file") ? "file" : "git")"))
            cache.rewriter.add(.init(from: upstream, to: target))
            let result = try await cache.mirrorBranchesAndTags(upstream)
            #expect(result.url == target)
            #expect(
                URL(fileURLWithPath: result.directory).lastPathComponent.hasPrefix(
                    "github.com_alpinelinux_docker-alpine-"))
            #expect(
                try await cache.mirror(upstream).resolve("v3.20").hex
                    == git(["rev-parse", "HEAD"], in: world.work).trimmingCharacters(in: .whitespacesAndNewlines))
        }
    }

    @Test func neverFetchesSubmodules() async throws {
        let world = try await offPool { try World() }
        // A second repository used as a submodule, served beside the first.
        let subWork = world.temp.appending("sub-work")
        try GitRepositories.working(at: subWork, files: ["sub.txt": "only in the submodule\n"])
        let subBare = world.temp.appending("served/sub.git")
        try git(["clone", "--quiet", "--bare", subWork.path, subBare.path])
        let subCommit = try git(["rev-parse", "HEAD"], in: subWork).trimmingCharacters(in: .whitespacesAndNewlines)
        let subBlob = try git(["rev-parse", "HEAD:sub.txt"], in: subWork).trimmingCharacters(
            in: .whitespacesAndNewlines)
        try git(
            ["-c", "protocol.file.allow=always", "submodule", "--quiet", "add", subBare.path, "vendor/sub"],
            in: world.work)
        try git(["commit", "--quiet", "-m", "add submodule"], in: world.work)
        try world.push("v3.20")

        let result = try await world.cache.mirrorBranchesAndTags(world.url)
        let mirror = try world.cache.mirror(world.url)
        let vendor = try await mirror.tree("vendor", at: "v3.20")
        #expect(vendor.map(\.kind) == [.commit])
        #expect(vendor.first?.id.hex == subCommit)
        #expect(vendor.first?.mode == "160000")
        let gitmodules = String(decoding: try await mirror.blob(".gitmodules", at: "v3.20"), as: UTF8.self)
        #expect(gitmodules.contains("vendor/sub"))
        // Neither the submodule's commit nor its content came along, and no modules/ directory exists.
        let repository = try Repository(openBare: URL(fileURLWithPath: result.directory))
        #expect(!repository.contains(ObjectID(subCommit)!))
        #expect(!repository.contains(ObjectID(subBlob)!))
        #expect(!FileManager.default.fileExists(atPath: result.directory + "/modules"))
        try fsck(result.directory)
    }
}
