import Foundation
import Reporting
import TestSupport
import Testing
import TrackbotCore

@testable import TrackbotKit

/// `[[notify]]` webhooks and `--output sarif=FILE` through `CheckCommand.run`, against a local
/// endpoint that records what it receives: a moved upstream tag is posted once, not again on
/// the second and third run; its change (acknowledged) is posted once; a failing endpoint exits 2,
/// records nothing and is sent the same alerts by the next run; the URL's secret never shows.
@Suite struct WebhookNotifyTests {
    static let secret = "T0000/B0000/" + UUID().uuidString.replacingOccurrences(of: "-", with: "")

    struct Body: Decodable {
        struct Alert: Decodable {
            var id: String
            var change: String
            var kind: String
            var severity: String
            var status: String
            var image: String
            var expected: String?
            var actual: String?
        }
        var source: String
        var alerts: [Alert]
        var text: String?
    }

    @Test func webhook_postedOncePerNewOrChangedAlert_failedPostSentAgain() async throws {
        let world = try await offPool { try SyntheticWorld() }
        let hook = try await RequestRecorder.start(logDirectory: world.dir.url)
        try Data(
            "\n[[notify]]\ntype = \"webhook\"\nname = \"ops\"\nurl-env = \"TRACKBOT_TEST_HOOK\"\nslack-text = true\n"
                .utf8
        ).append(to: world.configPath)
        var options = world.options(noRegistry: true)
        options.environment = ProcessInfo.processInfo.environment.merging(
            ["TRACKBOT_TEST_HOOK": hook.url + "/services/" + Self.secret]) { _, new in new }
        var outputs: [String] = []
        func check(_ sarif: String? = nil) async throws -> CommandResult {
            let request = CheckCommand.Request(
                references: ["tagged"], outputs: sarif.map { [ReportDestination(format: .sarif, path: $0)] } ?? [])
            let result = try await CheckCommand.run(request, options: options)
            outputs += [result.output] + result.diagnostics
            return result
        }
        func posts() throws -> [Body] {
            try hook.requests().map {
                #expect($0.method == "POST")
                #expect($0.path == "/services/" + Self.secret)
                #expect($0.contentType == "application/json")
                return try JSONDecoder().decode(Body.self, from: Data($0.body.utf8))
            }
        }

        let t1 = try world.commit("tagged", files: ["Dockerfile": "FROM scratch\n"])
        let t2 = try world.commit("tagged", files: ["NEWS": "later\n"])
        try world.upstreamGit("tagged", ["tag", "v1", t1])
        try world.upstreamGit("tagged", ["push", "--quiet", "origin", "main", "v1"])
        try world.library(
            "tagged", SyntheticWorld.libraryFile(repo: "tagged", entries: [("1", "refs/tags/v1", t1, "")]))

        let quiet = try await check()
        #expect(quiet.exitCode == 0, "\(quiet.diagnostics)")
        #expect(try hook.requests().isEmpty)

        // The tag moves: one POST with the new alert, and the SARIF of the same run.
        try world.upstreamGit("tagged", ["tag", "-f", "v1", t2])
        try world.upstreamGit("tagged", ["push", "--quiet", "--force", "origin", "v1"])
        let sarif = world.dir.appending("out/trackbot.sarif")
        let moved = try await check(sarif.path)
        #expect(moved.exitCode == 1, "\(moved.diagnostics)")
        #expect(moved.diagnostics.contains { $0.hasPrefix("webhook \"ops\" (http://127.0.0.1/…): sent 1 alert") })
        var sent = try posts()
        #expect(sent.count == 1)
        let first = try #require(sent.first)
        #expect(first.source == "trackbot")
        #expect(first.alerts.map(\.kind) == ["upstream-rewritten"])
        #expect(first.alerts.map(\.change) == ["new"])
        #expect(first.alerts.map(\.status) == ["open"])
        #expect(first.alerts.first?.expected == t1)
        #expect(first.alerts.first?.actual == t2)
        #expect(first.text?.contains("new (open): upstream-rewritten tagged") == true, "\(first.text ?? "")")

        let problems = try SchemaValidator.problems(document: sarif, schema: SARIFReportTests.schema)
        #expect(problems == nil, "\(problems ?? "")")
        let log = try String(contentsOf: sarif, encoding: .utf8)
        #expect(log.contains("\"ruleId\" : \"upstream-rewritten\""))
        #expect(log.contains("\"uri\" : \"library/tagged\""))
        #expect(log.contains("\"actual\" : \"\(t2)\""))
        // The entry's line in library/tagged ("Tags: 1" is line 4), where a tag's results point.
        let json = try #require(try JSONSerialization.jsonObject(with: Data(moved.output.utf8)) as? [String: Any])
        let tags = (json["images"] as? [[String: Any]])?.first?["tags"] as? [[String: Any]]
        #expect(tags?.first?["libraryLine"] as? Int == 4, "\(moved.output)")

        // The second and third run find the alert unchanged: nothing is posted.
        for _ in 0..<2 {
            let again = try await check()
            #expect(again.exitCode == 1, "\(again.diagnostics)")
            #expect(!again.diagnostics.contains { $0.contains("webhook") }, "\(again.diagnostics)")
        }
        #expect(try hook.requests().count == 1)

        // A person answers it while the endpoint fails: exit 2, and nothing recorded as sent.
        var ackOptions = world.options()
        ackOptions.format = .text
        _ = try await AckCommand.run(
            .init(reference: "tagged", kind: "upstream-rewritten", reason: "retagged on purpose", by: "ana"),
            options: ackOptions)
        try hook.answer(500)
        let failing = try await check()
        #expect(failing.exitCode == 2, "\(failing.diagnostics)")
        #expect(
            failing.diagnostics.contains {
                $0.contains("webhook \"ops\"") && $0.contains("HTTP 500")
                    && $0.contains("the next run sends them again")
            }, "\(failing.diagnostics)")
        #expect(try hook.requests().count == 2)

        // A dry run says what it would send, and sends nothing.
        options.dryRun = true
        let dry = try await check()
        options.dryRun = false
        #expect(
            dry.diagnostics.contains("dry run: webhook \"ops\" (http://127.0.0.1/…) would be sent 1 alert"),
            "\(dry.diagnostics)")
        #expect(try hook.requests().count == 2)

        // The endpoint is back: the change is sent once more, then never again.
        try hook.answer(200)
        let back = try await check()
        #expect(back.exitCode == 0, "\(back.diagnostics)")
        sent = try posts()
        #expect(sent.count == 3)
        #expect(sent.suffix(2).map { $0.alerts.map(\.change) } == [["changed"], ["changed"]])
        #expect(sent.last?.alerts.map(\.status) == ["acknowledged"])
        #expect(sent.last?.alerts.map(\.severity) == ["info"])
        _ = try await check()
        #expect(try hook.requests().count == 3)

        // The secret in the URL reaches neither the output, the diagnostics nor the state.
        let state = try String(contentsOfFile: world.statePath, encoding: .utf8)
        #expect(state.contains("\"ops\""))
        for text in outputs + [state, log] {
            #expect(!text.contains(Self.secret))
            #expect(!text.contains(Self.secret.suffix(20)))
        }
    }

    /// A webhook that cannot be reached: the message names the webhook by its host, never its
    /// path; and a `url-env` that is not set stops the run before anything is checked.
    @Test func webhook_unreachableOrUnsetIsReportedWithoutTheURL() async throws {
        let world = try await offPool { try SyntheticWorld() }
        let closed = try ClosedPort()
        try Data("\n[[notify]]\ntype = \"webhook\"\nurl-env = \"TRACKBOT_TEST_HOOK\"\n".utf8).append(
            to: world.configPath)
        let t1 = try world.commit("tagged", files: ["Dockerfile": "FROM scratch\n"])
        let t2 = try world.commit("tagged", files: ["NEWS": "later\n"])
        try world.upstreamGit("tagged", ["tag", "v1", t1])
        try world.upstreamGit("tagged", ["push", "--quiet", "origin", "main", "v1"])
        try world.library(
            "tagged", SyntheticWorld.libraryFile(repo: "tagged", entries: [("1", "refs/tags/v1", t1, "")]))

        var options = world.options(noRegistry: true)
        options.environment = ProcessInfo.processInfo.environment.filter { $0.key != "TRACKBOT_TEST_HOOK" }
        await #expect(throws: UsageError.self) {
            _ = try await CheckCommand.run(.init(references: ["tagged"]), options: options)
        }
        #expect(!FileManager.default.fileExists(atPath: world.statePath))

        options.environment?["TRACKBOT_TEST_HOOK"] = "http://127.0.0.1:\(closed.port)/hook/" + Self.secret
        _ = try await CheckCommand.run(.init(references: ["tagged"]), options: options)
        try world.upstreamGit("tagged", ["tag", "-f", "v1", t2])
        try world.upstreamGit("tagged", ["push", "--quiet", "--force", "origin", "v1"])
        let result = try await CheckCommand.run(.init(references: ["tagged"]), options: options)
        #expect(result.exitCode == 2)
        let line = try #require(result.diagnostics.first { $0.hasPrefix("webhook \"webhook\" (http://127.0.0.1/…):") })
        #expect(line.contains("not recorded as sent"), "\(line)")
        #expect(!(result.diagnostics + [result.output]).joined().contains(Self.secret))
    }
}
