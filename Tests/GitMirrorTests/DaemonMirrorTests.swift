import Foundation
import TestSupport
import Testing
import TrackbotCore

@testable import GitMirror

/// Mirrors of the official-images subset served by a real git daemon.
@Suite struct DaemonMirrorTests {
    @Test func clonesThenFetchesNothingNew() async throws {
        let world = try await OfficialImagesWorld.make()
        let recorder = ProgressRecorder()
        let cache = world.cache(progress: { recorder.record($0) })

        let first = try await cache.fetch(world.url, refs: ["refs/heads/master"])
        #expect(first.created)
        #expect(first.url == world.url)
        #expect(URL(fileURLWithPath: first.directory).lastPathComponent.hasPrefix("127.0.0.1_"))
        #expect(
            first.updates == [
                RefUpdate(
                    name: "refs/heads/master", old: nil,
                    new: ObjectID(try world.revParse("master")), isFastForward: true)
            ])
        #expect(first.receivedObjects > 1000)
        #expect(!recorder.all.isEmpty)
        #expect(recorder.all.last?.receivedObjects == first.receivedObjects)
        try fsck(first.directory)
        // Only what was asked for: no pull-request refs, no remote-tracking refs.
        let refs = try git(["--git-dir", first.directory, "for-each-ref", "--format=%(refname)"])
        #expect(refs.split(separator: "\n") == ["refs/heads/master"])

        let second = try await cache.fetch(world.url, refs: ["refs/heads/master"])
        #expect(!second.created)
        #expect(second.updates.isEmpty)
        #expect(second.receivedObjects == 0)
        #expect(second.notes.isEmpty)
    }

    @Test func readsFilesTreesAndResolvesRevisions() async throws {
        let world = try await OfficialImagesWorld.make()
        let cache = world.cache()
        _ = try await cache.mirrorBranchesAndTags(world.url)
        let mirror = try cache.mirror(world.url)

        #expect(try await mirror.resolve("master").hex == world.revParse("master"))
        #expect(try await mirror.resolve("refs/heads/master").hex == world.revParse("master"))
        #expect(try await mirror.resolve("87b6256").hex == alpineCommit)
        #expect(try await mirror.resolve("master~3").hex == world.revParse("master~3"))
        await #expect(throws: MirrorError.self) { try await mirror.resolve("no-such-branch") }

        let alpine = String(decoding: try await mirror.libraryFile("alpine", at: alpineCommit), as: UTF8.self)
        #expect(alpine == (try git(["show", "\(alpineCommit):library/alpine"], in: world.repository)))
        #expect(alpine.contains("GitCommit: 7d63673353bd39d92ba42f6effcc199aeebd45ee"))
        #expect(alpine.contains("GitFetch: refs/heads/v3.20"))

        let listing = try await mirror.libraryFiles(at: alpineCommit)
        let expected = try git(["ls-tree", "\(alpineCommit):library"], in: world.repository)
            .split(separator: "\n").map { line -> String in
                let parts = line.split(separator: "\t")
                let meta = parts[0].split(separator: " ")
                return "\(meta[0]) \(meta[1]) \(meta[2]) \(parts[1])"
            }
        #expect(listing.map { "\($0.mode) \($0.kind.rawValue) \($0.id.hex) \($0.name)" } == expected)
        #expect(listing.map(\.path).contains("library/alpine"))

        let root = try await mirror.tree("", at: alpineCommit)
        #expect(root.contains { $0.name == "library" && $0.kind == .tree && $0.mode == "040000" })
        await #expect(throws: MirrorError.pathNotFound(mirror: world.url, commit: alpineCommit, path: "library/nope")) {
            try await mirror.blob("library/nope", at: alpineCommit)
        }
        await #expect(throws: MirrorError.self) { try await mirror.blob("library", at: alpineCommit) }
        await #expect(throws: MirrorError.self) { try await mirror.libraryFile("../README.md", at: alpineCommit) }

        // Streamed in small chunks, the bytes are the same.
        let collected = ChunkCollector()
        let size = try await mirror.streamBlob("library/node", at: alpineCommit, chunkSize: 1000) {
            collected.append($0)
        }
        let whole = try await mirror.blob("library/node", at: alpineCommit)
        #expect(size == whole.count)
        #expect(collected.data == whole)
        #expect(collected.chunks == (whole.count + 999) / 1000)
    }

    @Test func commitsTouchingAPathMatchGitLog() async throws {
        let world = try await OfficialImagesWorld.make()
        let cache = world.cache()
        _ = try await cache.fetch(world.url, refs: ["refs/heads/master"])
        let mirror = try cache.mirror(world.url)
        for (old, path) in [
            ("master~400", "library/alpine"), ("master~150", "library/debian"), (nil, "library/busybox"),
        ] {
            let oldID = try old.map { try world.revParse($0) }
            let range = oldID.map { "\($0)..master" } ?? "master"
            let expected = try git(["log", "--format=%H", range, "--", path], in: world.repository)
                .split(separator: "\n").map(String.init)
            let commits = try await mirror.commits(touching: path, from: oldID, to: "master")
            #expect(!expected.isEmpty)
            #expect(Set(commits.map(\.id.hex)) == Set(expected), "\(range) -- \(path)")
            #expect(commits.map(\.id.hex) == expected, "same order as git log for \(range) -- \(path)")
        }
        let newest = try await mirror.commits(touching: "library/alpine", from: "\(alpineCommit)~1", to: alpineCommit)
        #expect(newest.map(\.id.hex) == [alpineCommit])
        #expect(newest.first?.summary.hasPrefix("alpine: bump 3.17.10") == true)
    }

    @Test func checksCommitsAgainstTheirRef() async throws {
        let world = try await OfficialImagesWorld.make()
        let cache = world.cache()
        let check = try await cache.ensureCommit(
            ObjectID(alpineCommit)!, reachableFrom: "refs/heads/master", of: world.url)
        #expect(check.status == .reachable)
        #expect(!check.fetchedByID)
        #expect(check.refTip.hex == (try world.revParse("master")))
        #expect(check.fetch.created)

        // A pull request whose head is not in master's history (git CLI says so), and one whose head is.
        let prs = try await cache.remotePullRequests(world.url)
        func inMaster(_ pr: PullRequestRef) -> Bool {
            (try? git(["merge-base", "--is-ancestor", pr.head!.hex, "master"], in: world.repository)) != nil
        }
        let pr = try #require(prs.first { $0.head != nil && !inMaster($0) })
        let merged = try #require(prs.first { $0.head != nil && inMaster($0) })
        let head = try #require(pr.head)
        _ = try await cache.fetchPullRequests([merged.number], of: world.url)
        let mergedCheck = try await cache.ensureCommit(merged.head!, reachableFrom: "refs/heads/master", of: world.url)
        #expect(mergedCheck.status == .reachable)
        _ = try await cache.fetchPullRequests([pr.number], of: world.url)
        let notInRef = try await cache.ensureCommit(head, reachableFrom: "refs/heads/master", of: world.url)
        #expect(notInRef.status == .notReachable)
        #expect(notInRef.fetch.updates.isEmpty)

        await #expect(throws: MirrorError.refNotFound(url: world.url, ref: "refs/heads/v9.99")) {
            try await cache.ensureCommit(ObjectID(alpineCommit)!, reachableFrom: "refs/heads/v9.99", of: world.url)
        }
    }

    @Test func listsRemoteRefsWithoutCloning() async throws {
        let world = try await OfficialImagesWorld.make()
        let cache = world.cache()
        let refs = try await cache.remoteRefs(world.url)
        let expected = try git(["for-each-ref", "--format=%(objectname) %(refname)"], in: world.repository)
            .split(separator: "\n").map(String.init)
        #expect(Set(refs.filter { $0.name != "HEAD" }.map { "\($0.id.hex) \($0.name)" }) == Set(expected))
        #expect(refs.filter { $0.name.hasPrefix("refs/pull/") && $0.name.hasSuffix("/head") }.count == 1391)
        #expect(refs.filter { $0.name.hasPrefix("refs/pull/") && $0.name.hasSuffix("/merge") }.count == 24)
        #expect(!FileManager.default.fileExists(atPath: world.cacheDirectory.path), "listing refs creates no mirror")

        let prs = try await cache.remotePullRequests(world.url)
        #expect(prs.count == 1391)
        #expect(prs.filter { $0.merge != nil }.count == 24)
        #expect(prs == prs.sorted())
    }

    @Test func fetchesOnlyTheNamedPullRequests() async throws {
        let world = try await OfficialImagesWorld.make()
        let cache = world.cache()
        let advertised = try await cache.remotePullRequests(world.url)
        let withMerge = try #require(advertised.first { $0.merge != nil })
        let headOnly = try #require(advertised.first { $0.merge == nil })
        let absent = (advertised.map(\.number).max() ?? 0) + 1

        let result = try await cache.fetchPullRequests([withMerge.number, headOnly.number, absent], of: world.url)
        #expect(result.missingRefs == ["refs/pull/\(absent)/head"])
        #expect(
            Set(result.updates.map(\.name)) == [
                "refs/pull/\(withMerge.number)/head", "refs/pull/\(withMerge.number)/merge",
                "refs/pull/\(headOnly.number)/head",
            ])
        let local = try await cache.mirror(world.url).pullRequests()
        #expect(local == [withMerge, headOnly].sorted())
        try fsck(result.directory)
    }
}

final class ChunkCollector: @unchecked Sendable {
    private(set) var data = Data()
    private(set) var chunks = 0
    func append(_ bytes: UnsafeRawBufferPointer) {
        data.append(contentsOf: bytes)
        chunks += 1
    }
}
