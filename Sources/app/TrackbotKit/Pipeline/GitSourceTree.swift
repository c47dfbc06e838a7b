import Foundation
import GitMirror
import TrackbotCore
import Verification

/// An upstream directory read straight from a git mirror at one commit, never checked out. It
/// reads through one `CommitTree` (the mirror opened once, the commit resolved once), so it only
/// exists inside one blocking job: `GitSourceTree.with(mirror:commit:)` runs the whole
/// verification there, synchronously, without waiting on any other job.
struct GitSourceTree: SourceTree {
    let commitTree: CommitTree
    /// The commit as named by the caller, for messages.
    let commit: String
    /// Largest file `read` accepts (as `LocalSourceTree`); larger files must be streamed with `open`.
    var readLimit = 64 << 20

    var displayName: String { "\(commitTree.url)#\(commit)" }

    /// Opens `mirror` at `commit` once and runs `body` over it, as one job on the blocking pool.
    static func with<T: Sendable>(
        mirror: Mirror, commit: String, on pool: BlockingPool = .shared,
        _ body: @escaping @Sendable (GitSourceTree) throws -> T
    ) async throws -> T {
        try await mirror.withCommit(commit, on: pool) { tree in
            try body(GitSourceTree(commitTree: tree, commit: commit))
        }
    }

    func read(_ path: String) throws -> [UInt8]? {
        guard try kind(of: path) == .file else { return nil }
        let blob = try commitTree.openBlob(path)
        // Sized before anything is inflated: a huge Dockerfile or index.json is refused, not held.
        guard blob.size <= readLimit else {
            throw VerificationError.tooLarge(path: path, size: UInt64(blob.size), limit: UInt64(readLimit))
        }
        var bytes = [UInt8](repeating: 0, count: blob.size)
        var filled = 0
        try bytes.withUnsafeMutableBytes { raw in
            while filled < raw.count {
                let n = try blob.read(into: UnsafeMutableRawBufferPointer(rebasing: raw[filled...]))
                if n == 0 { break }
                filled += n
            }
        }
        return bytes
    }

    func open(_ path: String) throws -> any ByteStream {
        GitBlobStream(try commitTree.openBlob(path))
    }

    func list(_ directory: String) throws -> [Verification.TreeEntry] {
        let dir = TreePath.clean(directory)
        let entries = try commitTree.tree(dir.isEmpty ? "." : dir)
        return entries.map { e in
            let kind: TreeEntryKind =
                e.kind == .tree ? .directory : e.kind == .blob ? (e.mode == "120000" ? .symlink : .file) : .other
            return Verification.TreeEntry(name: e.name, path: TreePath.join(dir, e.name), kind: kind)
        }
    }
}

/// A blob of a mirror as a `ByteStream`: chunks straight from libgit2, no copy of the whole blob.
final class GitBlobStream: ByteStream {
    let blob: BlobReader

    init(_ blob: BlobReader) { self.blob = blob }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int { try blob.read(into: buffer) }
}
