import Foundation
import TestSupport
import Testing
import Tracking

@testable import TrackbotKit

@Suite struct StateMergeTests {
    static func image(_ at: String, commit: String) -> ImageState {
        ImageState(libraryCommit: commit, checkedAt: at, tags: ["latest": TagState(platforms: [:])])
    }

    @Test func laterCheckedAtWinsAndEveryImageIsKept() async throws {
        let dir = try TemporaryDirectory("state-merge")
        let a = dir.appending("a.json").path, b = dir.appending("b.json").path,
            out = dir.appending("out/merged.json").path
        try StateStore(path: a).save(
            State(images: [
                "alpine": Self.image("2026-11-27T10:00:00Z", commit: "old"),
                "debian": Self.image("2026-11-27T09:00:00Z", commit: "debian-a"),
            ]))
        try StateStore(path: b).save(
            State(images: [
                // Half a second later, though "…00.500Z" sorts before "…00Z" as text: compared as instants.
                "alpine": Self.image("2026-11-27T10:00:00.500Z", commit: "new"),
                "node": Self.image("2026-11-27T08:00:00Z", commit: "node-b"),
            ]))
        let result = try await StateMergeCommand.run(.init(output: out, inputs: [b, a]))
        #expect(result.exitCode == 0)
        let merged = try StateStore(path: out).load()
        #expect(Set(merged.images.keys) == ["alpine", "debian", "node"])
        #expect(merged.images["alpine"]?.libraryCommit == "new")
        #expect(merged.images["debian"]?.libraryCommit == "debian-a")
        #expect(merged.images["node"]?.libraryCommit == "node-b")
        // The order of the inputs does not matter.
        let again = try await StateMergeCommand.run(.init(output: out, inputs: [a, b]))
        #expect(again.exitCode == 0)
        #expect(try StateStore(path: out).load() == merged)
        #expect(merged.schemaVersion == State.currentSchema)
    }

    @Test func corruptOrNewerInputIsRefusedAndOutputUntouched() async throws {
        let dir = try TemporaryDirectory("state-merge-bad")
        let good = dir.appending("good.json").path, out = dir.appending("merged.json").path
        try StateStore(path: good).save(State(images: ["alpine": Self.image("2026-11-27T10:00:00Z", commit: "c")]))
        try Data("previous merged state, must survive\n".utf8).write(to: URL(fileURLWithPath: out))
        let before = try Data(contentsOf: URL(fileURLWithPath: out))

        let corrupt = dir.appending("shard2.json").path
        try Data("{\"schemaVersion\": 1, \"images\": {\"alpine\": ".utf8).write(to: URL(fileURLWithPath: corrupt))
        let error = await #expect(throws: StateError.self) {
            try await StateMergeCommand.run(.init(output: out, inputs: [good, corrupt]))
        }
        guard case .corrupt(let path, _)? = error else {
            Issue.record("not refused as corrupt: \(String(describing: error))")
            return
        }
        #expect(path == corrupt)
        #expect(error?.description.contains("shard2.json") == true)
        #expect(try Data(contentsOf: URL(fileURLWithPath: out)) == before)

        let newer = dir.appending("shard3.json").path
        try Data("{\"schemaVersion\": 99, \"images\": {}}".utf8).write(to: URL(fileURLWithPath: newer))
        await #expect(throws: StateError.newerSchema(newer, found: 99, supported: State.currentSchema)) {
            try await StateMergeCommand.run(.init(output: out, inputs: [good, newer]))
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: out)) == before)

        let missing = dir.appending("shard4.json").path
        let missingError = await #expect(throws: UsageError.self) {
            try await StateMergeCommand.run(.init(output: out, inputs: [good, missing]))
        }
        #expect(missingError?.description.contains("shard4.json") == true)
        #expect(try Data(contentsOf: URL(fileURLWithPath: out)) == before)
    }
}
