import Foundation
import TestSupport
import Testing
import TrackbotCore

@testable import GitMirror

/// Big files read from a mirror in chunks: a loose object is inflated as it is read, a packed one
/// is served from libgit2's single copy. Memory is measured by scripts/bench.d/bombs, not here.
@Suite struct BlobStreamTests {
    /// A repository whose one commit holds `big.bin` (3 MiB of varied bytes) and `small.txt`.
    func repository(_ temp: TemporaryDirectory) throws -> (dir: URL, commit: String, big: Data) {
        let dir = temp.appending("repo")
        var big = Data(capacity: 3 << 20)
        var x: UInt32 = 2_463_534_242
        for _ in 0..<(3 << 20) {
            x ^= x << 13
            x ^= x >> 17
            x ^= x << 5
            big.append(UInt8(truncatingIfNeeded: x))
        }
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try git(["init", "--quiet", "-b", "main"], in: dir)
        try big.write(to: dir.appendingPathComponent("big.bin"))
        try "small\n".write(to: dir.appendingPathComponent("small.txt"), atomically: true, encoding: .utf8)
        try git(["add", "-A"], in: dir)
        try git(["-c", "user.name=t", "-c", "user.email=t@t", "commit", "--quiet", "-m", "big"], in: dir)
        return (dir, try git(["rev-parse", "HEAD"], in: dir).trimmingCharacters(in: .whitespacesAndNewlines), big)
    }

    func readAll(_ blob: BlobReader, chunk: Int) throws -> (Data, Int) {
        var out = Data()
        var reads = 0
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunk, alignment: 8)
        defer { buffer.deallocate() }
        while true {
            let n = try blob.read(into: buffer)
            if n == 0 { return (out, reads) }
            #expect(n <= chunk)
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
            reads += 1
        }
    }

    @Test func aLooseBlobIsStreamedAndAPackedOneIsReadInPlace() throws {
        let temp = try TemporaryDirectory("blob-stream")
        let (dir, commit, big) = try repository(temp)
        let mirror = Mirror(directory: dir.appendingPathComponent(".git"), url: "test://repo")

        let loose = try CommitTree(mirror: mirror, revision: commit).openBlob("big.bin")
        #expect(loose.isStreamed, "a loose object is read through git_odb_open_rstream")
        #expect(loose.size == big.count)
        let (looseBytes, looseReads) = try readAll(loose, chunk: 64 << 10)
        #expect(looseBytes == big)
        #expect(looseReads >= 48)

        try git(["repack", "-a", "-d", "-q"], in: dir)
        try git(["prune-packed"], in: dir)
        let tree = try CommitTree(mirror: mirror, revision: commit)
        let packed = try tree.openBlob("big.bin")
        #expect(!packed.isStreamed, "libgit2 1.5 cannot stream a packed object")
        let (packedBytes, _) = try readAll(packed, chunk: 64 << 10)
        #expect(packedBytes == big)
        #expect(try readAll(try tree.openBlob("small.txt"), chunk: 4).0 == Data("small\n".utf8))
    }

    @Test func pathsThatAreNotFilesAreRefused() throws {
        let temp = try TemporaryDirectory("blob-stream-errors")
        let (dir, commit, _) = try repository(temp)
        let mirror = Mirror(directory: dir.appendingPathComponent(".git"), url: "test://repo")
        let tree = try CommitTree(mirror: mirror, revision: commit)
        #expect(throws: MirrorError.pathNotFound(mirror: "test://repo", commit: commit, path: "nope")) {
            _ = try tree.openBlob("nope")
        }
        #expect(
            throws: MirrorError.wrongObjectType(
                mirror: "test://repo", commit: commit, path: ".", expected: "file", actual: "tree")
        ) {
            _ = try tree.openBlob(".")
        }
    }
}
