import Foundation
import Reporting
import TestSupport
import Testing
import TrackbotCore

@testable import TrackbotKit

/// `trackbot prs` against the corpus bundle's real pull-request refs, served by a git daemon.
@Suite(.serialized) struct PullRequestsTests {
    /// official-images (corpus subset) served by a git daemon, a plain clone for the git CLI, a config.
    final class World: @unchecked Sendable {
        let dir: TemporaryDirectory
        let daemon: GitDaemon
        let bare: URL
        let configPath: String

        init() throws {
            dir = try TemporaryDirectory("prs-world")
            let base = dir.appending("git")
            try FileManager.default.createDirectory(
                at: base.appendingPathComponent("docker-library"), withIntermediateDirectories: true)
            try FileManager.default.createDirectory(
                at: base.appendingPathComponent("alpinelinux"), withIntermediateDirectories: true)
            bare = try GitRepositories.fromBundle(
                "official-images-subset.bundle", into: base, name: "docker-library/official-images.git")
            try GitRepositories.fromBundle(
                "docker-alpine-v3.20.bundle", into: base, name: "alpinelinux/docker-alpine.git")
            daemon = try GitDaemon(base: base, logDirectory: dir.url)
            configPath = dir.appending("trackbot.toml").path
            let config = """
                cache-dir = "\(dir.appending("cache").path)"
                [library]
                source = "\(daemon.url("docker-library/official-images.git"))"
                ref = "refs/heads/master"
                [rewrite]
                "https://github.com/" = "git://127.0.0.1:\(daemon.server.port)/"
                [[images]]
                name = "alpine"
                [[images]]
                name = "node"
                """
            try Data(config.utf8).write(to: URL(fileURLWithPath: configPath))
        }

        var options: GlobalOptions {
            var o = GlobalOptions()
            o.configPath = configPath
            o.verbosity = -1
            return o
        }

        func git(_ args: [String]) throws -> String {
            try TestSupport.git(["--git-dir", bare.path] + args).trimmingCharacters(in: .whitespacesAndNewlines)
        }

        /// The tags of a library file as the git CLI shows it at `revision` (every `Tags:`/`SharedTags:` element).
        func tags(_ image: String, at revision: String) throws -> [String] {
            try git(["show", "\(revision):library/\(image)"]).split(separator: "\n").flatMap { line -> [String] in
                for key in ["Tags:", "SharedTags:"] where line.hasPrefix(key) {
                    return line.dropFirst(key.count).split(separator: ",").map {
                        $0.trimmingCharacters(in: .whitespaces)
                    }
                }
                return []
            }
        }

        /// `GitCommit:` values of a library file at `revision`, in order.
        func commits(_ image: String, at revision: String) throws -> [String] {
            try git(["show", "\(revision):library/\(image)"]).split(separator: "\n")
                .filter { $0.hasPrefix("GitCommit:") }.map {
                    $0.dropFirst("GitCommit:".count).trimmingCharacters(in: .whitespaces)
                }
        }
    }

    @Test func givenPullRequestsGiveTheExactLibraryDiff() async throws {
        let world = try await offPool { try World() }
        let report = try await PullRequestsCommand.report(
            .init(images: ["alpine", "node"], numbers: [21254, 20400]),
            options: world.options)
        #expect(report.source == "--pr")
        #expect(report.approximate == false)
        #expect(report.libraryCommit == (try world.git(["rev-parse", "refs/heads/master"])))
        #expect(report.pullRequests.map(\.number) == [20400, 21254])
        #expect(report.errors.isEmpty)

        for pr in report.pullRequests {
            let head = try world.git(["rev-parse", "refs/pull/\(pr.number)/head"])
            let base = try world.git(["merge-base", head, "refs/heads/master"])
            #expect(pr.head == head)
            #expect(pr.mergeBase == base)
            #expect(pr.finding.kind == .pullRequest && pr.finding.severity == .info)
            #expect(pr.finding.expected == base && pr.finding.actual == head)
            // Only alpine changes in these two (git agrees: node is untouched).
            #expect(try world.git(["diff", "--name-only", base, head, "--", "library/node"]).isEmpty)
            #expect(pr.images.map(\.image) == ["alpine"])
            let diff = try #require(pr.images.first).diff
            let old = try world.tags("alpine", at: base), new = try world.tags("alpine", at: head)
            #expect(diff.tagsAdded == new.filter { !old.contains($0) })
            #expect(diff.tagsRemoved == old.filter { !new.contains($0) })
        }

        // #21254 by hand (git show): three patch releases, each tag moving to a new commit.
        let pr = report.pullRequests[1]
        let diff = pr.images[0].diff
        #expect(diff.tagsAdded == ["3.22.4", "3.21.7", "3.20.10"])
        #expect(diff.tagsRemoved == ["3.22.3", "3.21.6", "3.20.9"])
        #expect(diff.tagsMoved.map(\.tag) == ["3.22", "3.21", "3.20"])
        let oldCommits = try world.commits("alpine", at: pr.mergeBase),
            newCommits = try world.commits("alpine", at: pr.head)
        let pairs = zip(oldCommits, newCommits).filter { $0 != $1 }
        #expect(
            pairs.map(\.0) == [
                "c65c121d664a527ec65e1fa4cecc9063fff656da", "d9ff52957b2fe5361ffeb5d871db8c321e5605d8",
                "b3f87708e5052e29737a251b2e9865e182dafe0c",
            ])
        #expect(
            pairs.map(\.1) == [
                "ce1b9f141bbd2d604064cae6a3f5309b4a2a40b9", "52e3f9384ecbfe80a2d36bb344e464c0cf7c7507",
                "0db70ae354ee747109ce0b9a0cfbcd3c907bc822",
            ])
        for (move, (old, new)) in zip(diff.tagsMoved, pairs) {
            let commitChanges = move.changes.filter { $0.field == "GitCommit" }
            #expect(commitChanges.count == 8)  // every architecture of the entry
            #expect(commitChanges.allSatisfy { $0.old == old && $0.new == new })
            #expect(move.changes.allSatisfy { $0.field == "GitCommit" })
        }
        #expect(diff.entriesChanged.count == 3)
        #expect(diff.entriesAdded.isEmpty && diff.entriesRemoved.isEmpty)
        // One upstream log per changed commit (the corpus's docker-alpine holds neither side, so each says why).
        let logs = pr.images[0].upstream
        #expect(logs.map(\.old) == pairs.map(\.0))
        #expect(logs.map(\.new) == pairs.map(\.1))
        #expect(
            logs.allSatisfy {
                $0.gitRepo == "https://github.com/alpinelinux/docker-alpine.git" && $0.directories.count == 8
            })
        #expect(logs.allSatisfy { $0.error != nil && $0.commits.isEmpty })

        // #20400: alpine 3.23 arrives and 3.19 leaves.
        let d20400 = report.pullRequests[0].images[0].diff
        #expect(d20400.tagsAdded == ["3.23.0", "3.23"])
        #expect(d20400.tagsRemoved == ["3.19.9", "3.19"])
        #expect(d20400.tagsMoved.map(\.tag) == ["3", "latest"])
        #expect(d20400.entriesAdded == [["3.22.2", "3.22"]])
        #expect(d20400.entriesRemoved == [["3.19.9", "3.19"]])

        // Only the asked-for pull-request heads were fetched into the mirror.
        let mirror = try GitSources(
            options: world.options, configuration: try ConfigurationLoader.load(explicitPath: world.configPath)
        ).cache.mirror(world.daemon.url("docker-library/official-images.git"), isUserOwned: true)
        #expect(
            try await mirror.refs(under: "refs/pull/").map(\.name) == ["refs/pull/20400/head", "refs/pull/21254/head"])

        // The text output is LibraryDiffReport's lines under each pull request.
        var text = world.options
        text.format = .text
        let output = try await PullRequestsCommand.run(
            .init(images: ["alpine"], numbers: [21254], upstreamLogs: false), options: text
        ).output
        #expect(output.contains("pull request #21254 head \(pr.head.prefix(7)) merge base \(pr.mergeBase.prefix(7))"))
        #expect(output.contains("    + tag 3.20.10\n"))
        #expect(output.contains("    ~ tag 3.20 moved from entry 3.20.9 to 3.20.10 (b3f8770 → 0db70ae)\n"))
        #expect(!output.contains("Approximate"))
    }

    @Test func withoutTheAPIMergeRefsGiveAnApproximateList() async throws {
        let world = try await offPool { try World() }
        var options = world.options
        options.format = .json
        let result = try await PullRequestsCommand.run(.init(images: ["alpine"], upstreamLogs: false), options: options)
        let report = try JSONDecoder().decode(PullRequestsReport.self, from: Data(result.output.utf8))
        #expect(report.approximate)
        #expect(report.source == "remote merge refs")
        // The candidates are exactly the pull requests with a merge ref (git CLI), and of those the
        // ones whose head changes library/alpine against its merge base.
        let merges = try world.git(["for-each-ref", "--format=%(refname)", "refs/pull/*/merge"]).split(separator: "\n")
            .compactMap { Int($0.split(separator: "/")[2]) }.sorted()
        #expect(report.examined == merges.count)
        var touching: [Int] = []
        for n in merges {
            let head = "refs/pull/\(n)/head"
            let base = try world.git(["merge-base", head, "refs/heads/master"])
            if !(try world.git(["diff", "--name-only", base, head, "--", "library/alpine"])).isEmpty {
                touching.append(n)
            }
        }
        #expect(touching == [1790])
        #expect(report.pullRequests.map(\.number) == touching)
        #expect(report.findings.map(\.kind) == [.pullRequest])

        var text = world.options
        text.format = .markdown
        let md = try await PullRequestsCommand.run(.init(images: ["alpine"], upstreamLogs: false), options: text).output
        #expect(md.contains("Approximate: without the GitHub API"))
        #expect(md.contains("### #1790"))
    }
}
