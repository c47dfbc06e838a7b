import Foundation
import Reporting
import TestSupport
import Testing
import TrackbotCore

@testable import TrackbotKit

/// The upstream log of a pull request's changed commit, from a world the test makes: an upstream
/// whose history touches the entry's directory twice (and elsewhere once), and an official-images
/// repository with a `refs/pull/5/head` that moves the entry from the first commit to the last.
@Suite struct PullRequestUpstreamLogTests {
    @Test func changedCommitsListTheUpstreamCommitsBetweenThem() async throws {
        let dir = try TemporaryDirectory("prs-log")
        let base = dir.appending("git")
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        let daemon = try await GitDaemon.start(base: base, logDirectory: dir.url)

        let up = dir.appending("work/up")
        try GitRepositories.working(at: up, files: ["x/Dockerfile": "FROM scratch\n"])
        let first = try git(["rev-parse", "HEAD"], in: up).trimmingCharacters(in: .whitespacesAndNewlines)
        let bump1 = try GitRepositories.commit(
            in: up, files: ["x/Dockerfile": "FROM scratch\n# 1\n"], message: "bump 1")
        try GitRepositories.commit(in: up, files: ["README": "elsewhere\n"], message: "readme only")
        let bump2 = try GitRepositories.commit(
            in: up, files: ["x/Dockerfile": "FROM scratch\n# 2\n"], message: "bump 2")
        try git(["clone", "--quiet", "--bare", up.path, base.appendingPathComponent("up.git").path])

        func library(_ tag: String, _ commit: String) -> String {
            "Maintainers: Test <test@example.invalid> (@test)\nGitRepo: \(daemon.url("up.git"))\nGitFetch: refs/heads/main\n\n"
                + "Tags: \(tag), latest\nGitCommit: \(commit)\nDirectory: x\n"
        }
        let oi = dir.appending("work/oi")
        try GitRepositories.working(at: oi, files: ["library/demo": library("1.0", first)], branch: "master")
        try git(["init", "--quiet", "--bare", base.appendingPathComponent("oi.git").path])
        try git(["push", "--quiet", base.appendingPathComponent("oi.git").path, "master"], in: oi)
        try git(["checkout", "--quiet", "-b", "pr"], in: oi)
        let head = try GitRepositories.commit(
            in: oi, files: ["library/demo": library("1.1", bump2)], message: "demo 1.1")
        try git(["push", "--quiet", base.appendingPathComponent("oi.git").path, "pr:refs/pull/5/head"], in: oi)

        let config = dir.appending("trackbot.toml")
        try Data(
            """
            cache-dir = "\(dir.appending("cache").path)"
            [library]
            source = "\(daemon.url("oi.git"))"
            ref = "refs/heads/master"
            [[images]]
            name = "demo"

            """.utf8
        ).write(to: config)
        var options = GlobalOptions()
        options.configPath = config.path
        let report = try await PullRequestsCommand.report(.init(numbers: [5]), options: options)
        #expect(report.errors.isEmpty)
        let pr = try #require(report.pullRequests.first)
        #expect(pr.head == head)
        let change = try #require(pr.images.first)
        #expect(change.diff.tagsAdded == ["1.1"])
        #expect(change.diff.tagsRemoved == ["1.0"])
        #expect(change.diff.tagsMoved.map(\.tag) == ["latest"])
        #expect(
            change.upstream == [
                PullRequestsReport.UpstreamLog(
                    gitRepo: daemon.url("up.git"), old: first, new: bump2, directories: ["x"],
                    commits: ["\(bump2.prefix(7)) bump 2", "\(bump1.prefix(7)) bump 1"], total: 2)
            ])
    }
}
