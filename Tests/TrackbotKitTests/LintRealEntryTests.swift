import Foundation
import Lint
import Reporting
import TestSupport
import Testing
import TrackbotCore

@testable import TrackbotKit

/// `trackbot lint` over real data: library/alpine at official-images 87b6256 (merged, so CI passed
/// it) with the real docker-alpine v3.20 branch served by a git daemon. The corpus holds only that
/// upstream branch, so only the `3.20.3, 3.20, 3, latest` entry can be checked in full.
@Suite struct LintRealEntryTests {
    @Test func lint_realAlpineEntryPassesEveryRule() async throws {
        let dir = try TemporaryDirectory("lint-real")
        let base = dir.appending("git")
        try FileManager.default.createDirectory(
            at: base.appendingPathComponent("alpinelinux"), withIntermediateDirectories: true)
        try await offPool {
            try GitRepositories.fromBundle("official-images-subset.bundle", into: base, name: "oi.git")
            try GitRepositories.fromBundle(
                "docker-alpine-v3.20.bundle", into: base, name: "alpinelinux/docker-alpine.git")
        }
        let daemon = try await GitDaemon.start(base: base, logDirectory: dir.url)
        let config = dir.appending("trackbot.toml")
        try Data(
            """
            cache-dir = "\(dir.appending("cache").path)"
            [library]
            source = "\(daemon.url("oi.git"))"
            ref = "87b625632e9fb982915b295d83e299e1b87bde98"
            [rewrite]
            "https://github.com/" = "git://127.0.0.1:\(daemon.server.port)/"

            """.utf8
        ).write(to: config)
        var options = GlobalOptions()
        options.configPath = config.path
        options.noRegistry = true
        let report = try await LintCommand.report(.init(images: ["alpine"]), options: options)
        let line = 17  // `Tags: 3.20.3, 3.20, 3, latest`
        #expect(report.result.problems.filter { $0.line == line }.isEmpty)
        #expect(report.result.notChecked.filter { $0.line == line }.isEmpty)
        // The other entries' branches are not in the corpus: said, per entry, as the script would.
        let others = Set(report.result.problems.map(\.line))
        #expect(!others.contains(line) && !others.isEmpty)
        #expect(report.result.problems.allSatisfy { $0.rule == .commitNotInRef })
        // The library-only rules hold for the whole file.
        #expect(!report.result.problems.contains { LintRule.libraryOnly.contains($0.rule) })
    }
}
