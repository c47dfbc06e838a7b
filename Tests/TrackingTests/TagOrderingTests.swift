import OfficialImages
import Testing
import Tracking

@Suite struct TagOrderingTests {
    @Test func numericComponentsCompareAsNumbers() {
        #expect(TagOrdering.isOlder("v3.20.9", than: "v3.20.10"))
        #expect(!TagOrdering.isOlder("v3.20.10", than: "v3.20.9"))
        #expect(TagOrdering.isOlder("3.9", than: "v3.10"))
        #expect(TagOrdering.isOlder("v22.9.0", than: "v22.10.0"))
        #expect(TagOrdering.isOlder("v3.20.0-rc1", than: "v3.20.0"))
        #expect(TagOrdering.isOlder("v3.20.0", than: "v3.20.1"))
        #expect(
            ["v1.10", "v1.9", "v1.2.3", "v1.10.1"].sorted(by: TagOrdering.isOlder) == [
                "v1.2.3", "v1.9", "v1.10", "v1.10.1",
            ])
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

/// Which upstream tags the library references, and which are newer.
@Suite struct UpstreamTagsTests {
    static let a = String(repeating: "a", count: 40), b = String(repeating: "b", count: 40)
    static let c = String(repeating: "c", count: 40), d = String(repeating: "d", count: 40)

    func file(_ text: String) throws -> LibraryFile {
        try LibraryFileReader.read(bytes: Array(text.utf8), name: "demo", path: "library/demo")
    }

    @Test func onlyTagsMatchingThePatternArePeeledAndKept() throws {
        let tags = try UpstreamTags(
            refs: [
                ("refs/tags/v1.0.9", Self.a), ("refs/tags/v1.0.9^{}", Self.b), ("refs/heads/main", Self.c),
                ("refs/tags/other-1", Self.d),
            ], pattern: "^v")
        #expect(tags.commits == ["v1.0.9": Self.a])
    }

    @Test func referencedByFetchOrByCommitAndNewerNewestFirst() throws {
        let tags = try UpstreamTags(
            refs: [
                ("refs/tags/v1.0.2", Self.a), ("refs/tags/v1.0.8", Self.b), ("refs/tags/v1.0.9", Self.c),
                ("refs/tags/v1.0.10", Self.d),
            ], pattern: nil)
        let library = try file(
            """
            Maintainers: Test <test@example.invalid> (@test)
            GitRepo: https://example.com/demo.git

            Tags: 1.0.8
            GitFetch: refs/heads/main
            GitCommit: \(Self.b)

            Tags: 1.0.9
            GitFetch: refs/tags/v1.0.9
            GitCommit: \(Self.c)

            """)
        #expect(tags.referenced(by: library) == ["v1.0.8", "v1.0.9"])
        #expect(tags.newer(than: "v1.0.9") == ["v1.0.10"])
        #expect(tags.newer(than: "v1.0.2") == ["v1.0.10", "v1.0.9", "v1.0.8"])
    }
}
