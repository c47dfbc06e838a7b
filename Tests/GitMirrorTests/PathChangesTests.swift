import Foundation
import GitMirror
import TestSupport
import Testing
import TrackbotCore

/// `Mirror.pathChanges` against the git CLI running naughty-commits.sh's own pipeline:
/// `git log --diff-filter=DMT --format=%H TIP -- '**.tar**'`, then per commit
/// `git diff-tree -r --numstat --diff-filter=DMT` (binary files show `-`) and `git ls-tree -r --long`.
@Suite struct PathChangesTests {
    static let mib = 1024 * 1024

    /// `count` bytes with NULs in them (git calls that binary), varied by `seed`.
    static func binary(_ count: Int, seed: UInt8) -> Data {
        Data((0..<count).map { i in i % 7 == 0 ? 0 : UInt8(truncatingIfNeeded: i &* 31 &+ Int(seed)) })
    }

    final class History: @unchecked Sendable {
        let dir: TemporaryDirectory
        let work: URL
        let bare: URL

        init() throws {
            dir = try TemporaryDirectory("path-changes")
            work = dir.appending("work")
            bare = dir.appending("up.git")
            try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
            try git(["init", "--quiet", "-b", "main"], in: work)
        }

        func write(_ path: String, _ data: Data) throws {
            let url = work.appendingPathComponent(path)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try data.write(to: url)
        }

        @discardableResult
        func commit(_ message: String) throws -> String {
            try git(["add", "-A"], in: work)
            try git(["commit", "--quiet", "-m", message], in: work)
            return try git(["rev-parse", "HEAD"], in: work).trimmingCharacters(in: .whitespacesAndNewlines)
        }

        func cli(_ args: [String]) throws -> [String] {
            try git(["--git-dir", bare.path] + args).split(separator: "\n").map(String.init)
        }

        /// naughty-commits.sh's answer: (commit, file) for binary *.tar* files over 2 whole MiB.
        func scriptAnswer(_ range: String) throws -> Set<[String]> {
            var out: Set<[String]> = []
            for commit in try cli(["log", "--diff-filter=DMT", "--format=format:%H", range, "--", "**.tar**"]) {
                let numstat = try cli([
                    "diff-tree", "--no-commit-id", "-r", "--numstat", "--diff-filter=DMT", commit, "--", "**.tar**",
                ])
                for line in numstat where line.hasPrefix("-") {
                    let file = line.split(separator: "\t", maxSplits: 2).map(String.init)[2]
                    let listing = try cli(["ls-tree", "-r", "--long", commit, "--", file]).first ?? ""
                    let size =
                        Int(listing.split(whereSeparator: { $0 == " " || $0 == "\t" }).dropFirst(3).first ?? "") ?? 0
                    if size / mib > 2 { out.insert([commit, file]) }
                }
            }
            return out
        }
    }

    @Test func naughtyCommits_pathChangesAgreeWithTheScriptsGitPipeline() async throws {
        let h = try await offPool { () throws -> History in
            let h = try History()
            try h.write("a.tar.gz", Self.binary(3 * Self.mib, seed: 1))
            try h.write("README", Data("hi\n".utf8))
            try h.commit("add a")
            try h.write("a.tar.gz", Self.binary(3 * Self.mib, seed: 2))
            try h.commit("modify a: 3 MiB binary")  // naughty
            try h.write("small.tar", Self.binary(3 * Self.mib - 1, seed: 3))
            try h.commit("add small")
            try h.write("small.tar", Self.binary(3 * Self.mib - 1, seed: 4))
            try h.commit("modify small: under 3 MiB")  // 2 "MB" by the script's arithmetic: fine
            try h.write("text.tar", Data(repeating: 0x41, count: 4 * Self.mib))
            try h.commit("add text")
            try h.write("text.tar", Data(repeating: 0x42, count: 4 * Self.mib))
            try h.commit("modify text: no NUL, not binary")
            try h.write("dir/big.tar.xz", Self.binary(4 * Self.mib, seed: 5))
            try h.commit("add big")
            try git(["checkout", "--quiet", "-b", "side"], in: h.work)
            try h.write("dir/big.tar.xz", Self.binary(4 * Self.mib, seed: 6))
            try h.commit("side: modify big")  // naughty, reached through the merge
            try git(["checkout", "--quiet", "main"], in: h.work)
            try h.write("README", Data("main\n".utf8))
            try h.commit("main: readme")
            try git(["merge", "--quiet", "--no-ff", "-m", "merge side", "side"], in: h.work)
            try FileManager.default.removeItem(at: h.work.appendingPathComponent("a.tar.gz"))
            try h.commit("delete a")  // D: no size at the commit, fine
            try FileManager.default.removeItem(at: h.work.appendingPathComponent("small.tar"))
            try FileManager.default.createSymbolicLink(
                atPath: h.work.appendingPathComponent("small.tar").path, withDestinationPath: "dir/big.tar.xz")
            try h.commit("small becomes a symlink")  // T: small
            try git(["clone", "--quiet", "--bare", h.work.path, h.bare.path])
            return h
        }
        let mirror = Mirror(directory: h.bare, url: "up.git")
        let tip = try h.cli(["rev-parse", "main"])[0]
        let walk = try await mirror.pathChanges(containing: ".tar", from: nil, to: tip, limit: 1000)
        #expect(!walk.truncated)
        func naughty(_ w: PathChangeWalk) -> Set<[String]> {
            Set(w.changes.filter { $0.isBinary && $0.size / Self.mib > 2 }.map { [$0.commit.hex, $0.path] })
        }
        let expected = try h.scriptAnswer(tip)
        #expect(naughty(walk) == expected)
        #expect(expected.count == 2)
        let summaries = Set(walk.changes.filter { $0.isBinary && $0.size / Self.mib > 2 }.map(\.summary))
        #expect(summaries == ["modify a: 3 MiB binary", "side: modify big"])
        // What the walk saw besides: the text file is not binary, the deletion has no size, the symlink is a type change.
        #expect(walk.changes.contains { $0.path == "text.tar" && !$0.isBinary && $0.status == .modified })
        #expect(walk.changes.contains { $0.path == "a.tar.gz" && $0.status == .deleted && $0.size == 0 })
        #expect(walk.changes.contains { $0.path == "small.tar" && $0.status == .typeChanged })

        // A range: from the merge back to "add big" leaves out "modify a".
        let addBig = try h.cli(["log", "--format=%H", "--grep=^add big$", "main"])[0]
        let ranged = try await mirror.pathChanges(containing: ".tar", from: addBig, to: tip, limit: 1000)
        #expect(naughty(ranged) == (try h.scriptAnswer("\(addBig)..\(tip)")))
        #expect(naughty(ranged).map { $0[1] } == ["dir/big.tar.xz"])

        // The bound: two commits visited, then it says it stopped.
        let bounded = try await mirror.pathChanges(containing: ".tar", from: nil, to: tip, limit: 2)
        #expect(bounded.truncated && bounded.visited == 2)
    }
}
