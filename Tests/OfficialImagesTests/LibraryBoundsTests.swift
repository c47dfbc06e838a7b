import Foundation
import TestSupport
import Testing
import TrackbotCore

@testable import OfficialImages

private let maint = "Maintainers: Jane Doe <jane@example.com> (@jane)"

/// A library file comes from a repository anyone can open a pull request against: its size is
/// bounded, its parse is linear in its entries, and credentials in its URLs are dropped.
@Suite struct LibraryBoundsTests {
    /// `count` entries, each with its own tag; `groups` distinct commits (entries sharing a
    /// commit have the same build inputs and merge).
    static func generated(entries count: Int, groups: Int? = nil) -> String {
        var text = "\(maint)\nGitRepo: https://example.com/r.git\nArchitectures: amd64, arm64v8\n"
        text.reserveCapacity(count * 72)
        for i in 0..<count { text += "\nTags: t\(i)\nGitCommit: \(commit(i % (groups ?? count)))\n" }
        return text
    }

    /// A 40-hex commit that differs from its neighbours in its first characters.
    static func commit(_ i: Int) -> String {
        String(String(i, radix: 16).reversed()).padding(toLength: 40, withPad: "0", startingAt: 0)
    }

    @Test func fortyThousandEntriesParse() throws {
        let clock = ContinuousClock()
        let text = Self.generated(entries: 40_000)
        var file: LibraryFile?
        let distinct = try clock.measure { file = try LibraryFileReader.read(text, name: "big") }
        #expect(file?.entries.count == 40_000)
        #expect(file?.entries(for: "t39999").first?.gitCommit == Self.commit(39_999))
        #expect(file?.allTags.count == 40_000)

        // The same number of paragraphs merging into 2 entries of 20,000 tags each.
        let merging = Self.generated(entries: 40_000, groups: 2)
        var merged: LibraryFile?
        let mergeTime = try clock.measure { merged = try LibraryFileReader.read(merging, name: "big") }
        #expect(merged?.entries.count == 2)
        #expect(merged?.entries.map(\.tags.count) == [20_000, 20_000])
        #expect(merged?.entries[1].tags.prefix(2) == ["t1", "t3"])
        // Timings are for the reader (scripts/bench.d/library-size measures them properly).
        print("40,000 entries: \(distinct) distinct, \(mergeTime) merging into 2")
    }

    @Test func aDuplicateTagIsStillFoundAmongManyEntries() throws {
        let text = Self.generated(entries: 5_000) + "\nTags: t17\nGitCommit: \(String(repeating: "e", count: 40))\n"
        #expect(throws: LibraryFileError.self) { try LibraryFileReader.read(text, name: "big") }
        do { _ = try LibraryFileReader.read(text, name: "big") } catch {
            #expect(error.description.contains("duplicate tag: \"t17\""), "\(error)")
        }
    }

    @Test func aFileOverTheSizeCapIsRefusedNamingTheFileAndTheCap() throws {
        // Valid content: the cap is about size, not about what is in it.
        let comment = "# " + String(repeating: "x", count: 1022) + "\n"
        let text =
            String(repeating: comment, count: 5 * 1024)
            + "\(maint)\nGitRepo: r\n\nTags: 1\nGitCommit: \(String(repeating: "a", count: 40))\n"
        do {
            _ = try LibraryFileReader.read(bytes: Array(text.utf8), name: "big", path: "library/big@abc1234")
            Issue.record("a 5 MiB library file was read")
        } catch {
            #expect(error.description.hasPrefix("library/big@abc1234: "), "\(error)")
            #expect(error.description.contains("4 MiB"), "\(error)")
        }
        // From a folder, the file is refused before it is read into memory.
        let dir = try TemporaryDirectory("library-cap")
        try FileManager.default.createDirectory(at: dir.appending("library"), withIntermediateDirectories: true)
        let path = dir.appending("library/big")
        try Data(text.utf8).write(to: path)
        do {
            _ = try LibraryDirectory(path: dir.path).read("big")
            Issue.record("a 5 MiB library file was read")
        } catch {
            #expect(error.description.contains(path.path) && error.description.contains("4 MiB"), "\(error)")
        }
    }

    @Test func credentialsInURLsAreDroppedWithAWarning() throws {
        let c = String(repeating: "a", count: 40)
        let f = try LibraryFileReader.read(
            """
            \(maint)
            GitRepo: https://bot:hunter2@example.com/r.git

            Tags: 1
            GitCommit: \(c)
            arm64v8-GitRepo: https://tok3n@example.com/arm.git
            Architectures: amd64, arm64v8

            Tags: 2
            GitCommit: \(c)
            GitRepo: https://example.com/clean.git
            """, name: "foo")
        #expect(f.global.gitRepo == "https://example.com/r.git")
        #expect(f.entries[0].gitRepo == "https://example.com/r.git")
        #expect(f.entries[0].source(for: .arm64v8).gitRepo == "https://example.com/arm.git")
        #expect(f.entries[1].gitRepo == "https://example.com/clean.git")
        let all = f.warnings.joined(separator: "\n")
        #expect(f.warnings.count == 2, "\(all)")
        #expect(all.contains("library/foo:2:") && all.contains("library/foo:6:"), "\(all)")
        #expect(all.contains("credentials") && !all.contains("hunter2") && !all.contains("tok3n"), "\(all)")
        // The printed file (bashbrew cat) has none either.
        #expect(!LibraryFileWriter.render(f).contains("hunter2"))
    }
}
