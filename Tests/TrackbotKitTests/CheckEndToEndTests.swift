import Foundation
import TestSupport
import Testing
import TrackbotCore
import Tracking

@testable import TrackbotKit

@Suite("check against real git and registry servers", .serialized)
struct CheckEndToEndTests {
    @Test func recordsThenSeesNothingNewThenDriftThenTagMoves() async throws {
        let world = try await offPool { try AlpineWorld() }
        try await world.publish(tags: ["3.20.3", "3.20", "3", "latest"])

        // First run: all verified, recorded.
        let (first, r1) = try await world.check()
        #expect(first.exitCode == 0, "\(first.output)")
        #expect(r1.findings.isEmpty)
        let platforms = try #require(r1.images.first?.tags.first?.platforms)
        #expect(platforms.map(\.arch) == ["amd64", "arm64v8"])
        #expect(
            platforms[0].verified.first?.hasPrefix(
                "x86_64/alpine-minirootfs-3.20.3-x86_64.tar.gz sha512 (checksums.sha512:") == true)
        let recorded = try StateStore(path: world.statePath).load()
        #expect(recorded.images["alpine"]?.libraryCommit == AlpineWorld.commit87)
        #expect(recorded.images["alpine"]?.tags["3.20"]?.platforms["amd64"]?.digest?.description == platforms[0].digest)

        // Second run: nothing new, and the unchanged tag cost one HEAD request.
        let (second, r2) = try await world.check()
        #expect(second.exitCode == 0)
        #expect(r2.findings.isEmpty)
        #expect(r2.images[0].tags[0].notes.contains { $0.contains("unchanged") })

        // A re-pushed image with an extra file: unexplained drift on amd64 only.
        try await world.publish(tags: ["3.20"], extraFile: "etc/extra")
        let (third, r3) = try await world.check()
        #expect(third.exitCode == 1)
        #expect(r3.findings.map(\.kind) == ["digest-drift"])
        #expect(r3.findings[0].arch == "amd64" && r3.findings[0].severity == "alert")
        #expect(r3.findings[0].expected == platforms[0].digest)

        // The library moved on to 6317ead: the tag changes are reported. Its new upstream commit
        // is not in the local docker-alpine, so that tag cannot be checked (exit 2) and keeps its state.
        let before = try StateStore(path: world.statePath).load()
        let (fourth, r4) = try await world.check(libraryRef: "6317ead")
        #expect(fourth.exitCode == 2)
        #expect(r4.findings.contains { $0.kind == "tag-moved" && $0.tag == "3.20" })
        #expect(r4.findings.contains { $0.kind == "tag-removed" && $0.tag == "3.20.3" })
        #expect(r4.images[0].error?.contains("570fbc0") == true || r4.images[0].error?.contains("not in") == true)
        let after = try StateStore(path: world.statePath).load()
        #expect(after.images["alpine"]?.tags["3.20"] == before.images["alpine"]?.tags["3.20"])
    }

    @Test func corruptStateIsRefusedAndLeftAsItIs() async throws {
        let world = try await offPool { try AlpineWorld() }
        let garbage = Data("{\"schemaVersion\": 1, \"images\": [".utf8)
        try garbage.write(to: URL(fileURLWithPath: world.statePath))
        await #expect(throws: StateError.self) { _ = try await world.check() }
        #expect(FileManager.default.contents(atPath: world.statePath) == garbage)
    }

    @Test func wrongRevisionIsProvenanceMismatch() async throws {
        let world = try await offPool { try AlpineWorld() }
        try await world.publish(tags: ["3.20"], revision: String(repeating: "0", count: 40))
        let (result, report) = try await world.check()
        #expect(result.exitCode == 1)
        #expect(Set(report.findings.map(\.kind)) == ["provenance-mismatch"])
        #expect(
            report.findings.contains {
                $0.expected == AlpineWorld.alpineCommit && $0.actual == String(repeating: "0", count: 40)
            })
    }

    @Test func oneImageFailingLetsTheOthersFinish() async throws {
        // busybox's upstream is not served here: it fails, alpine is still checked and recorded.
        let world = try await offPool {
            try AlpineWorld(
                images: """
                    [[images]]
                    name = "busybox"
                    tags = ["latest"]
                    architectures = ["amd64"]
                    [[images]]
                    name = "alpine"
                    tags = ["3.20"]
                    architectures = ["amd64", "arm64v8"]
                    """)
        }
        try await world.publish(tags: ["3.20"])
        let result = try await CheckCommand.run(.init(references: []), options: world.options())
        let report = try JSONDecoder().decode(AlpineWorld.Report.self, from: Data(result.output.utf8))
        #expect(result.exitCode == 2)
        #expect(report.images.map(\.name) == ["busybox", "alpine"])
        #expect(report.images[0].error != nil)
        #expect(report.images[1].error == nil)
        let state = try StateStore(path: world.statePath).load()
        #expect(state.images["alpine"] != nil)
        #expect(state.images["busybox"] == nil)
    }
}
