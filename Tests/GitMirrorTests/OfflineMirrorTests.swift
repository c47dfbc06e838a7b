import Foundation
import TestSupport
import Testing
import TrackbotCore

@testable import GitMirror

/// `--offline`: no network at all. The mirrors are read as they are, through a rewrite that sends
/// every URL to a loopback port where nothing listens, so any connection would fail the test.
@Suite struct OfflineMirrorTests {
    /// A cache over the world's mirrors whose remote is a port where nothing listens.
    static func unreachable(_ world: OfficialImagesWorld, _ closed: ClosedPort, offline: Bool) -> MirrorCache {
        var rewriter = URLRewriter()
        rewriter.add(.init(from: world.url, to: "git://127.0.0.1:\(closed.port)/official-images.git"))
        var cache = world.cache(rewriter: rewriter)
        cache.offline = offline
        return cache
    }

    @Test func offline_readsTheMirrorAsItIs_withoutConnecting_andSaysWhenItWasFetched() async throws {
        let world = try await OfficialImagesWorld.make()
        let before = Date()
        let online = try await world.cache().fetch(world.url, refs: ["refs/heads/master"])
        #expect(online.fetchedAt.map { $0 >= before.addingTimeInterval(-1) } == true)
        let tip = try ObjectID(world.revParse("master"))!

        let closed = try ClosedPort()
        // Not offline, the same cache fails: the remote really is unreachable.
        await #expect(throws: MirrorError.self) {
            _ = try await Self.unreachable(world, closed, offline: false).fetch(world.url, refs: ["refs/heads/master"])
        }
        let cache = Self.unreachable(world, closed, offline: true)
        let read = try await cache.fetch(world.url, refs: ["refs/heads/master", "refs/heads/*"])
        #expect(read.updates.isEmpty && read.receivedObjects == 0 && !read.created)
        // Recorded to the second (RFC 3339).
        let recorded = try #require(read.fetchedAt), fetched = try #require(online.fetchedAt)
        #expect(abs(recorded.timeIntervalSince(fetched)) < 1)
        let check = try await cache.ensureCommit(tip, reachableFrom: "refs/heads/master", of: world.url)
        #expect(check.status == .reachable)
        #expect(cache.ages.used.map(\.url) == [world.url])
        #expect(
            cache.ages.notes(now: read.fetchedAt!.addingTimeInterval(3 * 3600)).first?.hasSuffix("(3 h old)") == true)
    }

    @Test func offline_whatTheMirrorLacksIsAnErrorSayingSo() async throws {
        let world = try await OfficialImagesWorld.make()
        _ = try await world.cache().fetch(world.url, refs: ["refs/heads/master"])
        let closed = try ClosedPort()
        let cache = Self.unreachable(world, closed, offline: true)
        let absent = ObjectID(String(repeating: "ab", count: 20))!
        for attempt in [
            { _ = try await cache.fetch(world.url, refs: ["refs/heads/no-such-branch"]) },
            { _ = try await cache.fetch(world.url, refs: [absent.hex]) },
            { _ = try await cache.ensureCommit(absent, reachableFrom: "refs/heads/master", of: world.url) },
            { _ = try await cache.remoteRefs(world.url) },
        ] as [@Sendable () async throws -> Void] {
            do {
                try await attempt()
                Issue.record("expected notInLocalMirror")
            } catch let error as MirrorError {
                guard case .notInLocalMirror = error else {
                    Issue.record("\(error)")
                    continue
                }
                #expect(error.description.contains("not in the local mirror"))
                #expect(error.description.contains("without --offline"))
            }
        }
    }

    @Test func offline_neverCreatesAMirror() async throws {
        let world = try await OfficialImagesWorld.make()
        let closed = try ClosedPort()
        let cache = Self.unreachable(world, closed, offline: true)
        let location = try cache.location(world.url)
        await #expect(throws: MirrorError.notInLocalMirror(url: location.display, what: "")) {
            _ = try await cache.fetch(world.url, refs: ["refs/heads/master"])
        }
        #expect(!FileManager.default.fileExists(atPath: cache.mirrorDirectory(for: location).path))
    }
}
