import Lint
import OfficialImages
import Testing
import TrackbotCore

/// naughty-sharedtags.sh and naughty.sh's latest check: the library file alone decides.
@Suite struct LibraryRuleTests {
    typealias F = LintFixtures

    @Test func naughtySharedtags_oneArchitectureTwice() throws {
        let file = try F.library(
            "demo",
            """
            Tags: 1.0-bookworm
            SharedTags: 1.0, latest
            Architectures: amd64, arm64v8
            GitCommit: \(F.commitA)

            Tags: 1.0-alpine
            SharedTags: 1.0
            Architectures: arm64v8, s390x
            GitCommit: \(F.commitB)

            """)
        let r = Lint.check(["demo"], facts: LintFacts(libraryFiles: ["demo": file]), rules: LintRule.libraryOnly)
        let p = try #require(r.problems.first)
        #expect(r.problems.count == 1)
        #expect(p.rule == .naughtySharedTags && p.tag == "1.0" && p.architectures == ["arm64v8"])
        #expect(p.location == "library/demo:9")
        #expect(p.message.contains("here (1.0-alpine) and in 1.0-bookworm"))
        #expect(r.entries == 2 && r.tags == 5)
    }

    @Test func naughtySharedtags_windowsAmd64MayRepeat() throws {
        let file = try F.library(
            "demo",
            """
            Tags: 1.0-windowsservercore-ltsc2022
            SharedTags: 1.0-windowsservercore
            Architectures: windows-amd64
            GitCommit: \(F.commitA)
            Constraints: windowsservercore-ltsc2022

            Tags: 1.0-windowsservercore-ltsc2025
            SharedTags: 1.0-windowsservercore
            Architectures: windows-amd64
            GitCommit: \(F.commitA)
            Constraints: windowsservercore-ltsc2025

            """)
        #expect(Lint.check(["demo"], facts: LintFacts(libraryFiles: ["demo": file])).problems.isEmpty)
    }

    @Test func latestTag_onlyLatestItselfMayContainLatest() throws {
        for tag in ["latest-alpine", "1-latest", "mylatest", "latest1"] { #expect(LatestTag.isMisformatted(tag)) }
        for tag in ["latest", "1.0", "lts"] { #expect(!LatestTag.isMisformatted(tag)) }
        let file = try F.library(
            "demo",
            """
            Tags: 1.0, latest
            SharedTags: stable-latest
            GitCommit: \(F.commitA)

            """)
        let r = Lint.check(["demo"], facts: LintFacts(libraryFiles: ["demo": file]), rules: [.latestTag])
        #expect(r.problems.map(\.tag) == ["stable-latest"])
        #expect(r.problems.first?.location == "library/demo:4")
    }
}
