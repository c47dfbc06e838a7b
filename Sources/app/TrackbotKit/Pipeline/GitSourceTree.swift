import Foundation
import GitMirror
import Verification

/// An upstream directory read straight from a git mirror at one commit, never checked out.
struct GitSourceTree: SourceTree {
    let mirror: Mirror
    let commit: String

    var displayName: String { "\(mirror.url)#\(commit)" }

    func read(_ path: String) throws -> [UInt8]? {
        guard try kind(of: path) == .file else { return nil }
        let mirror = mirror, commit = commit
        return [UInt8](try waitFor { try await mirror.blob(path, at: commit) })
    }

    func open(_ path: String) throws -> any ByteStream {
        let mirror = mirror, commit = commit
        // libgit2 inflates a blob in memory in one piece, so the stream is served from that copy.
        return MemoryStream([UInt8](try waitFor { try await mirror.blob(path, at: commit) }))
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
