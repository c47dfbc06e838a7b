import Lint
import OfficialImages
import Testing
import TrackbotCore

/// naughty-commits.sh: commit-not-in-ref and large binary tarballs in upstream history.
@Suite struct NaughtyCommitsTests {
    typealias F = LintFixtures
    static let repo = "https://github.com/example/x.git"

    func file(_ commit: String, tags: String = "1.0, 1") throws -> LibraryFile {
        try F.library(
            "demo",
            """
            Tags: \(tags)
            Architectures: amd64, arm64v8
            GitCommit: \(commit)

            """, repo: Self.repo)
    }

    @Test func naughtyCommits_thresholdIsWholeMiBAboveTwo() {
        let mib = 1024 * 1024
        func change(_ size: Int, binary: Bool = true) -> TarballChange {
            TarballChange(commit: F.commitB, summary: "", path: "rootfs.tar.xz", isBinary: binary, size: size)
        }
        #expect(!NaughtyCommits.isNaughty(change(3 * mib - 1)))  // 2 "MB" by the script's arithmetic
        #expect(NaughtyCommits.isNaughty(change(3 * mib)))
        #expect(!NaughtyCommits.isNaughty(change(50 * mib, binary: false)))
    }

    @Test func naughtyCommits_namesCommitFileAndSize() throws {
        let f = try file(F.commitB)
        var facts = LintFacts(libraryFiles: ["demo": f])
        let range = TarballRange(gitRepo: Self.repo, commit: F.commitB, since: nil)
        facts.tarballHistories[range] = .walked(
            changes: [
                TarballChange(
                    commit: F.commitC, summary: "update", path: "x/rootfs.tar.gz", isBinary: true, size: 5 << 20),
                TarballChange(commit: F.commitC, summary: "update", path: "x/small.tar", isBinary: true, size: 1 << 20),
            ], visited: 1000, truncated: true)
        let r = Lint.check(["demo"], facts: facts, rules: [.naughtyCommits])
        let p = try #require(r.problems.first)
        #expect(r.problems.count == 1)
        #expect(p.commit == F.commitC && p.architectures == ["amd64", "arm64v8"])
        #expect(p.message.contains("x/rootfs.tar.gz (5MB)") && !p.message.contains("small.tar"))
        #expect(p.message.contains("in the history of \(F.commitB.prefix(12))"))
        #expect(r.notes.first?.contains("read 1000 commits") == true)
    }

    @Test func naughtyCommits_walkStartsAtThePreviousGitCommitOfTheBase() throws {
        let new = try file(F.commitB, tags: "1.1, 1")
        var facts = LintFacts(libraryFiles: ["demo": new])
        // No base: the whole history.
        #expect(NaughtyCommits.ranges(new, facts: facts).map(\.1.since) == [nil])
        facts.baseFiles["demo"] = try file(F.commitA, tags: "1.0, 1")
        // Tag 1 was on commit A in the base: read B back to A.
        #expect(
            NaughtyCommits.ranges(new, facts: facts).map(\.1) == [
                TarballRange(gitRepo: Self.repo, commit: F.commitB, since: F.commitA)
            ])
        // Another repository in the base: nothing to stop at.
        facts.baseFiles["demo"] = try F.library(
            "demo", "Tags: 1\nGitCommit: \(F.commitA)\n", repo: "https://example.com/other.git")
        #expect(NaughtyCommits.ranges(new, facts: facts).map(\.1.since) == [nil])
    }

    @Test func commitNotInRef_eachCase() throws {
        let f = try file(F.commitB)
        let key = UpstreamCommit(gitRepo: Self.repo, gitFetch: "refs/heads/master", gitCommit: F.commitB)
        var facts = LintFacts(libraryFiles: ["demo": f])
        facts.refChecks[key] = .inRef
        #expect(Lint.check(["demo"], facts: facts, rules: [.commitNotInRef]).problems.isEmpty)
        facts.refChecks[key] = .notInRef(refTip: F.commitC)
        let p = try #require(Lint.check(["demo"], facts: facts, rules: [.commitNotInRef]).problems.first)
        #expect(p.rule == .commitNotInRef && p.commit == F.commitB && p.location == "library/demo:4")
        #expect(p.message.contains("is not in GitFetch refs/heads/master"))
        facts.refChecks[key] = .unfetchable("refs/heads/master is not advertised")
        #expect(
            Lint.check(["demo"], facts: facts, rules: [.commitNotInRef]).problems.first?.message.hasPrefix(
                "unable to fetch GitFetch") == true)
        facts.refChecks[key] = .notChecked("connection refused")
        let skipped = Lint.check(["demo"], facts: facts, rules: [.commitNotInRef])
        #expect(skipped.problems.isEmpty && skipped.notChecked.first?.reason.contains("connection refused") == true)
    }
}
