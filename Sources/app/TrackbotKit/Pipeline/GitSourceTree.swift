import Foundation
import GitMirror
import Verification

/// An upstream directory read straight from a git mirror at one commit, never checked out.
/// Called synchronously from the Verifier's dedicated thread.
struct GitSourceTree: SourceTree {
    let mirror: Mirror
    let commit: String
    /// Largest file `read` accepts (as `LocalSourceTree`); larger files must be streamed with `open`.
    var readLimit = 64 << 20

    var displayName: String { "\(mirror.url)#\(commit)" }

    func read(_ path: String) throws -> [UInt8]? {
        guard try kind(of: path) == .file else { return nil }
        let blob = try mirror.openBlob(path, at: commit)
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
        GitBlobStream(try mirror.openBlob(path, at: commit))
    }

    func list(_ directory: String) throws -> [Verification.TreeEntry] {
        let mirror = mirror, commit = commit
        let dir = TreePath.clean(directory)
        let entries = try waitFor { try await mirror.tree(dir.isEmpty ? "." : dir, at: commit) }
        return entries.map { e in
            let kind: TreeEntryKind = e.kind == .tree ? .directory : e.kind == .blob ? (e.mode == "120000" ? .symlink : .file) : .other
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
