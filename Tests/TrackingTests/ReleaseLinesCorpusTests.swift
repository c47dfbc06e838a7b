import Foundation
import OfficialImages
import TestSupport
import Testing

@testable import Tracking

/// The line rule measured against the library's own history (the corpus bundle of official-images):
/// an entry (the same `GitFetch` and `Directory`) that moves from one version to the next is one
/// release line to its maintainers, so the rule should keep both versions in one line; and two
/// entries of one file with different versions are two lines, so the rule should keep them apart.
@Suite struct ReleaseLinesCorpusTests {
    struct Measure: Equatable, CustomStringConvertible {
        /// Entry updates (the entry's fullest version changed between two commits) that stay in one line.
        var sameLine = 0
        /// Entry updates the rule puts in another line.
        var otherLine = 0
        /// File versions where two entries' different versions fall into one line.
        var merged = 0
        var description: String { "sameLine \(sameLine), otherLine \(otherLine), merged \(merged)" }
    }

    /// Each version of `library/<image>`, oldest first: per entry (GitFetch, Directory), its fullest version.
    static func history(_ image: String) throws -> [[String: String]] {
        _ = try requireTool("git", package: "git")
        let dir = try TemporaryDirectory("oi-lines")
        let repo = dir.appending("oi.git").path
        try run("git", ["clone", "-q", "--mirror", try TestPaths.corpus("official-images-subset.bundle").path, repo])
        let commits = try run("git", ["-C", repo, "log", "--reverse", "--format=%H", "--", "library/\(image)"])
            .split(separator: "\n")
        return commits.compactMap { commit -> [String: String]? in
            // Deleted, or one of the few old node files the reader refuses (a tag listed twice): left out.
            guard let text = try? run("git", ["-C", repo, "show", "\(commit):library/\(image)"]),
                let file = try? LibraryFileReader.read(text, name: image)
            else { return nil }
            var versions: [String: String] = [:]
            for entry in file.entries {
                guard let version = UpstreamTags.fullestVersion(entry.tags) else { continue }
                versions["\(entry.gitFetch) \(entry.directory)"] = version.tag
            }
            return versions
        }
    }

    static func measure(_ history: [[String: String]], depth: Int?) -> Measure {
        func line(_ version: String) -> String { ReleaseLines.line(of: version, depth: depth) }
        var m = Measure()
        for (old, new) in zip(history, history.dropFirst()) {
            for (entry, version) in new {
                guard let before = old[entry], before != version else { continue }
                if line(before) == line(version) { m.sameLine += 1 } else { m.otherLine += 1 }
            }
        }
        for file in history {
            let versions = Set(file.values)
            if Set(versions.map(line)).count < versions.count { m.merged += 1 }
        }
        return m
    }

    /// alpine: `3.20.2` → `3.20.3` on `refs/heads/v3.20`. The default holds for 169 of 171 updates;
    /// the 2 others are `3.15` → `3.15.0` and `3.17` → `3.17.0` (the library tagged the line before
    /// its first patch, and a version of two numbers reads as major.patch), and the 28 merged file
    /// versions are 2015–2017, when the library tagged lines only (`3.1`, `3.2`: one line `3`).
    /// Majors would be wrong: 33 updates leave their line, 151 file versions merge 3.x lines.
    @Test func corpus_alpine_defaultDepthIsTheLibrarysLines() throws {
        let history = try Self.history("alpine")
        #expect(Self.measure(history, depth: nil) == Measure(sameLine: 169, otherLine: 2, merged: 28))
        #expect(Self.measure(history, depth: 1) == Measure(sameLine: 138, otherLine: 33, merged: 151))
    }

    /// node: `22.8.0` → `22.9.0` in `22/bookworm`. Majors (line-depth 1, with 0.y as lines) hold for
    /// all 579 updates and never merge two lines; the default would split 285 of them (a new minor
    /// is a new line), which is why node is configured with `line-depth = 1`.
    @Test func corpus_node_lineDepth1IsTheLibrarysLines() throws {
        let history = try Self.history("node")
        #expect(Self.measure(history, depth: 1) == Measure(sameLine: 579, otherLine: 0, merged: 0))
        #expect(Self.measure(history, depth: nil) == Measure(sameLine: 294, otherLine: 285, merged: 0))
    }

    /// debian: `12.6` → `12.7` in `bookworm`: the default (the major) holds for 75 of 76 updates; the
    /// other is `7.2` → `6.0.8`, two entries of a legacy-format file that share `GitFetch` and `Directory`.
    @Test func corpus_debian_defaultDepthIsTheLibrarysLines() throws {
        let history = try Self.history("debian")
        #expect(Self.measure(history, depth: nil) == Measure(sameLine: 75, otherLine: 1, merged: 0))
    }
}
