import OfficialImages
import Testing
import Tracking

/// Release lines and pre-releases on tag lists shaped like the real upstreams: alpine's aports
/// (`v3.20.3`, `v3.21.0_rc1`), nodejs/node (`v22.11.0`, majors as lines), python/cpython
/// (`v3.13.1`, `v3.14.0a1`), postgres (`REL_17_2`, `REL9_6_24`, `REL_17_RC1`).
@Suite struct ReleaseLinesTests {
    static let alpine = [
        "v3.18.9", "v3.19.4", "v3.19.5", "v3.20.3", "v3.20.4", "v3.21.0_rc1", "v3.21.0_rc2", "v3.21.0",
        "v3.22.0_rc1",
    ]
    static let node = [
        "v0.12.18", "v4.9.1", "v18.20.4", "v18.20.5", "v20.18.0", "v20.18.1", "v22.11.0", "v22.12.0",
        "v23.3.0", "v23.4.0", "v24.0.0-rc.1",
    ]
    static let python = [
        "v3.12.7", "v3.12.8", "v3.13.0rc3", "v3.13.0", "v3.13.1", "v3.14.0a1", "v3.14.0a2", "v2.7.18",
    ]
    static let postgres = [
        "REL9_6_23", "REL9_6_24", "REL_16_5", "REL_16_6", "REL_17_BETA1", "REL_17_RC1", "REL_17_0", "REL_17_1",
        "REL_17_2", "REL_18_BETA1",
    ]

    @Test func releaseLine_alpine_olderLinePatchAndNewLine() {
        let lines = ReleaseLines(tags: Self.alpine, referenced: ["v3.19.4", "v3.20.3"], depth: nil, preReleases: false)
        #expect(
            lines.referenced == [
                .init(name: "v3.20", referenced: "v3.20.3", newer: ["v3.20.4"]),
                .init(name: "v3.19", referenced: "v3.19.4", newer: ["v3.19.5"]),
            ])
        #expect(lines.new == [.init(name: "v3.21", referenced: nil, newer: ["v3.21.0"])])
        // The 3.21 release candidates are newer than 3.20.3; 3.22 exists only as a candidate.
        #expect(lines.skippedPreReleases == ["v3.22.0_rc1", "v3.21.0_rc2", "v3.21.0_rc1"])
    }

    @Test func releaseLine_alpine_preIncludesCandidatesAndTheirLines() {
        let lines = ReleaseLines(tags: Self.alpine, referenced: ["v3.19.4", "v3.20.3"], depth: nil, preReleases: true)
        #expect(
            lines.new == [
                .init(name: "v3.22", referenced: nil, newer: ["v3.22.0_rc1"]),
                .init(name: "v3.21", referenced: nil, newer: ["v3.21.0", "v3.21.0_rc2", "v3.21.0_rc1"]),
            ])
        #expect(lines.skippedPreReleases.isEmpty)
    }

    @Test func releaseLine_currentLinesReportNothing() {
        let lines = ReleaseLines(
            tags: Self.alpine, referenced: ["v3.19.5", "v3.20.4", "v3.21.0"], depth: nil, preReleases: false)
        #expect(lines.referenced.map(\.newer) == [[], [], []])
        #expect(lines.new.isEmpty)
        #expect(lines.skippedPreReleases == ["v3.22.0_rc1"])
    }

    @Test func releaseLine_node_majorsWithLineDepth1() {
        let referenced = ["v18.20.5", "v20.18.0", "v22.11.0", "v23.3.0"]
        let lines = ReleaseLines(tags: Self.node, referenced: referenced, depth: 1, preReleases: false)
        #expect(
            lines.referenced == [
                .init(name: "v23", referenced: "v23.3.0", newer: ["v23.4.0"]),
                .init(name: "v22", referenced: "v22.11.0", newer: ["v22.12.0"]),
                .init(name: "v20", referenced: "v20.18.0", newer: ["v20.18.1"]),
                .init(name: "v18", referenced: "v18.20.5", newer: []),
            ])
        #expect(lines.new.isEmpty)
        #expect(lines.skippedPreReleases == ["v24.0.0-rc.1"])
    }

    /// Why node needs `line-depth = 1`: by default a node minor is a line, and 22.12 (older than
    /// the newest referenced 23.3.0) is neither a referenced line nor a new one.
    @Test func releaseLine_node_defaultDepthMissesANewMinorOfAnOlderMajor() {
        let referenced = ["v18.20.5", "v20.18.0", "v22.11.0", "v23.3.0"]
        let lines = ReleaseLines(tags: Self.node, referenced: referenced, depth: nil, preReleases: false)
        #expect(lines.referenced.first { $0.name == "v22.11" }?.newer == [])
        #expect(lines.new == [.init(name: "v23.4", referenced: nil, newer: ["v23.4.0"])])
        #expect(!(lines.referenced + lines.new).flatMap(\.newer).contains("v22.12.0"))
    }

    @Test func releaseLine_python_alphasSkippedUnlessPre() {
        let released = ReleaseLines(
            tags: Self.python, referenced: ["v3.12.7", "v3.13.0"], depth: nil, preReleases: false)
        #expect(
            released.referenced == [
                .init(name: "v3.13", referenced: "v3.13.0", newer: ["v3.13.1"]),
                .init(name: "v3.12", referenced: "v3.12.7", newer: ["v3.12.8"]),
            ])
        #expect(released.new.isEmpty)
        #expect(released.skippedPreReleases == ["v3.14.0a2", "v3.14.0a1"])
        let pre = ReleaseLines(tags: Self.python, referenced: ["v3.12.7", "v3.13.0"], depth: nil, preReleases: true)
        #expect(pre.new == [.init(name: "v3.14", referenced: nil, newer: ["v3.14.0a2", "v3.14.0a1"])])
        #expect(pre.referenced == released.referenced)
    }

    @Test func releaseLine_postgres_majorsAndOldStyleMinors() {
        let lines = ReleaseLines(
            tags: Self.postgres, referenced: ["REL9_6_24", "REL_16_5", "REL_17_1"], depth: nil, preReleases: false)
        #expect(
            lines.referenced == [
                .init(name: "REL_17", referenced: "REL_17_1", newer: ["REL_17_2"]),
                .init(name: "REL_16", referenced: "REL_16_5", newer: ["REL_16_6"]),
                .init(name: "REL9_6", referenced: "REL9_6_24", newer: []),
            ])
        #expect(lines.new.isEmpty)
        #expect(lines.skippedPreReleases == ["REL_18_BETA1"])
        let pre = ReleaseLines(
            tags: Self.postgres, referenced: ["REL9_6_24", "REL_16_5", "REL_17_1"], depth: nil, preReleases: true)
        #expect(pre.new == [.init(name: "REL_18", referenced: nil, newer: ["REL_18_BETA1"])])
        #expect(pre.referenced.first?.newer == ["REL_17_2"])
    }

    /// Two referenced tags of one line: the newer one is what the line is measured against.
    @Test func releaseLine_newestReferencedOfALineCounts() {
        let lines = ReleaseLines(tags: Self.alpine, referenced: ["v3.20.3", "v3.20.4"], depth: nil, preReleases: false)
        #expect(lines.referenced == [.init(name: "v3.20", referenced: "v3.20.4", newer: [])])
        #expect(lines.new == [.init(name: "v3.21", referenced: nil, newer: ["v3.21.0"])])
    }

    @Test func releaseLine_ubuntuDistTagsAreOneLinePerSuite() {
        let tags = ["dist-noble-amd64-20240725-9c4f3a1e", "dist-noble-amd64-20240801-0a1b2c3d"]
        let lines = ReleaseLines(tags: tags, referenced: [tags[0]], depth: nil, preReleases: false)
        #expect(lines.referenced == [.init(name: "dist-noble-amd64", referenced: tags[0], newer: [tags[1]])])
        #expect(lines.new.isEmpty)
    }

    @Test func tagVersion_linesAtEachDepth() {
        #expect(TagVersion("v3.20.3")?.line(depth: 2) == "v3.20")
        #expect(TagVersion("v22.11.0")?.line(depth: 1) == "v22")
        #expect(TagVersion("REL_17_2")?.line(depth: 1) == "REL_17")
        #expect(TagVersion("REL9_6_24")?.line(depth: 2) == "REL9_6")
        #expect(TagVersion("v3.20.3")?.line(depth: 5) == "v3.20.3")
        #expect(TagVersion("bookworm-20240513")?.line(depth: 0) == "bookworm")
        #expect(TagVersion("v0.10.33")?.line(depth: 1) == "v0.10")
        #expect(TagVersion("0.0.7")?.line(depth: 1) == "0.0.7")
        #expect(TagVersion("REL_17_RC1")?.numbers == ["17"])
        #expect(TagVersion("latest") == nil)
        #expect(TagVersion("REL_18_BETA1")?.defaultDepth == 1)
        #expect(TagVersion("v3.13.1")?.defaultDepth == 2)
    }

    @Test(arguments: [
        "v2.0.0-rc1", "v1.0.0-beta.2", "v1.0.0-alpha", "v1.0_rc", "v3.21.0_rc1", "REL_17_RC1", "REL_17_BETA1",
        "v3.14.0a1", "v3.14.0b2", "v3.14.0rc1", "v3.13.0.dev0", "1.0~rc1", "v24.0.0-rc.1", "v1.0.0-pre",
        "v1.0.0-preview.3",
    ])
    func preRelease_markers(tag: String) {
        #expect(TagVersion(tag)?.isPreRelease == true)
    }

    @Test(arguments: [
        "v3.20.3", "REL_17_2", "1.2.3-alpine", "1.2.3-bookworm", "v1.2.3-1", "v1.2.3-build5", "20240530",
    ])
    func preRelease_releasesAreNot(tag: String) {
        #expect(TagVersion(tag)?.isPreRelease == false)
    }

    @Test func tagOrdering_preReleasesBeforeTheirRelease() {
        #expect(
            ["v3.14.0", "v3.14.0rc1", "v3.14.0a2", "v3.14.0b1", "v3.14.0a1", "v3.13.1"].sorted(by: TagOrdering.isOlder)
                == ["v3.13.1", "v3.14.0a1", "v3.14.0a2", "v3.14.0b1", "v3.14.0rc1", "v3.14.0"])
        #expect(
            ["REL_17_1", "REL_17_0", "REL_17_RC1", "REL_17_BETA1", "REL_16_6"].sorted(by: TagOrdering.isOlder)
                == ["REL_16_6", "REL_17_BETA1", "REL_17_RC1", "REL_17_0", "REL_17_1"])
        #expect(TagOrdering.isOlder("v3.21.0_rc2", than: "v3.21.0"))
    }
}

/// The tags a library file references when the upstream is not its GitRepo: by the entries' version tags.
@Suite struct UpstreamReferencedByVersionTests {
    func file(_ text: String) throws -> LibraryFile {
        try LibraryFileReader.read(bytes: Array(text.utf8), name: "demo", path: "library/demo")
    }

    static let commit = String(repeating: "e", count: 40)

    @Test func referenced_nodeEntriesByTheirFullestVersion() throws {
        let tags = try UpstreamTags(
            refs: ReleaseLinesTests.node.map { ("refs/tags/\($0)", String(repeating: "a", count: 40)) }, pattern: nil)
        let library = try file(
            """
            Maintainers: Test <test@example.invalid> (@test)
            GitRepo: https://github.com/nodejs/docker-node.git
            GitCommit: \(Self.commit)

            Tags: 23.3.0, 23.3, 23, current, latest
            Directory: 23/bookworm

            Tags: 22.11.0, 22.11, 22, jod, lts
            Directory: 22/bookworm

            Tags: 22.11.0-alpine, 22-alpine
            Directory: 22/alpine

            Tags: 20.18, 20, iron
            Directory: 20/bookworm

            """)
        // 20.18 names no release (20.18.0 and 20.18.1 both have more numbers): not referenced.
        #expect(tags.referenced(by: library) == ["v22.11.0", "v23.3.0"])
    }

    @Test func referenced_postgresVersionsMatchRELTags() throws {
        let tags = try UpstreamTags(
            refs: ReleaseLinesTests.postgres.map { ("refs/tags/\($0)", String(repeating: "a", count: 40)) },
            pattern: #"^REL_?\d"#)
        let library = try file(
            """
            Maintainers: Test <test@example.invalid> (@test)
            GitRepo: https://github.com/docker-library/postgres.git
            GitCommit: \(Self.commit)

            Tags: 17.1, 17, latest
            Directory: 17/bookworm

            Tags: 9.6.24, 9.6, 9
            Directory: 9.6/bookworm

            Tags: 18beta1
            Directory: 18/bookworm

            """)
        #expect(tags.referenced(by: library) == ["REL9_6_24", "REL_17_1"])
    }
}
