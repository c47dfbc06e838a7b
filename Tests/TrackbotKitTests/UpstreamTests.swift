import Foundation
import Testing
import TestSupport
import TrackbotCore
import Reporting
@testable import TrackbotKit

@Suite struct TagOrderingTests {
    @Test func numericComponentsCompareAsNumbers() {
        #expect(TagOrdering.isOlder("v3.20.9", than: "v3.20.10"))
        #expect(!TagOrdering.isOlder("v3.20.10", than: "v3.20.9"))
        #expect(TagOrdering.isOlder("3.9", than: "v3.10"))
        #expect(TagOrdering.isOlder("v22.9.0", than: "v22.10.0"))
        #expect(TagOrdering.isOlder("v3.20.0-rc1", than: "v3.20.0"))
        #expect(TagOrdering.isOlder("v3.20.0", than: "v3.20.1"))
        #expect(["v1.10", "v1.9", "v1.2.3", "v1.10.1"].sorted(by: TagOrdering.isOlder) == ["v1.2.3", "v1.9", "v1.10", "v1.10.1"])
    }

    @Test func datesCompareAsNumbers() {
        #expect(TagOrdering.isOlder("20231201", than: "20240530"))
        #expect(TagOrdering.isOlder("bookworm-20240513", than: "bookworm-20240530"))
        #expect(TagOrdering.isOlder("2024.05.9", than: "2024.05.30"))
    }

    @Test func ubuntuDistTagsOrderBySerial() {
        #expect(TagOrdering.isOlder("dist-noble-amd64-20240725-9c4f3a1e", than: "dist-noble-amd64-20240801-0a1b2c3d"))
        #expect(!TagOrdering.isOlder("dist-noble-amd64-20240801-0a1b2c3d", than: "dist-noble-amd64-20240725-ffffffff"))
    }
}

/// `trackbot upstream` against a repository the test makes, with tags added between runs.
@Suite struct UpstreamTests {
    @Test func reportsTagsNewerThanTheLibraryReferences() async throws {
        let dir = try TemporaryDirectory("upstream")
        let work = dir.appending("work")
        try GitRepositories.working(at: work, files: ["Dockerfile": "FROM scratch\n"])
        var commits: [String: String] = [:]
        for version in ["v1.0.2", "v1.0.8", "v1.0.9", "v1.0.10", "v2.0.0-rc1", "other-1"] {
            commits[version] = try GitRepositories.commit(in: work, files: ["VERSION": version + "\n"], message: version)
            try git(["tag", "-a", "-m", version, version], in: work)
        }
        let base = dir.appending("git")
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        try git(["clone", "--quiet", "--bare", work.path, base.appendingPathComponent("demo.git").path])
        let daemon = try await GitDaemon.start(base: base, logDirectory: dir.url)
        let upstream = daemon.url("demo.git")

        // One entry by tag (v1.0.9), one by commit only (the commit v1.0.8 names).
        let library = dir.appending("library")
        try FileManager.default.createDirectory(at: library.appendingPathComponent("library"), withIntermediateDirectories: true)
        try Data("""
        Maintainers: Test <test@example.invalid> (@test)
        GitRepo: \(upstream)

        Tags: 1.0.9, 1.0, latest
        GitFetch: refs/tags/v1.0.9
        GitCommit: \(commits["v1.0.9"]!)

        Tags: 1.0.8
        GitFetch: refs/heads/main
        GitCommit: \(commits["v1.0.8"]!)

        """.utf8).write(to: library.appendingPathComponent("library/demo"))
        let config = dir.appending("trackbot.toml")
        try Data("""
        cache-dir = "\(dir.appending("cache").path)"
        [library]
        source = "\(library.path)"
        [[images]]
        name = "demo"
        [images.upstream]
        repository = "\(upstream)"
        tag-pattern = '^v\\d+\\.\\d+\\.\\d+'

        """.utf8).write(to: config)
        var options = GlobalOptions()
        options.configPath = config.path

        let first = try await UpstreamCommand.report(.init(), options: options)
        let image = try #require(first.images.first)
        #expect(image.error == nil)
        #expect(image.referencedTags == ["v1.0.8", "v1.0.9"])
        #expect(image.newerTags == ["v2.0.0-rc1", "v1.0.10"])
        #expect(first.findings == [Finding(kind: .upstreamAhead, severity: .info, image: "demo",
                                           message: first.findings.first?.message ?? "",
                                           expected: "v1.0.9", actual: "v2.0.0-rc1")])

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
        let decoded = try JSONDecoder().decode(UpstreamReport.self,
                                               from: Data(try await UpstreamCommand.run(.init(), options: json).output.utf8))
        #expect(decoded.images.first?.newerTags == ["v2.0.0-rc1", "v1.0.11", "v1.0.10"])
        #expect(decoded.findings.first?.actual == "v2.0.0-rc1")
    }
}
