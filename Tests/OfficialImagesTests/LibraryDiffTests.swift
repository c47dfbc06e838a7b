import Foundation
import TestSupport
import Testing
import TrackbotCore

@testable import OfficialImages

/// Diffs of real versions of library/alpine (copied from the corpus into Tests/Fixtures/library).
@Suite struct LibraryDiffTests {
    static func fixture(_ name: String) throws -> LibraryFile {
        let url = TestPaths.fixture("library/\(name)")
        let text = try String(contentsOf: url, encoding: .utf8)
        return try LibraryFileReader.read(text, name: String(name.prefix { $0 != "@" }))
    }

    @Test func edgeSnapshotMovesEdgeToANewEntry() throws {
        let diff = LibraryDiff(old: try Self.fixture("alpine@87b6256"), new: try Self.fixture("alpine@04e95d1"))
        #expect(diff.tagsAdded == ["20240923"])
        #expect(diff.tagsRemoved == ["20240807"])
        #expect(diff.tagsMoved.map(\.tag) == ["edge"])
        #expect(diff.tagsMoved[0].fromEntry == "20240807")
        #expect(diff.tagsMoved[0].toEntry == "20240923")
        #expect(diff.entriesChanged.count == 1)
        let change = diff.entriesChanged[0]
        #expect(change.oldTags == ["20240807", "edge"])
        #expect(change.newTags == ["20240923", "edge"])
        #expect(change.changes.count == 8)  // one GitCommit change per architecture
        #expect(Set(change.changes.map(\.field)) == ["GitCommit"])
        #expect(change.changes.first { $0.arch == "amd64" }?.old == "35654ae14e617434d5ca29771296f6b9485eaa85")
        #expect(change.changes.first { $0.arch == "amd64" }?.new == "446ba06f99cf635657b51b1a5a0e81a9b8073929")
        #expect(diff.entriesAdded.isEmpty && diff.entriesRemoved.isEmpty)
    }

    @Test func releaseBumpMovesTagsBetweenEntries() throws {
        let diff = LibraryDiff(old: try Self.fixture("alpine@87b6256"), new: try Self.fixture("alpine@6317ead"))
        #expect(diff.tagsAdded == ["20240923", "3.21.0", "3.21", "3.20.4", "3.19.5", "3.18.10"])
        #expect(diff.tagsRemoved == ["20240807", "3.20.3", "3.19.4", "3.18.9", "3.17.10", "3.17"])
        #expect(diff.tagsMoved.map(\.tag) == ["edge", "3", "latest", "3.20", "3.19", "3.18"])
        let latest = try #require(diff.tagsMoved.first { $0.tag == "latest" })
        #expect(latest.fromEntry == "3.20.3")
        #expect(latest.toEntry == "3.21.0")
        #expect(
            latest.changes.contains(
                LibraryDiff.FieldChange(
                    arch: "amd64", field: "GitFetch",
                    old: "refs/heads/v3.20", new: "refs/heads/v3.21")))
        #expect(diff.entriesRemoved == [["3.17.10", "3.17"]])
        #expect(diff.entriesAdded == [["3.20.4", "3.20"]])
    }

    @Test func architectureAddedAndDirectoryChangedArePerArch() throws {
        let c1 = String(repeating: "a", count: 40)
        let old = try LibraryFileReader.read(
            "Maintainers: A (@a)\nGitRepo: r\n\nTags: 1\nArchitectures: amd64\nGitCommit: \(c1)\namd64-Directory: x86_64\n",
            name: "x")
        let new = try LibraryFileReader.read(
            "Maintainers: A (@a)\nGitRepo: r\n\nTags: 1\nArchitectures: amd64, s390x\nGitCommit: \(c1)\namd64-Directory: amd64\n",
            name: "x")
        let diff = LibraryDiff(old: old, new: new)
        #expect(diff.tagsMoved.map(\.tag) == ["1"])
        #expect(
            diff.entriesChanged.first?.changes == [
                .init(arch: "amd64", field: "Directory", old: "x86_64", new: "amd64"),
                .init(arch: "s390x", field: "Architectures", old: nil, new: "s390x"),
            ])
    }

    @Test func sameFileHasNoChanges() throws {
        let f = try Self.fixture("node@87b6256")
        #expect(LibraryDiff(old: f, new: f).isEmpty)
    }
}
