import Foundation
import Reporting
import TestSupport
import Testing
import TrackbotCore

@testable import TrackbotKit

/// `trackbot upstream` against a repository the test makes, with tags added between runs.
@Suite struct UpstreamTests {
    @Test func reportsTagsNewerThanTheLibraryReferences() async throws {
        let dir = try TemporaryDirectory("upstream")
        let work = dir.appending("work")
        try GitRepositories.working(at: work, files: ["Dockerfile": "FROM scratch\n"])
        var commits: [String: String] = [:]
        for version in ["v1.0.2", "v1.0.8", "v1.0.9", "v1.0.10", "v2.0.0-rc1", "other-1"] {
            commits[version] = try GitRepositories.commit(
                in: work, files: ["VERSION": version + "\n"], message: version)
            try git(["tag", "-a", "-m", version, version], in: work)
        }
        let base = dir.appending("git")
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        try git(["clone", "--quiet", "--bare", work.path, base.appendingPathComponent("demo.git").path])
        let daemon = try await GitDaemon.start(base: base, logDirectory: dir.url)
        let upstream = daemon.url("demo.git")

        // One entry by tag (v1.0.9), one by commit only (the commit v1.0.8 names).
        let library = dir.appending("library")
        try FileManager.default.createDirectory(
            at: library.appendingPathComponent("library"), withIntermediateDirectories: true)
        try Data(
            """
            Maintainers: Test <test@example.invalid> (@test)
            GitRepo: \(upstream)

            Tags: 1.0.9, 1.0, latest
            GitFetch: refs/tags/v1.0.9
            GitCommit: \(commits["v1.0.9"]!)

            Tags: 1.0.8
            GitFetch: refs/heads/main
            GitCommit: \(commits["v1.0.8"]!)

            """.utf8
        ).write(to: library.appendingPathComponent("library/demo"))
        let config = dir.appending("trackbot.toml")
        try Data(
            """
            cache-dir = "\(dir.appending("cache").path)"
            [library]
            source = "\(library.path)"
            [[images]]
            name = "demo"
            [images.upstream]
            repository = "\(upstream)"
            tag-pattern = '^v\\d+\\.\\d+\\.\\d+'

            """.utf8
        ).write(to: config)
        var options = GlobalOptions()
        options.configPath = config.path

        let first = try await UpstreamCommand.report(.init(), options: options)
        let image = try #require(first.images.first)
        #expect(image.error == nil)
        #expect(image.referencedTags == ["v1.0.8", "v1.0.9"])
        #expect(image.newerTags == ["v2.0.0-rc1", "v1.0.10"])
        #expect(
            first.findings == [
                Finding(
                    kind: .upstreamAhead, severity: .info, image: "demo",
                    message: first.findings.first?.message ?? "",
                    expected: "v1.0.9", actual: "v2.0.0-rc1")
            ])

        // A new release upstream shows up on the next run, in version order.
        try GitRepositories.commit(in: work, files: ["VERSION": "v1.0.11\n"], message: "v1.0.11")
        try git(["tag", "v1.0.11"], in: work)
        try git(["push", "--quiet", base.appendingPathComponent("demo.git").path, "refs/tags/v1.0.11"], in: work)
        var text = options
        text.format = .text
        let second = try await UpstreamCommand.run(.init(images: ["demo"]), options: text)
        #expect(second.exitCode == 0)
        #expect(second.output.contains("upstream-ahead: 3 newer tag(s): v2.0.0-rc1, v1.0.11, v1.0.10\n"))
        #expect(second.output.contains("newest referenced: v1.0.9\n"))

        var json = options
        json.format = .json
        let decoded = try JSONDecoder().decode(
            UpstreamReport.self,
            from: Data(try await UpstreamCommand.run(.init(), options: json).output.utf8))
        #expect(decoded.images.first?.newerTags == ["v2.0.0-rc1", "v1.0.11", "v1.0.10"])
        #expect(decoded.findings.first?.actual == "v2.0.0-rc1")
    }
}
