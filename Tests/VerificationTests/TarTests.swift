import Foundation
import TestSupport
import Testing
import TrackbotCore

@testable import Verification

@Suite struct TarTests {
    let tmp: TemporaryDirectory
    init() throws { tmp = try TemporaryDirectory("verify-tar") }

    func list(_ url: URL) throws -> TarListing {
        try TarReader.list(try FileStream(path: url.path), path: url.lastPathComponent)
    }

    /// A tree with a long name, a long link target, a hard link, a fifo and odd owners.
    func makeTree() throws -> (root: URL, longName: String, longTarget: String) {
        let root = tmp.appending("tree")
        let longDir = String(repeating: "d", count: 90) + "/" + String(repeating: "e", count: 90)
        let longName = longDir + "/" + String(repeating: "f", count: 120) + ".txt"
        try FileManager.default.createDirectory(
            at: root.appendingPathComponent(longDir), withIntermediateDirectories: true)
        try "long named content\n".write(to: root.appendingPathComponent(longName), atomically: true, encoding: .utf8)
        try "short\n".write(to: root.appendingPathComponent("short.txt"), atomically: true, encoding: .utf8)
        let longTarget = "../" + String(repeating: "t", count: 150)
        try FileManager.default.createSymbolicLink(
            atPath: root.appendingPathComponent("link").path, withDestinationPath: longTarget)
        try FileManager.default.linkItem(
            at: root.appendingPathComponent("short.txt"), to: root.appendingPathComponent("hard.txt"))
        try runTool("mkfifo", [root.appendingPathComponent("pipe").path])
        try runTool("chmod", ["4755", root.appendingPathComponent("short.txt").path])
        return (root, longName, longTarget)
    }

    @Test(arguments: ["gnu", "pax", "ustar"])
    func longNamesOwnersAndTypes(format: String) throws {
        let (root, longName, longTarget) = try makeTree()
        let archive = tmp.appending("t-\(format).tar")
        let result = Result {
            try runTool(
                "tar",
                [
                    "--format=\(format)", "--owner=1234", "--group=5678", "--sort=name",
                    "-cf", archive.path, "-C", root.path, ".",
                ])
        }
        if format == "ustar" {
            // ustar cannot hold a 150-character link target: tar refuses, as expected.
            #expect(throws: (any Error).self) { _ = try result.get() }
            return
        }
        _ = try result.get()
        let listing = try list(archive)
        let byPath = Dictionary(listing.entries.map { ($0.path, $0) }, uniquingKeysWith: { $1 })
        let long = try #require(byPath[longName])
        #expect(long.kind == .file && long.size == 19 && long.uid == 1234 && long.gid == 5678)
        #expect(long.sha256 == (try VerificationFixtures.sha256sum(root.appendingPathComponent(longName))))
        #expect(byPath["link"]?.kind == .symlink && byPath["link"]?.linkTarget == longTarget)
        #expect(byPath["short.txt"]?.mode == 0o4755)
        #expect(
            byPath["hard.txt"].map { $0.kind == .hardlink && $0.linkTarget == "short.txt" } ?? false
                || byPath["short.txt"].map { $0.kind == .hardlink && $0.linkTarget == "hard.txt" } ?? false)
        #expect(byPath["pipe"]?.kind == .fifo)
        #expect(byPath["."]?.kind == .directory)
        // The setuid file and the link climbing out with `../` are the tree's only unsafe entries.
        #expect(
            Set(listing.unsafeEntries.compactMap(\.unsafe)) == [
                "setuid file", "symbolic link climbing out of the root",
            ])
        // Every path tar lists, in the same order.
        let tarPaths = try runTool("tar", ["-tf", archive.path]).split(separator: "\n").map {
            TarReader.cleanEntryPath(String($0)).0
        }
        #expect(listing.entries.map(\.path) == tarPaths)
    }

    @Test func unsafeEntriesAreReported() throws {
        let dir = tmp.appending("unsafe/a/b")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try "x\n".write(to: tmp.appending("unsafe/escape.txt"), atomically: true, encoding: .utf8)
        let archive = tmp.appending("unsafe.tar.gz")
        // -P keeps leading / and .. as written.
        try runTool(
            "tar",
            [
                "-P", "-czf", archive.path, "-C", dir.path, "../../escape.txt", tmp.appending("unsafe/escape.txt").path,
                ".",
            ])
        let listing = try list(archive)
        let unsafe = listing.unsafeEntries
        #expect(unsafe.count == 2)
        #expect(unsafe.map(\.unsafe) == ["climbs out of the root with ..", "absolute path"])
        #expect(unsafe.first?.path == "../../escape.txt")
        #expect(unsafe.last?.path == String(tmp.appending("unsafe/escape.txt").path.dropFirst()))
    }

    @Test func comparingListingsReportsAddedRemovedChanged() throws {
        let a = tmp.appending("cmp-a"), b = tmp.appending("cmp-b")
        for d in [a, b] {
            try FileManager.default.createDirectory(
                at: d.appendingPathComponent("etc"), withIntermediateDirectories: true)
            try "same\n".write(to: d.appendingPathComponent("etc/same"), atomically: true, encoding: .utf8)
        }
        try "old\n".write(to: a.appendingPathComponent("etc/changed"), atomically: true, encoding: .utf8)
        try "new content\n".write(to: b.appendingPathComponent("etc/changed"), atomically: true, encoding: .utf8)
        try "gone\n".write(to: a.appendingPathComponent("etc/removed"), atomically: true, encoding: .utf8)
        try "here\n".write(to: b.appendingPathComponent("etc/added"), atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(at: b.appendingPathComponent("var"), withIntermediateDirectories: true)
        try "".write(to: b.appendingPathComponent("var/.wh.cache"), atomically: true, encoding: .utf8)
        let ta = tmp.appending("a.tar.xz"), tb = tmp.appending("b.tar.zst")
        try runTool("tar", ["--owner=0", "--group=0", "-cJf", ta.path, "-C", a.path, "."])
        try runTool("tar", ["--owner=0", "--group=0", "--zstd", "-cf", tb.path, "-C", b.path, "."])
        let diff = try list(ta).compare(with: try list(tb), ignoring: [])
        #expect(diff.added.map(\.path).sorted() == ["etc/added", "var", "var/.wh.cache"])
        #expect(diff.removed.map(\.path) == ["etc/removed"])
        #expect(diff.changed.map(\.path) == ["etc/changed"])
        #expect(diff.changed.first?.fields == [.size, .sha256])
        #expect(diff.added.filter(\.isWhiteout).map(\.path) == ["var/.wh.cache"])
        #expect(try list(ta).compare(with: try list(ta)).isEmpty)
    }

    @Test func garbageIsNotATar() throws {
        let url = tmp.appending("junk.tar")
        try Data(repeating: 0x41, count: 2048).write(to: url)
        #expect(throws: VerificationError.self) { _ = try list(url) }
    }
}
