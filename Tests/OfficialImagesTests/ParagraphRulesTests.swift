import Testing
import TrackbotCore

@testable import OfficialImages

private let maint = "Maintainers: Jane Doe <jane@example.com> (@jane)"
private let c1 = String(repeating: "a", count: 40)
private let c2 = String(repeating: "b", count: 40)

private func read(_ text: String, _ name: String = "foo") throws(LibraryFileError) -> LibraryFile {
    try LibraryFileReader.read(text, name: name)
}

@Suite struct ParagraphRulesTests {
    @Test func commentsAreRemovedWhereverTheyAreAndHashLaterIsValue() throws {
        let f = try read(
            """
            # a comment
            \(maint)
              # indented comment between fields does not end the paragraph
            GitRepo: https://example.com/r.git#main

            Tags: 1
            # comment inside an entry
            GitCommit: \(c1)
            """)
        #expect(f.global.gitRepo == "https://example.com/r.git#main")
        #expect(f.entries.count == 1)
        #expect(f.entries[0].gitCommit == c1)
        #expect(f.entries[0].line == 6)
    }

    @Test func crlfSeparatesParagraphsAndBlankOnlyLineIsContinuation() throws {
        let f = try read("\(maint)\r\nGitRepo: r\r\n\r\nTags: a,\r\n \r\n  b\r\nGitCommit: \(c1)\r\n")
        #expect(f.entries.count == 1)
        #expect(f.entries[0].tags == ["a", "b"])
    }

    @Test func continuationLinesFoldWithDotAsEmptyLine() throws {
        let f = try read(
            """
            \(maint)
            GitRepo: r

            Tags: 1,
             2,
            \t3
            GitCommit: \(c1)
            Builder: first
             .
             second\("   ")
            """)
        #expect(f.entries[0].tags == ["1", "2", "3"])
        #expect(f.entries[0].builder == "first\n\nsecond")
    }

    @Test func lineWithoutColonIsAnErrorNamingTheLine() {
        #expect(throws: LibraryFileError(file: "library/foo", line: 3, problem: .notKeyValue("nonsense here"))) {
            try read("\(maint)\nGitRepo: r\nnonsense here\n")
        }
    }

    // pault.ag/go/debian/control files a continuation line read before any key under the key ""
    // (no field reads it) and goes on: bashbrew ignores it. It is no field, and no paragraph.
    @Test func goDebian_continuationBeforeAnyFieldIsIgnored() throws {
        let f = try read("\(maint)\nGitRepo: r\n\n Tags: x\nTags: 1\nGitCommit: \(c1)\n\n\t2\n")
        #expect(f.entries.map(\.tags) == [["1"]])
        #expect(f.entries[0].line == 5)
        // At the start of the file too, before the global paragraph.
        #expect(try read(" stray\n\(maint)\nGitRepo: r\n\nTags: 1\nGitCommit: \(c1)\n").global.line == 2)
    }

    // A line of blanks is a continuation line: between two paragraphs it continues nothing, and
    // the blank line after it does not start a paragraph of its own (go-debian skips blank lines
    // until a paragraph has a key).
    @Test func goDebian_blanksOnlyLineBetweenParagraphsIsIgnored() throws {
        let f = try read("\(maint)\nGitRepo: r\n\n   \n\nTags: 1\nGitCommit: \(c1)\n")
        #expect(f.entries.map(\.tags) == [["1"]])
        #expect(f.entries[0].line == 6)
    }

    @Test func keysAreCaseSensitiveUnknownIgnoredLastRepeatWins() throws {
        let f = try read(
            """
            \(maint)
            GitRepo: r
            Whatever: ignored

            Tags: 1
            gitcommit: \(c2)
            GitCommit: \(c2)
            GitCommit: \(c1)
            """)
        #expect(f.entries[0].gitCommit == c1)
    }

    @Test func globalDefaults() throws {
        let f = try read("\(maint)\nGitRepo: r\n\nTags: 1\nGitCommit: \(c1)\n")
        let e = f.entries[0]
        #expect(e.architectures == [.amd64])
        #expect(e.gitFetch == "refs/heads/master")
        #expect(e.directory == ".")
        #expect(e.file == "Dockerfile")
        #expect(e.builder == "")
    }

    @Test func inheritanceOverrideReplaceAppend() throws {
        let f = try read(
            """
            Maintainers: A (@a)
            SharedTags: s
            Architectures: amd64, arm64v8
            GitRepo: r
            Directory: base
            Constraints: c1

            Tags: 1
            Maintainers: B <b@example.com> (@b)
            Architectures: s390x
            SharedTags: t
            Directory: own
            Constraints: c2
            GitCommit: \(c1)

            Tags: 2
            GitCommit: \(c2)
            """)
        let one = f.entries[0], two = f.entries[1]
        #expect(one.maintainers.map(\.handle) == ["a", "b"])  // appended
        #expect(one.constraints == ["c1", "c2"])  // appended
        #expect(one.architectures == [.s390x])  // replaced
        #expect(one.sharedTags == ["t"])  // replaced
        #expect(one.directory == "own")  // overridden
        #expect(two.architectures == [.amd64, .arm64v8])  // inherited
        #expect(two.sharedTags == ["s"])
        #expect(two.directory == "base")
        #expect(two.constraints == ["c1"])
    }

    @Test func archPrefixedFieldsOverrideOneArchAndInheritFromGlobal() throws {
        let f = try read(
            """
            \(maint)
            GitRepo: r
            arm64v8-GitRepo: r-arm
            Architectures: amd64, arm64v8, s390x

            Tags: 1
            GitCommit: \(c1)
            s390x-GitCommit: \(c2)
            amd64-Directory: x86_64/
            amd64-File: Dockerfile.amd64
            s390x-Builder: oci-import
            s390x-GitFetch: refs/heads/s390x
            """)
        let e = f.entries[0]
        #expect(e.source(for: .arm64v8).gitRepo == "r-arm")
        #expect(e.source(for: .amd64).gitRepo == "r")
        #expect(e.source(for: .s390x).gitCommit == c2)
        #expect(e.source(for: .amd64).gitCommit == c1)
        #expect(e.source(for: .amd64).directory == "x86_64")  // cleaned
        #expect(e.source(for: .amd64).file == "Dockerfile.amd64")
        #expect(e.source(for: .s390x).builder == "oci-import")
        #expect(e.source(for: .s390x).gitFetch == "refs/heads/s390x")
        #expect(e.source(for: .arm64v8).directory == ".")
    }

    @Test func architecturesDeduplicatedAndSortedDirectoriesCleaned() throws {
        let f = try read(
            "\(maint)\nGitRepo: r\n\nTags: 1\nArchitectures: s390x, amd64, s390x, arm32v7\nDirectory: ./a//b/../c/\nGitCommit: \(c1)\n"
        )
        #expect(f.entries[0].architectures == [.amd64, .arm32v7, .s390x])
        #expect(f.entries[0].directory == "a/c")
    }

    @Test func entriesWithSameBuildInputsMerge() throws {
        let f = try read(
            """
            \(maint)
            GitRepo: r

            Tags: 1.2
            SharedTags: x
            GitCommit: \(c1)

            Tags: 1
            SharedTags: x, y
            GitCommit: \(c1)

            Tags: 2
            GitCommit: \(c2)
            """)
        #expect(f.entries.count == 2)
        #expect(f.entries[0].tags == ["1.2", "1"])
        #expect(f.entries[0].sharedTags == ["x", "y"])
    }

    @Test func sharedTagsMayRepeatAcrossEntries() throws {
        let f = try read(
            "\(maint)\nGitRepo: r\n\nTags: 1\nSharedTags: s\nGitCommit: \(c1)\n\nTags: 2\nSharedTags: s\nGitCommit: \(c2)\n"
        )
        #expect(f.entries(for: "s").count == 2)
        #expect(f.entries(for: "2").map(\.tags) == [["2"]])
    }

    @Test func maintainerFormats() {
        #expect(
            Maintainer(parsing: "Tianon Gravi <admwiggin@gmail.com> (@tianon)")
                == Maintainer(name: "Tianon Gravi", email: "admwiggin@gmail.com", handle: "tianon"))
        #expect(
            Maintainer(parsing: "Docker Library Bot (@docker-library-bot)")
                == Maintainer(name: "Docker Library Bot", handle: "docker-library-bot"))
        #expect(Maintainer(parsing: "No Handle <x@y>") == nil)
        #expect(Maintainer(parsing: "Bad (Name) (@x)") == nil)
        #expect(Maintainer(parsing: "(@x)") == nil)
        #expect(Maintainer(parsing: "Name <a b> (@x)") == nil)
    }

    @Test func architecturesMapToPlatforms() throws {
        let f = try read(
            "\(maint)\nGitRepo: r\n\nTags: 1\nArchitectures: arm32v5, arm32v6, arm32v7, arm64v8, i386, mips64le, ppc64le, riscv64, s390x, windows-amd64, amd64\nGitCommit: \(c1)\n"
        )
        #expect(
            f.entries[0].architectures.map(\.platform.description) == [
                "linux/amd64", "linux/arm/v5", "linux/arm/v6", "linux/arm/v7", "linux/arm64/v8", "linux/386",
                "linux/mips64le", "linux/ppc64le", "linux/riscv64", "linux/s390x", "windows/amd64",
            ])
    }
}

@Suite struct ValidationErrorTests {
    private func expectError(
        _ text: String, line: Int, _ problem: LibraryFileError.Problem,
        _ message: String, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        do {
            _ = try read(text)
            Issue.record("expected \(problem)", sourceLocation: sourceLocation)
        } catch {
            #expect(error.problem == problem, sourceLocation: sourceLocation)
            #expect(error.line == line, sourceLocation: sourceLocation)
            #expect(error.description == "library/foo:\(line): " + message, sourceLocation: sourceLocation)
        }
    }

    @Test func missingMaintainers() {
        expectError(
            "GitRepo: r\n\nTags: 1\nGitCommit: \(c1)\n", line: 1, .missingMaintainers,
            "missing Maintainers (the first paragraph must name at least one: Full Name <contact-email-or-url> (@github-handle) OR Full Name (@github-handle))"
        )
    }

    @Test func invalidMaintainer() {
        expectError(
            "Maintainers: Jane\n", line: 1, .invalidMaintainers(["Jane"]),
            #"invalid Maintainers: "Jane" (expected format "Full Name <contact-email-or-url> (@github-handle) OR Full Name (@github-handle)")"#
        )
    }

    @Test func globalTags() {
        expectError(
            "\(maint)\nTags: 1\n", line: 2, .globalTagsNotPermitted,
            "global Tags not permitted (the first paragraph holds defaults; put Tags in an entry paragraph)")
    }

    @Test func invalidGlobalArchitecture() {
        expectError(
            "\(maint)\nArchitectures: amd64, sparc\n", line: 2, .invalidGlobalArchitectures(["sparc"]),
            #"invalid global Architectures: "sparc" (known: amd64, arm32v5, arm32v6, arm32v7, arm64v8, i386, mips64le, ppc64le, riscv64, s390x, windows-amd64)"#
        )
    }

    @Test func invalidGitCommit() {
        expectError(
            "\(maint)\nGitRepo: r\n\nTags: 1.2, 1\nGitCommit: abc\n", line: 5,
            .invalidGitCommit(tags: "1.2, 1", value: "abc"),
            #"Tags "1.2, 1" has invalid GitCommit (must be a commit, not a tag or ref): "abc" (a commit id is 40 lowercase hex digits)"#
        )
        // Required even when every architecture overrides it.
        expectError(
            "\(maint)\nGitRepo: r\n\nTags: 1\namd64-GitCommit: \(c1)\n", line: 4,
            .invalidGitCommit(tags: "1", value: ""),
            #"Tags "1" has invalid GitCommit (must be a commit, not a tag or ref): "" (a commit id is 40 lowercase hex digits)"#
        )
        expectError(
            "\(maint)\nGitRepo: r\n\nTags: 1\nGitCommit: \(c1.uppercased())\n", line: 5,
            .invalidGitCommit(tags: "1", value: c1.uppercased()),
            #"Tags "1" has invalid GitCommit (must be a commit, not a tag or ref): ""# + c1.uppercased()
                + #"" (a commit id is 40 lowercase hex digits)"#)
    }

    // bashbrew's GitCommitRegex accepts 64 hex digits; trackbot refuses them (a deliberate
    // difference: libgit2 1.5 opens SHA-1 repositories only), naming the line, for the entry's
    // GitCommit and for a listed architecture's <arch>-GitCommit.
    @Test func trackbot_sha256GitCommitIsRefusedNamingTheLine() {
        let c64 = String(repeating: "c", count: 64)
        let why =
            "(bashbrew accepts 64 hex digits, but trackbot reads git repositories through libgit2 1.5, which cannot "
            + "open SHA-256 repositories, so this entry could not be checked; trackbot refuses it here rather than fail on it later)"
        expectError(
            "\(maint)\nGitRepo: r\n\nTags: 1\nGitCommit: \(c64)\n", line: 5,
            .sha256GitCommit(tags: "1", key: "GitCommit", value: c64),
            #"Tags "1" has a SHA-256 GitCommit: ""# + c64 + "\" " + why)
        expectError(
            "\(maint)\nGitRepo: r\nArchitectures: amd64, s390x\n\nTags: 1\nGitCommit: \(c1)\ns390x-GitCommit: \(c64)\n",
            line: 7, .sha256GitCommit(tags: "1", key: "s390x-GitCommit", value: c64),
            #"Tags "1" has a SHA-256 s390x-GitCommit: ""# + c64 + "\" " + why)
        // bashbrew's own rules come first: the same entry with a duplicate tag fails on that.
        expectError(
            "\(maint)\nGitRepo: r\n\nTags: 1, 1\nGitCommit: \(c64)\n", line: 4,
            .duplicateTag(tags: "1, 1", tag: "1", otherEntry: nil), #"Tags "1, 1" includes duplicate tag: "1""#)
    }

    // An <arch>-GitCommit of an architecture the entry does not list is never used: bashbrew
    // does not look at it, nor does trackbot.
    @Test func trackbot_sha256CommitOfAnUnlistedArchitectureIsNotRead() throws {
        let f = try read(
            "\(maint)\nGitRepo: r\n\nTags: 1\nGitCommit: \(c1)\ns390x-GitCommit: \(String(repeating: "c", count: 64))\n"
        )
        #expect(f.entries[0].architectures == [.amd64])
    }

    @Test func invalidGitFetch() {
        expectError(
            "\(maint)\nGitRepo: r\n\nTags: 1\nGitFetch: refs/pull/1/head\nGitCommit: \(c1)\n", line: 5,
            .invalidGitFetch(tags: "1", value: "refs/pull/1/head"),
            #"Tags "1" has invalid GitFetch (must be "refs/heads/..." or "refs/tags/..."): "refs/pull/1/head""#)
        expectError(
            "\(maint)\nGitRepo: r\n\nTags: 1\nGitFetch: refs/heads/*\nGitCommit: \(c1)\n", line: 5,
            .invalidGitFetch(tags: "1", value: "refs/heads/*"),
            #"Tags "1" has invalid GitFetch (must be "refs/heads/..." or "refs/tags/..."): "refs/heads/*""#)
    }

    @Test func missingTagsAndSource() {
        expectError(
            "\(maint)\nGitRepo: r\n\nGitCommit: \(c1)\n", line: 4, .missingTags,
            "missing Tags (every paragraph after the first is an entry and needs Tags)")
        expectError(
            "\(maint)\n\nTags: 1\nGitCommit: \(c1)\n", line: 3, .missingSource(tags: "1"),
            #"Tags "1" missing one of GitRepo, GitFetch, or GitCommit"#)
    }

    @Test func invalidTags() {
        expectError(
            "\(maint)\nGitRepo: r\n\nTags: 1, -bad, ok\nGitCommit: \(c1)\n", line: 4,
            .invalidTags(tags: "1, -bad, ok", invalid: ["-bad"]),
            #"Tags "1, -bad, ok" has invalid (Shared)Tags: "-bad" (a tag matches ^\w[\w.-]{0,127}$)"#)
        expectError(
            "\(maint)\nGitRepo: r\n\nTags: 1\nSharedTags: a/b\nGitCommit: \(c1)\n", line: 5,
            .invalidTags(tags: "1", invalid: ["a/b"]),
            #"Tags "1" has invalid (Shared)Tags: "a/b" (a tag matches ^\w[\w.-]{0,127}$)"#)
        let long = String(repeating: "x", count: 129)
        expectError(
            "\(maint)\nGitRepo: r\n\nTags: \(long)\nGitCommit: \(c1)\n", line: 4,
            .invalidTags(tags: long, invalid: [long]),
            "Tags \"\(long)\" has invalid (Shared)Tags: \"\(long)\" (a tag matches ^\\w[\\w.-]{0,127}$)")
    }

    @Test func invalidArchitecture() {
        expectError(
            "\(maint)\nGitRepo: r\n\nTags: 1\nArchitectures: amd64, arm64\nGitCommit: \(c1)\n", line: 5,
            .invalidArchitectures(tags: "1", invalid: ["arm64"]),
            #"Tags "1" has invalid Architectures: "arm64" (known: amd64, arm32v5, arm32v6, arm32v7, arm64v8, i386, mips64le, ppc64le, riscv64, s390x, windows-amd64)"#
        )
    }

    @Test func duplicateTags() {
        expectError(
            "\(maint)\nGitRepo: r\n\nTags: 1, latest\nGitCommit: \(c1)\n\nTags: 2, latest\nGitCommit: \(c2)\n", line: 7,
            .duplicateTag(tags: "2, latest", tag: "latest", otherEntry: "1, latest"),
            #"Tags "2, latest" includes duplicate tag: "latest" (duplicated in "1, latest")"#)
        expectError(
            "\(maint)\nGitRepo: r\n\nTags: 1, 1\nGitCommit: \(c1)\n", line: 4,
            .duplicateTag(tags: "1, 1", tag: "1", otherEntry: nil),
            #"Tags "1, 1" includes duplicate tag: "1""#)
    }

    @Test func tagAndSharedTagConflicts() {
        expectError(
            "\(maint)\nGitRepo: r\n\nTags: 1\nSharedTags: s\nGitCommit: \(c1)\n\nTags: s\nGitCommit: \(c2)\n", line: 8,
            .tagConflictsWithSharedTag(tags: "s", tag: "s", otherEntry: "1"),
            #"Tags "s" includes tag conflicting with a shared tag: "s" (shared tag in "1")"#)
        expectError(
            "\(maint)\nGitRepo: r\n\nTags: 1\nGitCommit: \(c1)\n\nTags: 2\nSharedTags: 1\nGitCommit: \(c2)\n", line: 8,
            .sharedTagConflictsWithTag(tags: "2", tag: "1", otherEntry: "1"),
            #"Tags "2" includes conflicting shared tag: "1" (duplicated in "1")"#)
        expectError(
            "\(maint)\nGitRepo: r\n\nTags: 1\nSharedTags: 1\nGitCommit: \(c1)\n", line: 5,
            .duplicateTagInSharedTags(tags: "1", tag: "1"),
            #"Tags "1" includes duplicate tag: "1" (in SharedTags)"#)
    }
}

@Suite struct LegacyFormatTests {
    @Test func lineBasedFormat() throws {
        let f = try read(
            """
            # maintainer: Tianon Gravi <admwiggin@gmail.com> (@tianon)
            # maintainer: Joseph Ferguson <yosifkit@gmail.com> (@yosifkit)

            3.4: git://github.com/gliderlabs/docker-alpine@\(c1) versions/library-3.4/
            latest: git://github.com/gliderlabs/docker-alpine@\(c1) versions/library-3.4
            edge: git://github.com/gliderlabs/docker-alpine@v3.5 versions/edge
            """, "alpine")
        #expect(f.format == .lineBased)
        #expect(f.maintainers.map(\.handle) == ["tianon", "yosifkit"])
        #expect(f.entries.count == 2)
        #expect(f.entries[0].tags == ["3.4", "latest"])
        #expect(f.entries[0].directory == "versions/library-3.4")
        #expect(f.entries[0].gitFetch == "refs/heads/*")
        #expect(f.entries[1].gitFetch == "refs/tags/v3.5")
        #expect(f.entries[1].gitCommit == "FETCH_HEAD")
        #expect(f.entries[1].line == 6)
    }

    @Test func lineBasedErrors() {
        #expect(throws: LibraryFileError(file: "library/foo", line: 3, problem: .lineMissingAt("1.0: git://x/y"))) {
            try read("# maintainer: A (@a)\n\n1.0: git://x/y\n")
        }
        #expect(throws: LibraryFileError(file: "library/foo", line: 2, problem: .lineMissingColon("nonsense@x"))) {
            try read("1.0: git://x/y@\(c1)\nnonsense@x\n")
        }
    }

    @Test func repeatedTagInLegacyFileMovesToTheLaterLineWithAWarning() throws {
        let f = try read(
            """
            # maintainer: A (@a)
            8.0: git://x/y@\(c1) jessie
            jessie: git://x/y@\(c1) jessie
            8.0: git://x/y@\(c1) sid
            sid: git://x/y@\(c1) sid
            """, "debian")
        #expect(f.entries.map(\.tags) == [["jessie"], ["8.0", "sid"]])
        #expect(
            f.warnings == [#"library/debian:4: tag "8.0" repeated; the later line wins, as the tools of the time did"#])
    }

    @Test func stackbrewFormat() throws {
        let f = try read(
            "latest\tgit://github.com/tianon/docker-brew-debian\tC:\(c1)\nwheezy\t\tgit://github.com/tianon/docker-brew-debian\tC:\(c1)\n\nprecise git://github.com/shin-/ubuntu B:precise\nedge git://github.com/x/y\n",
            "debian")
        #expect(f.format == .stackbrew)
        #expect(f.entries.count == 3)
        #expect(f.entries[0].tags == ["latest", "wheezy"])
        #expect(f.entries[1].gitFetch == "refs/heads/precise")
        #expect(f.entries[2].gitCommit == "FETCH_HEAD")
    }
}
