import Testing
import TrackbotCore

@testable import OfficialImages

/// bashbrew's own manifest tests (manifest/parse_test.go, manifest/example_test.go,
/// manifest/testdata) turned into trackbot cases, with inputs of our own shaped like theirs; and
/// what bashbrew makes of a list field left empty, decided from its source (manifest/rfc2822.go and
/// pault.ag/go/debian/control's decoder, which splits "" into [""]).
@Suite struct BashbrewPeerTests {
    private static let maint = "Maintainers: Jane Doe <jane@example.com> (@jane)"
    private static let c1 = String(repeating: "a", count: 40)
    private static let c2 = String(repeating: "b", count: 40)
    private static let c3 = String(repeating: "c", count: 40)
    private static let c4 = String(repeating: "d", count: 40)
    private static let known = Architecture.allCases.map(\.rawValue).joined(separator: ", ")
    private static let tagRule = #"(a tag matches ^\w[\w.-]{0,127}$)"#

    private func read(_ text: String) throws(LibraryFileError) -> LibraryFile {
        try LibraryFileReader.read(text, name: "foo")
    }

    private func expectError(
        _ text: String, line: Int, _ problem: LibraryFileError.Problem, _ message: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        do {
            _ = try read(text)
            Issue.record("expected \(problem)", sourceLocation: sourceLocation)
        } catch {
            #expect(error.problem == problem, sourceLocation: sourceLocation)
            #expect(error.description == "library/foo:\(line): " + message, sourceLocation: sourceLocation)
        }
    }

    // MARK: manifest/parse_test.go

    // TestParseError: text with no "Key: value" line is an error (bashbrew: "Bad line: … has no ':'").
    @Test func bashbrew_parse_bogusTextIsAnError() {
        expectError(
            "nothing in this line is a field, however it is read", line: 1,
            .notKeyValue("nothing in this line is a field, however it is read"),
            #"line "nothing in this line is a field, however it is read" is not "Key: value" (continuation lines start with a space or a tab)"#
        )
    }

    // TestInvalidMaintainer: one bad maintainer in a list of good ones fails the file.
    @Test func bashbrew_parse_invalidMaintainerInAList() {
        let format =
            #"(expected format "Full Name <contact-email-or-url> (@github-handle) OR Full Name (@github-handle)")"#
        expectError(
            "Maintainers: Good Name (@good), Good Name <good@example.com> (@good), Bad Name (bad-handle)", line: 1,
            .invalidMaintainers(["Bad Name (bad-handle)"]), #"invalid Maintainers: "Bad Name (bad-handle)" "# + format)
    }

    // MARK: manifest/example_test.go

    /// Shaped like bashbrew's Example: comments indented and after blank runs, a maintainer list
    /// on a continuation line, a repeated architecture, per-architecture fields, entries that
    /// merge once their directories are cleaned, a GitFetch and a Builder of an entry's own.
    private static let example = """
        # RFC 2822, shaped like bashbrew's manifest Example

        \t# an indented comment

        Maintainers: Jane Doe <jane@example.com> (@jane),
                     John Roe <john@example.com> (@john)
        GitFetch: refs/heads/master
        GitRepo: https://example.com/lang.git
        SharedTags: latest
        arm64v8-GitRepo: https://example.com/lang.git
        Architectures: amd64, amd64


         # a comment after blank lines


         \t # another


        # 2.0
        Tags: 2.0.1, 2.0, 2
        arm64v8-GitRepo: https://example.com/lang.git
        Directory: 2.0
        GitCommit: \(c1)
        Constraints: some-build-server


        # 1.9
        Tags: 1.9.3
        GitCommit: \(c2)
        SharedTags: 1.9.3-bookworm, 1.9-bookworm
        Directory: 1.9
        s390x-GitCommit: \(c3)
        i386-GitFetch: refs/heads/i386
        ppc64le-Directory: 1.9/ppc64le/


        Tags: 1.9
        SharedTags: 1.9-bookworm
        GitCommit: \(c2)
        Directory: 1.9
        s390x-GitCommit: \(c3)
        i386-GitFetch: refs/heads/i386
        ppc64le-Directory: 1.9/ppc64le

        Tags: 1.9-alpine
        GitCommit: \(c2)
        Directory: 1.9
        File: Dockerfile.alpine
        s390x-File: Dockerfile.alpine.s390x
        Builder: buildkit
        GitFetch: refs/heads/a-branch

        SharedTags: edge
        GitCommit: \(c4)
        Tags: edge-s390x
        Architectures: s390x, i386
        File: Dockerfile-edge
        s390x-File: Dockerfile


        """

    // Example, its printed form: what `bashbrew cat` prints (defaults and inherited values left
    // out, merged entries as one, per-architecture keys sorted).
    @Test func bashbrew_example_printsAsBashbrewCat() throws {
        let f = try read(Self.example)
        #expect(
            LibraryFileWriter.render(f) == """
                Maintainers: Jane Doe <jane@example.com> (@jane), John Roe <john@example.com> (@john)
                SharedTags: latest
                GitRepo: https://example.com/lang.git
                arm64v8-GitRepo: https://example.com/lang.git

                Tags: 2.0.1, 2.0, 2
                GitCommit: \(Self.c1)
                Directory: 2.0
                Constraints: some-build-server

                Tags: 1.9.3, 1.9
                SharedTags: 1.9.3-bookworm, 1.9-bookworm
                GitCommit: \(Self.c2)
                Directory: 1.9
                i386-GitFetch: refs/heads/i386
                ppc64le-Directory: 1.9/ppc64le
                s390x-GitCommit: \(Self.c3)

                Tags: 1.9-alpine
                GitFetch: refs/heads/a-branch
                GitCommit: \(Self.c2)
                Directory: 1.9
                File: Dockerfile.alpine
                Builder: buildkit
                s390x-File: Dockerfile.alpine.s390x

                Tags: edge-s390x
                SharedTags: edge
                Architectures: i386, s390x
                GitCommit: \(Self.c4)
                File: Dockerfile-edge
                s390x-File: Dockerfile

                """)
    }

    // Example, its shared tag groups: which entries each shared tag names.
    @Test func bashbrew_example_sharedTagGroups() throws {
        let f = try read(Self.example)
        #expect(f.entries(for: "latest").map(\.tags) == [["2.0.1", "2.0", "2"], ["1.9-alpine"]])
        #expect(f.entries(for: "1.9.3-bookworm").map(\.tags) == [["1.9.3", "1.9"]])
        #expect(f.entries(for: "1.9-bookworm").map(\.tags) == [["1.9.3", "1.9"]])
        #expect(f.entries(for: "edge").map(\.tags) == [["edge-s390x"]])
    }

    // ExampleFetch_local, on a file shaped like manifest/testdata/bash: one tag's entry.
    @Test func bashbrew_exampleFetch_oneTagsEntry() throws {
        var text = "# a snapshot\n\n# generated\n\n\(Self.maint)\nGitRepo: https://example.com/shell.git\n"
        for (tags, commit, dir) in [
            ("5.2.1, 5.2, 5, latest", Self.c1, "5.2"), ("5.1.16, 5.1", Self.c1, "5.1"), ("5.0.18, 5.0", Self.c2, "5.0"),
            ("4.4.23, 4.4, 4", Self.c1, "4.4"),
        ] {
            text += "\nTags: \(tags)\nGitCommit: \(commit)\nDirectory: \(dir)\n"
        }
        let f = try read(text)
        #expect(f.entries.count == 4)
        let entries = f.entries(for: "5.2")
        #expect(entries.count == 1)
        let e = try #require(entries.first)
        #expect(e.tags == ["5.2.1", "5.2", "5", "latest"])
        #expect(e.maintainers.map(\.description) == ["Jane Doe <jane@example.com> (@jane)"])
        #expect(e.source(for: .amd64).gitRepo == "https://example.com/shell.git")
        #expect(e.source(for: .amd64).gitCommit == Self.c1)
        #expect(e.source(for: .amd64).directory == "5.2")
        #expect(e.line == 8)
    }

    // MARK: a list field left empty (rfc2822.go + go-debian's decodeStructValueSlice)

    // `Architectures:` with nothing after it is [""], not []: it does not fall back to the
    // inherited list (that happens only when the key is absent), and "" is no architecture.
    @Test func bashbrew_emptyArchitecturesIsAnInvalidArchitecture() {
        expectError(
            "\(Self.maint)\nGitRepo: r\n\nTags: 1\nArchitectures:\nGitCommit: \(Self.c1)\n", line: 5,
            .invalidArchitectures(tags: "1", invalid: [""]),
            #"Tags "1" has invalid Architectures: "" (known: "# + Self.known + ")")
        expectError(
            "\(Self.maint)\nArchitectures:\nGitRepo: r\n\nTags: 1\nGitCommit: \(Self.c1)\n", line: 2,
            .invalidGlobalArchitectures([""]), #"invalid global Architectures: "" (known: "# + Self.known + ")")
    }

    // `Architectures: ,` splits into two empty names, de-duplicated to one; a trailing comma
    // leaves one empty name beside the real ones.
    @Test func bashbrew_commaOnlyOrTrailingCommaArchitecturesIsAnInvalidArchitecture() {
        expectError(
            "\(Self.maint)\nGitRepo: r\n\nTags: 1\nArchitectures: ,\nGitCommit: \(Self.c1)\n", line: 5,
            .invalidArchitectures(tags: "1", invalid: [""]),
            #"Tags "1" has invalid Architectures: "" (known: "# + Self.known + ")")
        expectError(
            "\(Self.maint)\nGitRepo: r\n\nTags: 1\nArchitectures: amd64,\nGitCommit: \(Self.c1)\n", line: 5,
            .invalidArchitectures(tags: "1", invalid: [""]),
            #"Tags "1" has invalid Architectures: "" (known: "# + Self.known + ")")
    }

    // `SharedTags:` with nothing after it is one empty shared tag, which no tag rule admits.
    @Test func bashbrew_emptySharedTagsIsAnInvalidTag() {
        expectError(
            "\(Self.maint)\nGitRepo: r\n\nTags: 1\nSharedTags:\nGitCommit: \(Self.c1)\n", line: 5,
            .invalidTags(tags: "1", invalid: [""]), #"Tags "1" has invalid (Shared)Tags: "" "# + Self.tagRule)
    }

    // In the global paragraph it passes (bashbrew checks no global shared tags), and fails in the
    // first entry that inherits it; an entry with its own SharedTags replaces it.
    @Test func bashbrew_emptyGlobalSharedTagsFailsInTheEntryThatInheritsIt() throws {
        expectError(
            "\(Self.maint)\nSharedTags:\nGitRepo: r\n\nTags: 1\nSharedTags: s\nGitCommit: \(Self.c1)\n\nTags: 2\nGitCommit: \(Self.c2)\n",
            line: 9, .invalidTags(tags: "2", invalid: [""]), #"Tags "2" has invalid (Shared)Tags: "" "# + Self.tagRule)
        let f = try read("\(Self.maint)\nSharedTags:\nGitRepo: r\n\nTags: 1\nSharedTags: s\nGitCommit: \(Self.c1)\n")
        #expect(f.entries.map(\.sharedTags) == [["s"]])
        #expect(try read("\(Self.maint)\nSharedTags:\n").entries.isEmpty)
    }

    // `Tags:` left empty: in an entry it is one empty tag (not "missing Tags"); in the global
    // paragraph it is a global tag.
    @Test func bashbrew_emptyTagsIsAnEmptyTag() {
        expectError(
            "\(Self.maint)\nGitRepo: r\n\nTags:\nGitCommit: \(Self.c1)\n", line: 4,
            .invalidTags(tags: "", invalid: [""]), #"Tags "" has invalid (Shared)Tags: "" "# + Self.tagRule)
        expectError(
            "\(Self.maint)\nTags:\n", line: 2, .globalTagsNotPermitted,
            "global Tags not permitted (the first paragraph holds defaults; put Tags in an entry paragraph)")
    }

    // `Maintainers:` left empty is one empty maintainer, which the maintainer format refuses
    // (in the global paragraph this comes before "missing Maintainers").
    @Test func bashbrew_emptyMaintainersIsAnInvalidMaintainer() {
        let format =
            #"(expected format "Full Name <contact-email-or-url> (@github-handle) OR Full Name (@github-handle)")"#
        expectError(
            "Maintainers:\nGitRepo: r\n", line: 1, .invalidMaintainers([""]), #"invalid Maintainers: "" "# + format)
        expectError(
            "\(Self.maint)\nGitRepo: r\n\nTags: 1\nMaintainers:\nGitCommit: \(Self.c1)\n", line: 5,
            .invalidMaintainers([""]), #"invalid Maintainers: "" "# + format)
    }

    // `Constraints:` left empty appends one empty constraint, which bashbrew compares as its
    // joined text (""): the entry builds the same as one without constraints, and they merge.
    @Test func bashbrew_emptyConstraintsBuildTheSameAsNone() throws {
        let f = try read(
            "\(Self.maint)\nGitRepo: r\n\nTags: 1\nConstraints:\nGitCommit: \(Self.c1)\n\nTags: 2\nGitCommit: \(Self.c1)\n"
        )
        #expect(f.entries.count == 1)
        #expect(f.entries[0].tags == ["1", "2"])
        #expect(f.entries[0].constraints == [""])
    }

    // The inherited list comes back only when the key is absent.
    @Test func bashbrew_absentArchitecturesAndSharedTagsAreInherited() throws {
        let f = try read(
            "\(Self.maint)\nArchitectures: s390x, amd64\nSharedTags: s\nGitRepo: r\n\nTags: 1\nGitCommit: \(Self.c1)\n")
        #expect(f.entries[0].architectures == [.amd64, .s390x])
        #expect(f.entries[0].sharedTags == ["s"])
    }
}
