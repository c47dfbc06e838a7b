import Foundation
import Registry
import Reporting
import TestSupport
import Testing
import TrackbotCore
import Verification

@testable import TrackbotKit

@Suite("trackbot history against real git and registry servers", .serialized)
struct HistoryCommandTests {
    struct Report: Decodable {
        struct F: Decodable {
            var kind: String
            var severity: String
            var arch: String?
            var expected: String?
            var actual: String?
        }
        struct Row: Decodable {
            var status: String
            var line: Int?
            var instruction: String?
            var history: String?
        }
        struct P: Decodable {
            var arch: String
            var digest: String?
            var rows: [Row]
        }
        var findings: [F]
        var platforms: [P]
        var errors: [String]
    }

    @Test func matchingAndMismatchingHistories() async throws {
        let world = try await offPool { try SyntheticWorld() }
        let commit = try world.commit(
            "hist",
            files: [
                "match/Dockerfile": "FROM scratch\nADD rootfs.tar.gz /\nCMD [\"/bin/sh\"]\n",
                "other/Dockerfile": "FROM scratch\nADD rootfs.tar.gz /\nENV A=1\nCMD [\"/bin/bash\"]\n",
            ])
        try world.upstreamGit("hist", ["push", "--quiet", "origin", "main"])
        try world.library(
            "hist",
            SyntheticWorld.libraryFile(
                repo: "hist",
                entries: [
                    ("match", "refs/heads/main", commit, "Directory: match\n"),
                    ("other", "refs/heads/main", commit, "Directory: other\n"),
                ]))
        // make_oci.py records `ADD rootfs.tar.gz / # buildkit` and `CMD ["/bin/sh"]`.
        let rootfs = try world.rootfs(["bin/sh": "#!fake\n"])
        try world.publish("hist", tag: "match", rootfs: rootfs)
        try world.publish("hist", tag: "other", rootfs: rootfs)

        let good = try await HistoryCommand.run(.init(reference: "hist:match"), options: world.options())
        let rg = try JSONDecoder().decode(Report.self, from: Data(good.output.utf8))
        #expect(good.exitCode == 0, "\(good.output)")
        #expect(rg.findings.isEmpty && rg.errors.isEmpty)
        #expect(rg.platforms.map(\.arch) == ["amd64"])
        #expect(rg.platforms[0].digest?.hasPrefix("sha256:") == true)
        #expect(rg.platforms[0].rows.map(\.status) == ["match", "match"])
        #expect(rg.platforms[0].rows.map(\.line) == [2, 3])

        let bad = try await HistoryCommand.run(.init(reference: "hist:other"), options: world.options())
        let rb = try JSONDecoder().decode(Report.self, from: Data(bad.output.utf8))
        #expect(bad.exitCode == 0, "history-mismatch is a warning: \(bad.output)")
        #expect(rb.platforms[0].rows.map(\.status) == ["match", "only-in-dockerfile", "differs"])
        #expect(rb.findings.map(\.kind) == ["history-mismatch", "history-mismatch"])
        #expect(rb.findings.allSatisfy { $0.severity == "warn" && $0.arch == "amd64" })
        #expect(rb.findings[0].expected == "ENV A=1" && rb.findings[0].actual == nil)
        #expect(rb.findings[1].expected == #"CMD ["/bin/bash"]"# && rb.findings[1].actual == #"CMD ["/bin/sh"]"#)

        var textOptions = world.options(.text)
        textOptions.format = .text
        let text = try await HistoryCommand.run(.init(reference: "hist:other"), options: textOptions)
        #expect(text.output.contains("≠ line 4: CMD [\"/bin/bash\"]"), "\(text.output)")
        #expect(text.output.contains("history: CMD [\"/bin/sh\"]"))
        let markdown = try await HistoryCommand.run(.init(reference: "hist:other"), options: world.options(.markdown))
        #expect(markdown.output.contains("| ≠ | 4 |"), "\(markdown.output)")

        // A tag the library does not have is a usage error (exit 2 through the CLI).
        await #expect(throws: UsageError.self) {
            _ = try await HistoryCommand.run(.init(reference: "hist:nope"), options: world.options())
        }
    }
}
