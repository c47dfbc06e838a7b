import CGit2
import Foundation
import TrackbotCore

/// One commit of a mirror, opened for synchronous reading: the repository is opened once and the
/// commit resolved once, then trees and blobs are read directly, as many as needed. For work that
/// reads many files at one commit in one blocking job (verification of an upstream directory).
/// Not Sendable: it lives inside one `Mirror.withCommit` job, on that job's thread, and the
/// repository is closed when the job ends (and the last `BlobReader` from it is gone).
public final class CommitTree {
    private let reader: MirrorReader
    /// The resolved commit.
    public let commit: ObjectID
    /// The mirror's URL (no credentials), for messages.
    public var url: String { reader.url }

    /// Opens `mirror` and resolves `revision`; blocking (call it inside a pool job).
    init(mirror: Mirror, revision: String) throws(MirrorError) {
        reader = MirrorReader(repository: try Repository(openBare: mirror.directory), url: mirror.url)
        commit = try reader.resolve(revision)
    }

    /// The entries of the directory at `path` (`""` or `"."` for the root), in git's order (by name).
    public func tree(_ path: String) throws(MirrorError) -> [TreeEntry] {
        try reader.tree(path, at: commit)
    }

    /// Opens the file at `path` for reading in chunks. It shares this tree's repository: read it
    /// on the same thread, within the same job.
    public func openBlob(_ path: String) throws(MirrorError) -> BlobReader {
        guard let found = try reader.entry(path, at: commit) else {
            throw .pathNotFound(mirror: reader.url, commit: commit.hex, path: path)
        }
        guard found.kind == .blob else {
            throw .wrongObjectType(
                mirror: reader.url, commit: commit.hex, path: path, expected: "file", actual: found.kind.rawValue)
        }
        return try BlobReader(repository: reader.repository, id: found.id, name: "\(commit.hex):\(path)")
    }
}

extension Mirror {
    /// Opens the mirror once, resolves `revision`, and runs `body` with that commit as one job on
    /// the blocking pool. `body` is synchronous and must not wait for other pool jobs (see
    /// `BlockingPool`); nothing read from the tree may leave it.
    public func withCommit<T: Sendable>(
        _ revision: String, on pool: BlockingPool = .shared,
        _ body: @escaping @Sendable (CommitTree) throws -> T
    ) async throws -> T {
        let mirror = self
        return try await pool.run {
            try body(try CommitTree(mirror: mirror, revision: revision))
        }
    }
}
