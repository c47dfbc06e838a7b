import Foundation
import Reporting
import TestSupport
import Testing
import TrackbotCore

@testable import TrackbotKit

/// `trackbot upstream` against a repository the test makes, with tags added between runs.
@Suite struct UpstreamTests {
    @Test func upstream_newPatchInAnOlderLineWhileTheNewestLineIsCurrent() async throws {
        let dir = try TemporaryDirectory("upstream")
        let work = dir.appending("work")
        try GitRepositories.working(at: work, files: ["Dockerfile": "FROM scratch\n"])
        var commits: [String: String] = [:]
        for version in ["v0.9.3", "v1.0.2", "v1.0.8", "v1.0.9", "v2.0.0-rc1", "other-1"] {
            commits[version] = try GitRepositories.commit(
                in: work, files: ["VERSION": version + "\n"], message: version)
            try git(["tag", "-a", "-m", version, version], in: work)
        }
        let bare = dir.appending("git").appendingPathComponent("demo.git")
        try FileManager.default.createDirectory(at: dir.appending("git"), withIntermediateDirectories: true)
        try git(["clone", "--quiet", "--bare", work.path, bare.path])
        let daemon = try await GitDaemon.start(base: dir.appending("git"), logDirectory: dir.url)
        let upstream = daemon.url("demo.git")
        func release(_ tag: String) throws {
            try GitRepositories.commit(in: work, files: ["VERSION": tag + "\n"], message: tag)
            try git(["tag", tag], in: work)
            try git(["push", "--quiet", bare.path, "refs/tags/\(tag)"], in: work)
        }

        // Two lines: 1.0 by tag (v1.0.9) and by commit only (v1.0.8's), 0.9 by tag.
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

            Tags: 0.9.3, 0.9
            GitFetch: refs/tags/v0.9.3
            GitCommit: \(commits["v0.9.3"]!)

            """.utf8
        ).write(to: library.appendingPathComponent("library/demo"))
        func configure(_ extra: String) throws -> GlobalOptions {
            let config = dir.appending("trackbot\(extra.isEmpty ? "" : "-depth").toml")
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
                \(extra)

                """.utf8
            ).write(to: config)
            var options = GlobalOptions()
            options.configPath = config.path
            return options
        }
        let options = try configure("")

        // Every line current; the release candidate of 2.0 is skipped, and said so.
        let first = try await UpstreamCommand.report(.init(), options: options)
        let image = try #require(first.images.first)
        #expect(image.error == nil)
        #expect(image.referencedTags == ["v0.9.3", "v1.0.8", "v1.0.9"])
        #expect(
            image.lines == [
                .init(name: "v1.0", referenced: "v1.0.9", newer: []),
                .init(name: "v0.9", referenced: "v0.9.3", newer: []),
            ])
        #expect(image.newLines.isEmpty)
        #expect(image.newerTags.isEmpty)
        #expect(image.skippedPreReleases == ["v2.0.0-rc1"])
        #expect(first.findings.isEmpty)

        // A patch of the older line: reported against the tag that line references, though the newest line is current.
        try release("v0.9.4")
        var text = options
        text.format = .text
        let second = try await UpstreamCommand.run(.init(images: ["demo"]), options: text)
        #expect(second.exitCode == 0)
        #expect(second.output.contains("  newest referenced: v1.0.9\n"))
        #expect(second.output.contains("  line v1.0: v1.0.9 is the newest\n"))
        #expect(second.output.contains("  line v0.9: upstream-ahead of v0.9.3: 1 newer tag(s): v0.9.4\n"))
        #expect(second.output.contains("  skipped 1 pre-release tag(s) (--pre to include): v2.0.0-rc1\n"))
        let behind = try await UpstreamCommand.report(.init(), options: options)
        #expect(
            behind.findings == [
                Finding(
                    kind: .upstreamAhead, severity: .info, image: "demo",
                    message: behind.findings.first?.message ?? "", expected: "v0.9.3", actual: "v0.9.4")
            ])
        #expect(behind.findings.first?.message.hasPrefix("release line v0.9 of ") == true)

        // A new line (1.1), and with --pre the 2.0 candidate as a line of its own: one finding per line.
        try release("v1.1.0")
        var json = options
        json.format = .json
        let decoded = try JSONDecoder().decode(
            UpstreamReport.self,
            from: Data(try await UpstreamCommand.run(.init(preReleases: true), options: json).output.utf8))
        let withPre = try #require(decoded.images.first)
        #expect(withPre.preReleases)
        #expect(withPre.skippedPreReleases.isEmpty)
        #expect(withPre.newerTags == ["v2.0.0-rc1", "v1.1.0"])
        #expect(
            withPre.newLines == [
                .init(name: "v2.0", referenced: nil, newer: ["v2.0.0-rc1"]),
                .init(name: "v1.1", referenced: nil, newer: ["v1.1.0"]),
            ])
        #expect(withPre.lines.map(\.newer) == [[], ["v0.9.4"]])
        #expect(decoded.findings.map(\.kind) == [.upstreamAhead, .upstreamAhead, .upstreamAhead])
        #expect(decoded.findings.map(\.expected) == ["v1.0.9", "v1.0.9", "v0.9.3"])
        #expect(decoded.findings.map(\.actual) == ["v2.0.0-rc1", "v1.1.0", "v0.9.4"])
        #expect(decoded.findings.first?.message.hasPrefix("new release line v2.0 in ") == true)
        let released = try await UpstreamCommand.report(.init(), options: options)
        #expect(released.images.first?.newLines == [.init(name: "v1.1", referenced: nil, newer: ["v1.1.0"])])
        #expect(released.images.first?.newerTags == ["v1.1.0"])

        // line-depth = 1: majors are the lines (0.9 stays one: a major of 0 is no line), so 1.1.0 is
        // the 1 line's newer tag, not a new line.
        let majors = try await UpstreamCommand.report(.init(), options: try configure("line-depth = 1"))
        #expect(majors.images.first?.lineDepth == 1)
        #expect(
            majors.images.first?.lines == [
                .init(name: "v1", referenced: "v1.0.9", newer: ["v1.1.0"]),
                .init(name: "v0.9", referenced: "v0.9.3", newer: ["v0.9.4"]),
            ])
        #expect(majors.images.first?.newLines == [])
        #expect(majors.findings.map(\.actual) == ["v1.1.0", "v0.9.4"])
    }

    @Test func upstream_lineDepthOutOfRangeIsAnError() throws {
        let text = """
            [[images]]
            name = "node"
            [images.upstream]
            repository = "https://github.com/nodejs/node.git"
            line-depth = 12

            """
        #expect(throws: ConfigurationError.self) { try ConfigurationLoader.parse(text, path: "trackbot.toml") }
        let ok = try ConfigurationLoader.parse(
            text.replacingOccurrences(of: "line-depth = 12", with: "line-depth = 1"), path: "trackbot.toml")
        #expect(ok.images.first?.upstream?.lineDepth == 1)
    }
}
