import Foundation
import TestSupport
import Testing
import TrackbotCore

@testable import GitMirror

#if canImport(Glibc)
import Glibc
#endif

/// A real writer killed half-way: `git fetch` into the mirror, SIGKILLed while its pack is being
/// written, leaves what an interrupted fetch leaves; the next trackbot fetch must succeed.
/// (A libgit2 fetch writes the same kind of temporary pack and renames it into place.)
@Suite struct KilledFetchTests {
    @Test func aFetchKilledWhileWritingItsPackLeavesTheMirrorUsable() async throws {
        let temp = try TemporaryDirectory("gitmirror-killed")
        let served = temp.appending("served")
        try FileManager.default.createDirectory(at: served, withIntermediateDirectories: true)
        try GitRepositories.fromBundle("docker-alpine-v3.20.bundle", into: served, name: "docker-alpine.git")
        let server = try await SmartHTTPServer.start(projectRoot: served, logDirectory: temp.url)
        let url = server.url("docker-alpine.git")
        let cache = MirrorCache(directory: temp.appending("cache"))

        // An empty mirror (the ref asked for does not exist yet).
        let empty = try await cache.fetch(url, refs: ["refs/heads/not-yet"])
        #expect(empty.missingRefs == ["refs/heads/not-yet"])
        let packs = URL(fileURLWithPath: empty.directory).appendingPathComponent("objects/pack")

        // git fetch into it (kept as a pack, not unpacked to loose objects), killed as soon as its
        // temporary pack appears.
        let fetch = Process()
        fetch.executableURL = URL(fileURLWithPath: try findTool("git", package: "git"))
        fetch.arguments = [
            "--git-dir", empty.directory, "-c", "fetch.unpackLimit=1", "fetch", "--quiet", url,
            "+refs/heads/v3.20:refs/heads/v3.20",
        ]
        fetch.environment = ProcessInfo.processInfo.environment.merging([
            "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1",
        ]) { $1 }
        fetch.standardError = FileHandle.nullDevice
        try spawn { try fetch.run() }
        // Watched closely (every millisecond) on a thread of its own, not a cooperative one.
        let watched = UncheckedSendable(fetch)
        let caught = try await offPool { () -> Bool in
            let fetch = watched.value
            let deadline = Date().addingTimeInterval(60)
            while fetch.isRunning && Date() < deadline {
                let names = (try? FileManager.default.contentsOfDirectory(atPath: packs.path)) ?? []
                if names.contains(where: { $0.hasPrefix("tmp_pack_") }) {
                    kill(fetch.processIdentifier, SIGKILL)
                    return true
                }
                usleep(1000)
            }
            return false
        }
        await waitForExit(fetch)
        try #require(caught, "git fetch finished before its pack could be interrupted")
        #expect(fetch.terminationReason == .uncaughtSignal)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: packs.path).filter {
            $0.hasPrefix("tmp_pack_")
        }
        #expect(!leftovers.isEmpty)

        let result = try await cache.fetch(url, refs: ["refs/heads/v3.20"])
        #expect(!result.created)
        #expect(result.updates.map(\.name) == ["refs/heads/v3.20"])
        let note = try #require(result.notes.first)
        for name in leftovers { #expect(note.contains(name)) }
        try fsck(result.directory)
        let mirror = try cache.mirror(url)
        #expect(try await mirror.resolve("v3.20").hex == "7d63673353bd39d92ba42f6effcc199aeebd45ee")
        #expect(try await mirror.blob("x86_64/Dockerfile", at: "v3.20").count > 0)
    }
}
