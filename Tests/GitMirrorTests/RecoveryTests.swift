import Foundation
import TestSupport
import Testing
import TrackbotCore

@testable import GitMirror

/// Interrupted fetches, damaged mirrors, concurrent fetches and unreachable servers.
@Suite struct RecoveryTests {
    @Test func cleansUpAfterAKilledFetch() async throws {
        // Its own world: it updates a ref of the served repository.
        let world = try await OfficialImagesWorld.makeOwn()
        let cache = world.cache()
        let first = try await cache.fetch(world.url, refs: ["refs/heads/master"])
        let dir = URL(fileURLWithPath: first.directory)
        // What a fetch killed half-way leaves: lock files, a pack being written, a pack without
        // its index, a ref update in progress.
        let packs = dir.appendingPathComponent("objects/pack")
        let existing = try FileManager.default.contentsOfDirectory(atPath: packs.path).first { $0.hasSuffix(".pack") }!
        let full = try Data(contentsOf: packs.appendingPathComponent(existing))
        let leftovers = [
            "packed-refs.lock", "HEAD.lock", "index.lock", "shallow.lock", "refs/heads/master.lock",
            "objects/pack/tmp_pack_Ab12Cd", "objects/pack/pack_git2_x1y2z3",
            "objects/pack/pack-0123456789abcdef0123456789abcdef01234567.pack",
        ]
        for name in leftovers {
            let url = dir.appendingPathComponent(name)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try full.prefix(full.count / 2).write(to: url)
        }
        // Something new to fetch, so the fetch really writes refs and a pack.
        try git(["--git-dir", world.repository.path, "update-ref", "refs/heads/master", "master~0"])
        let next = try await cache.fetch(
            world.url, refs: ["refs/heads/master", "refs/pull/\(try firstPullRequest(world))/head"])
        #expect(next.updates.count == 1)
        #expect(!next.created)
        let note = try #require(next.notes.first)
        #expect(note.contains("removed \(leftovers.count) leftover(s)"))
        for name in leftovers {
            #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent(name).path), "\(name) removed")
            #expect(note.contains(name))
        }
        try fsck(next.directory)
        #expect(try await cache.mirror(world.url).resolve("master").hex == world.revParse("master"))
    }

    @Test func movesADamagedMirrorAsideAndClonesAgain() async throws {
        let world = try await OfficialImagesWorld.make()
        let cache = world.cache()
        let first = try await cache.fetch(world.url, refs: ["refs/heads/master"])
        let dir = URL(fileURLWithPath: first.directory)
        // The ref names a commit the mirror does not have (lost objects).
        try "1234567890123456789012345678901234567890\n".write(
            to: dir.appendingPathComponent("refs/heads/master"),
            atomically: true, encoding: .utf8)
        let again = try await cache.fetch(world.url, refs: ["refs/heads/master"])
        #expect(again.created)
        let note = try #require(again.notes.first)
        #expect(note.contains("damaged"))
        #expect(note.contains("1234567890123456789012345678901234567890"))
        let siblings = try FileManager.default.contentsOfDirectory(atPath: world.cacheDirectory.path)
        let aside = try #require(siblings.first { $0.hasPrefix(dir.lastPathComponent + ".corrupt-") })
        #expect(note.contains(aside))
        #expect(again.updates.first?.new?.hex == (try world.revParse("master")))
        try fsck(again.directory)

        // A directory that is not a repository at all.
        try FileManager.default.removeItem(at: dir)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try "garbage".write(to: dir.appendingPathComponent("HEAD"), atomically: true, encoding: .utf8)
        let third = try await cache.fetch(world.url, refs: ["refs/heads/master"])
        #expect(third.created)
        #expect(third.notes.first?.contains("cannot be opened") == true)
        try fsck(third.directory)
    }

    /// Damage that stops libgit2 from opening (or reading) the mirror at all.
    @Test(arguments: ["unparseable config", "missing HEAD", "objects is a file", "garbage pack index"])
    func aMirrorLibgit2CannotOpenIsMovedAsideAndClonedAgain(_ damage: String) async throws {
        let world = try await OfficialImagesWorld.make()
        let cache = world.cache()
        let first = try await cache.fetch(world.url, refs: ["refs/heads/master"])
        let dir = URL(fileURLWithPath: first.directory)
        let fm = FileManager.default
        switch damage {
        case "unparseable config":
            try "[core\n\tbare = true\n[[[ this is not git config\n".write(
                to: dir.appendingPathComponent("config"), atomically: true, encoding: .utf8)
        case "missing HEAD":
            try fm.removeItem(at: dir.appendingPathComponent("HEAD"))
        case "objects is a file":
            try fm.removeItem(at: dir.appendingPathComponent("objects"))
            try "garbage".write(to: dir.appendingPathComponent("objects"), atomically: true, encoding: .utf8)
        default:
            let packs = dir.appendingPathComponent("objects/pack")
            for name in try fm.contentsOfDirectory(atPath: packs.path) where name.hasSuffix(".idx") {
                try Data(repeating: 0x5a, count: 4096).write(to: packs.appendingPathComponent(name))
            }
        }
        let again = try await cache.fetch(world.url, refs: ["refs/heads/master"])
        #expect(again.created, "\(damage): cloned again")
        let note = try #require(again.notes.first { $0.contains("damaged") }, "\(damage): \(again.notes)")
        let siblings = try fm.contentsOfDirectory(atPath: world.cacheDirectory.path)
        let aside = try #require(siblings.first { $0.hasPrefix(dir.lastPathComponent + ".corrupt-") })
        #expect(note.contains(aside))
        #expect(again.updates.first?.new?.hex == (try world.revParse("master")))
        try fsck(again.directory)
        #expect(try await cache.mirror(world.url).resolve("master").hex == world.revParse("master"))
    }

    @Test func concurrentFetchesOfOneMirrorBothSucceed() async throws {
        let world = try await OfficialImagesWorld.make()
        let cache = world.cache()
        let number = try firstPullRequest(world)
        async let a = cache.fetch(world.url, refs: ["refs/heads/master"])
        async let b = cache.fetch(world.url, refs: ["refs/heads/master", "refs/pull/\(number)/head"])
        let (ra, rb) = try await (a, b)
        #expect(ra.directory == rb.directory)
        // Exactly one of them created the mirror; master was set once.
        #expect([ra.created, rb.created].filter { $0 }.count == 1)
        #expect((ra.updates + rb.updates).filter { $0.name == "refs/heads/master" }.count == 1)
        try fsck(ra.directory)
        let refs = try await cache.mirror(world.url).refs()
        #expect(refs.map(\.name) == ["refs/heads/master", "refs/pull/\(number)/head"])
    }

    @Test func waitsForAnotherProcessHoldingTheLock() async throws {
        let world = try await OfficialImagesWorld.make()
        let cache = world.cache()
        let first = try await cache.fetch(world.url, refs: ["refs/heads/master"])
        let lockFile = first.directory + ".lock"
        let held = world.temp.appending("held"), released = world.temp.appending("released")
        // Another process takes the mirror's lock, holds it a while, then notes its release.
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: try findTool("flock", package: "util-linux"))
        holder.arguments = [lockFile, "sh", "-c", "touch '\(held.path)'; sleep 1; touch '\(released.path)'"]
        try spawn { try holder.run() }
        while !FileManager.default.fileExists(atPath: held.path) { try await Task.sleep(for: .milliseconds(10)) }
        let result = try await cache.fetch(world.url, refs: ["refs/heads/master"])
        #expect(
            FileManager.default.fileExists(atPath: released.path),
            "the fetch started only after the other process let go")
        #expect(result.updates.isEmpty)
        await waitForExit(holder)
        #expect(holder.terminationStatus == 0)
    }

    @Test func aNetworkFailureNamesTheURLWithoutCredentials() async throws {
        let temp = try TemporaryDirectory("gitmirror-down")
        let closed = try ClosedPort()  // nothing listens here, and nothing can start to
        defer { withExtendedLifetime(closed) {} }  // held until the test ends
        let port = closed.port
        let cache = MirrorCache(directory: temp.appending("cache"))
        for url in ["git://127.0.0.1:\(port)/nothing.git", "http://user:s3cr3t-pass@127.0.0.1:\(port)/nothing.git"] {
            do {
                _ = try await cache.fetch(url, refs: ["refs/heads/master"])
                Issue.record("fetched from a closed port")
            } catch let error as MirrorError {
                guard case .fetchFailed(let shown, let message) = error else {
                    Issue.record("expected fetchFailed, got \(error)")
                    continue
                }
                #expect(shown == Redaction.stripCredentials(url))
                #expect(!message.isEmpty)
                #expect(!error.description.contains("s3cr3t-pass"))
                #expect(error.description.contains("127.0.0.1:\(port)"))
            }
        }
    }
}

func firstPullRequest(_ world: OfficialImagesWorld) throws -> Int {
    let line = try git(["for-each-ref", "--count=1", "--format=%(refname)", "refs/pull/"], in: world.repository)
    return Int(line.split(separator: "/")[2])!
}
