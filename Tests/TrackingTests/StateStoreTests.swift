import Foundation
import OfficialImages
import TestSupport
import Testing
import TrackbotCore

@testable import Tracking

@Suite struct StateStoreTests {
    static func sample(_ n: Int = 1) throws -> State {
        let source = ArchitectureSource(
            gitRepo: "https://github.com/alpinelinux/docker-alpine.git", gitFetch: "refs/heads/v3.20",
            gitCommit: String(repeating: "7", count: 40), directory: "x86_64",
            file: "Dockerfile", builder: "")
        var tags: [String: TagState] = [:]
        for i in 0..<n {
            tags["3.20.\(i)"] = TagState(
                indexDigest: try Digest(parsing: "sha256:" + String(repeating: "a", count: 64)),
                platforms: [
                    "amd64": PlatformState(
                        digest: try Digest(parsing: "sha256:" + String(repeating: "b", count: 64)), source: source)
                ])
        }
        return State(images: [
            "alpine": ImageState(
                libraryCommit: String(repeating: "8", count: 40), checkedAt: "2026-11-27T00:00:00Z", tags: tags)
        ])
    }

    @Test func roundTripsSortedAndVersioned() throws {
        let dir = try TemporaryDirectory()
        let store = StateStore(path: dir.appending("state.json").path)
        #expect(try store.load() == State())  // no file yet: empty state
        let state = try Self.sample(3)
        try store.save(state)
        #expect(try store.load() == state)
        let text = try String(contentsOfFile: store.path, encoding: .utf8)
        #expect(text.contains("\"schemaVersion\" : 2"))
        let keys = text.split(separator: "\n").filter { $0.hasPrefix("  \"") }.map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        #expect(keys == keys.sorted())
        // No temp files left behind.
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.contains("tmp") }.isEmpty)
    }

    @Test func corruptFileIsRefusedAndLeftAsItIs() throws {
        let dir = try TemporaryDirectory()
        let path = dir.appending("state.json").path
        let garbage = Data("{\"schemaVersion\": 1, \"images\": {\"alpine\": 42}}".utf8)
        try garbage.write(to: URL(fileURLWithPath: path))
        let store = StateStore(path: path)
        #expect(throws: StateError.self) { try store.load() }
        do { _ = try store.load() } catch {
            #expect(error.description.contains("state file \(path) is not valid trackbot state"))
            #expect(error.description.contains("images.alpine"))
            #expect(error.description.contains("left as it is"))
        }
        #expect(FileManager.default.contents(atPath: path) == garbage)
        try Data("not json".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: StateError.self) { try store.load() }
    }

    @Test func newerSchemaIsRefused() throws {
        let dir = try TemporaryDirectory()
        let path = dir.appending("state.json").path
        try Data("{\"schemaVersion\": 99, \"images\": {}}".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: StateError.newerSchema(path, found: 99, supported: 2)) { try StateStore(path: path).load() }
    }

    /// A version 1 file (no trusted builds, no alerts) is read, and the last digest it saw
    /// becomes the trusted one.
    @Test func schemaOneIsMigrated() throws {
        let dir = try TemporaryDirectory()
        let path = dir.appending("state.json").path
        let v1 = """
            {"schemaVersion": 1, "images": {"alpine": {"checkedAt": "2026-11-01T00:00:00Z", "libraryCommit": "\(String(repeating: "8", count: 40))",
              "tags": {"3.20": {"indexDigest": "sha256:\(String(repeating: "a", count: 64))", "platforms": {"amd64": {
                "digest": "sha256:\(String(repeating: "b", count: 64))",
                "source": {"gitRepo": "https://github.com/alpinelinux/docker-alpine.git", "gitFetch": "refs/heads/v3.20",
                           "gitCommit": "\(String(repeating: "7", count: 40))", "directory": "x86_64", "file": "Dockerfile", "builder": ""}}}}}}}}
            """
        try Data(v1.utf8).write(to: URL(fileURLWithPath: path))
        let state = try StateStore(path: path).load()
        #expect(state.schemaVersion == 2)
        let image = try #require(state.images["alpine"])
        #expect(image.alerts.isEmpty)
        let trusted = try #require(image.tags["3.20"]?.platforms["amd64"]?.trusted)
        #expect(trusted.digest.hex == String(repeating: "b", count: 64))
        #expect(trusted.since == "2026-11-01T00:00:00Z")
        #expect(trusted.reason == "migrated from schema 1")
    }

    @Test func lockSerialisesWriters() async throws {
        let dir = try TemporaryDirectory()
        let store = StateStore(path: dir.appending("state.json").path)
        try store.save(State())
        // Eight concurrent read-modify-write cycles under the lock: none is lost.
        await withTaskGroup(of: Void.self) { group in
            for i in 0..<8 {
                group.addTask {
                    try? await store.withLock {
                        var s = try store.load()
                        s.images["img\(i)"] = ImageState(libraryCommit: nil, checkedAt: "t")
                        try store.save(s)
                    }
                }
            }
        }
        #expect(try store.load().images.count == 8)
    }
}
