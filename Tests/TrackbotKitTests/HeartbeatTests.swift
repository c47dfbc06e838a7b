import Foundation
import TestSupport
import Testing
import TrackbotCore

@testable import TrackbotKit

/// `[watch] heartbeat-file` and `heartbeat-url`: after each completed `watch` run the file is
/// rewritten and the URL fetched with GET; a failing ping is a diagnostic, never the run's
/// failure, and shows the host only. `check` does not beat.
@Suite struct HeartbeatTests {
    @Test func heartbeat_fileTouchedAndURLPingedAfterEachWatchRun() async throws {
        let world = try await offPool { try SyntheticWorld() }
        let ping = try await RequestRecorder.start(logDirectory: world.dir.url)
        let secret = "ping-" + UUID().uuidString
        let file = world.dir.appending("beats/heartbeat")
        try Data(
            "\n[watch]\nheartbeat-file = \"\(file.path)\"\nheartbeat-url-env = \"TRACKBOT_TEST_PING\"\n".utf8
        ).append(to: world.configPath)
        let t1 = try world.commit("tagged", files: ["Dockerfile": "FROM scratch\n"])
        try world.upstreamGit("tagged", ["tag", "v1", t1])
        try world.upstreamGit("tagged", ["push", "--quiet", "origin", "main", "v1"])
        try world.library(
            "tagged", SyntheticWorld.libraryFile(repo: "tagged", entries: [("1", "refs/tags/v1", t1, "")]))
        var options = world.options(noRegistry: true)
        options.environment = ProcessInfo.processInfo.environment.merging(
            ["TRACKBOT_TEST_PING": ping.url + "/" + secret]) { _, new in new }

        // `check` is not the service: no heartbeat.
        let check = try await CheckCommand.run(.init(references: ["tagged"]), options: options)
        #expect(check.exitCode == 0, "\(check.diagnostics)")
        #expect(!FileManager.default.fileExists(atPath: file.path))
        #expect(try ping.requests().isEmpty)

        let watch = CheckCommand.Request(references: ["tagged"], heartbeat: true)
        let first = try await CheckCommand.run(watch, options: options)
        #expect(first.exitCode == 0, "\(first.diagnostics)")
        #expect(first.diagnostics.isEmpty, "\(first.diagnostics)")
        let beat = try String(contentsOf: file, encoding: .utf8)
        #expect(beat.hasPrefix("trackbot watch: run finished ") && beat.hasSuffix(", exit status 0\n"), "\(beat)")
        #expect(try ping.requests().map { "\($0.method) \($0.path)" } == ["GET /\(secret)"])

        // A second run: the file is written again (a later modification time), one more ping.
        let before = try FileManager.default.attributesOfItem(atPath: file.path)[.modificationDate] as? Date
        try FileManager.default.setAttributes(
            [.modificationDate: Date(timeIntervalSinceNow: -3600)], ofItemAtPath: file.path)
        _ = try await CheckCommand.run(watch, options: options)
        let after = try FileManager.default.attributesOfItem(atPath: file.path)[.modificationDate] as? Date
        #expect(before != nil && after != nil && after! > Date(timeIntervalSinceNow: -600))
        #expect(try ping.requests().count == 2)

        // The ping fails: a diagnostic naming the host only; the run's exit status stays 0.
        try ping.answer(503)
        let failing = try await CheckCommand.run(watch, options: options)
        #expect(failing.exitCode == 0, "\(failing.diagnostics)")
        #expect(
            failing.diagnostics == [
                "heartbeat: GET http://127.0.0.1/… answered HTTP 503; the run itself is unaffected"
            ], "\(failing.diagnostics)")
        #expect(try ping.requests().count == 3)

        // Nothing listening at all: still not fatal, and the secret path is not shown.
        let closed = try ClosedPort()
        options.environment?["TRACKBOT_TEST_PING"] = "http://127.0.0.1:\(closed.port)/" + secret
        let unreachable = try await CheckCommand.run(watch, options: options)
        #expect(unreachable.exitCode == 0)
        #expect(unreachable.diagnostics.count == 1)
        #expect(unreachable.diagnostics.first?.hasPrefix("heartbeat: ") == true)
        let everything = [check, first, failing, unreachable].flatMap { $0.diagnostics + [$0.output] }
        #expect(!everything.joined().contains(secret))
    }
}
