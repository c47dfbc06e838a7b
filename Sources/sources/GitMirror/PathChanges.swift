import CGit2
import Foundation
import TrackbotCore

/// A file a commit modified, deleted or changed the type of (against its one parent), as
/// `git diff-tree -r --diff-filter=DMT` lists it, with what `--numstat` and `ls-tree --long` say.
public struct PathChange: Sendable, Hashable, Codable {
    public enum Status: String, Sendable, Hashable, Codable {
        case modified, deleted, typeChanged = "type-changed"
    }

    public var commit: ObjectID
    /// The first line of the commit's message.
    public var summary: String
    public var path: String
    public var status: Status
    /// git's binary test on either side: a NUL byte in the first 8,000 bytes (what makes
    /// `--numstat` print `-`).
    public var isBinary: Bool
    /// The file's size at the commit (0 when the commit deleted it or it is no longer a file):
    /// what `git ls-tree -r --long COMMIT -- PATH` shows.
    public var size: Int
}

/// What a walk of history for path changes saw.
public struct PathChangeWalk: Sendable, Hashable, Codable {
    public var changes: [PathChange]
    /// Commits looked at.
    public var visited: Int
    /// True when the walk stopped at its limit before the end of the range.
    public var truncated: Bool
}

extension Mirror {
    /// The commits in `old..new` (all of `new`'s history when `old` is nil), newest first, that
    /// modify, delete or change the type of a file whose path contains `fragment` (`.tar` for
    /// `git log -- '**.tar**'`, whose `*` crosses `/`). Merges and root commits add nothing (as
    /// `git diff-tree` without `-m`/`--root`); history is simplified as `git log -- PATHSPEC` does
    /// (a commit with a parent unchanged at those paths follows only that parent). At most
    /// `limit` commits are visited.
    public func pathChanges(containing fragment: String, from old: String?, to new: String, limit: Int) async throws
        -> PathChangeWalk
    {
        try await readRepository { r in
            try r.pathChanges(
                containing: fragment, from: try old.map { try r.resolve($0) }, to: try r.resolve(new), limit: limit)
        }
    }

    fileprivate func readRepository<T: Sendable>(_ body: @escaping @Sendable (MirrorReader) throws -> T) async throws
        -> T
    {
        let directory = directory, url = url
        return try await runBlocking("trackbot.git.path-changes") {
            try body(MirrorReader(repository: try Repository(openBare: directory), url: url))
        }
    }
}

/// git's binary-file test (`buffer_is_binary`): a NUL within the first 8,000 bytes.
let binarySniffLength = 8000

extension ObjectID {
    /// All zeros: the side of a diff that does not exist.
    var isZero: Bool { hex.allSatisfy { $0 == "0" } }
}

extension MirrorReader {
    fileprivate struct Delta {
        var path: String
        var status: git_delta_t
        var oldID: ObjectID
        var newID: ObjectID
        var newMode: UInt32
    }

    func pathChanges(containing fragment: String, from old: ObjectID?, to new: ObjectID, limit: Int) throws(MirrorError)
        -> PathChangeWalk
    {
        var hidden: Set<ObjectID> = []
        if let old { hidden = try commitRange(from: nil, to: old) }
        var queue: [CommitInfo] = [try commitInfo(new)]
        var queued: Set<ObjectID> = [new]
        var changes: [PathChange] = []
        var visited = 0
        while !queue.isEmpty {
            if visited >= limit { return PathChangeWalk(changes: changes, visited: visited, truncated: true) }
            // Newest first, as git's date-ordered walk.
            let index = queue.indices.max {
                queue[$0].time < queue[$1].time || (queue[$0].time == queue[$1].time && $0 > $1)
            }!
            let commit = queue.remove(at: index)
            visited += 1
            var follow = commit.parents
            var perParent: [[Delta]] = []
            for parent in commit.parents {
                let deltas = try diff(parent, commit.id).filter { $0.path.contains(fragment) }
                if deltas.isEmpty {
                    follow = [parent]  // unchanged at these paths against this parent
                    perParent = []
                    break
                }
                perParent.append(deltas)
            }
            if commit.parents.count == 1, let deltas = perParent.first {
                for delta in deltas {
                    guard let status = Self.status(delta.status) else { continue }
                    var isBinary = try isBinaryBlob(delta.oldID)
                    if !isBinary { isBinary = try isBinaryBlob(delta.newID) }
                    var size = 0
                    if status != .deleted && Self.isFileMode(delta.newMode) { size = try blobSize(delta.newID) }
                    changes.append(
                        PathChange(
                            commit: commit.id, summary: commit.summary, path: delta.path, status: status,
                            isBinary: isBinary, size: size))
                }
            }
            for parent in follow where !hidden.contains(parent) && !queued.contains(parent) {
                queued.insert(parent)
                queue.append(try commitInfo(parent))
            }
        }
        return PathChangeWalk(changes: changes, visited: visited, truncated: false)
    }

    private static func status(_ status: git_delta_t) -> PathChange.Status? {
        switch status {
        case GIT_DELTA_MODIFIED: return .modified
        case GIT_DELTA_DELETED: return .deleted
        case GIT_DELTA_TYPECHANGE: return .typeChanged
        default: return nil
        }
    }

    /// Regular files and symlinks have a size in `ls-tree --long`; submodules do not.
    private static func isFileMode(_ mode: UInt32) -> Bool {
        mode == GIT_FILEMODE_BLOB.rawValue || mode == GIT_FILEMODE_BLOB_EXECUTABLE.rawValue
            || mode == GIT_FILEMODE_LINK.rawValue
    }

    /// The tree-to-tree diff of two commits, recursive, type changes as such, no renames.
    private func diff(_ from: ObjectID, _ to: ObjectID) throws(MirrorError) -> [Delta] {
        let a = try rootTree(from)
        defer { git_tree_free(a) }
        let b = try rootTree(to)
        defer { git_tree_free(b) }
        var options = git_diff_options()
        var code = git_diff_options_init(&options, UInt32(GIT_DIFF_OPTIONS_VERSION))
        guard code == 0 else { throw repository.fail("initialise diff options", code) }
        options.flags |= GIT_DIFF_INCLUDE_TYPECHANGE.rawValue
        var diff: OpaquePointer?
        code = git_diff_tree_to_tree(&diff, repository.pointer, a, b, &options)
        guard code == 0, let diff else { throw repository.fail("diff \(from) and \(to)", code) }
        defer { git_diff_free(diff) }
        var out: [Delta] = []
        for i in 0..<git_diff_num_deltas(diff) {
            guard let d = git_diff_get_delta(diff, i)?.pointee else { continue }
            let path = d.new_file.path ?? d.old_file.path
            out.append(
                Delta(
                    path: path.map { String(cString: $0) } ?? "", status: d.status,
                    oldID: ObjectID(d.old_file.id), newID: ObjectID(d.new_file.id), newMode: UInt32(d.new_file.mode)))
        }
        return out
    }

    /// A blob's size from its header (not inflated); 0 for the zero id.
    private func blobSize(_ id: ObjectID) throws(MirrorError) -> Int {
        guard !id.isZero else { return 0 }
        var odb: OpaquePointer?
        var code = git_repository_odb(&odb, repository.pointer)
        guard code == 0, let odb else { throw repository.fail("open the object database", code) }
        defer { git_odb_free(odb) }
        var size = 0
        var type = GIT_OBJECT_ANY
        var oid = id.gitOID
        code = git_odb_read_header(&size, &type, odb, &oid)
        guard code == 0 else { throw repository.fail("read the header of blob \(id)", code) }
        return size
    }

    /// git's test; the zero id (no such side) and non-blobs (submodules) are not binary.
    private func isBinaryBlob(_ id: ObjectID) throws(MirrorError) -> Bool {
        guard !id.isZero, repository.contains(id) else { return false }
        var oid = id.gitOID
        var blob: OpaquePointer?
        let code = git_blob_lookup(&blob, repository.pointer, &oid)
        guard code == 0, let blob else { return false }
        defer { git_blob_free(blob) }
        let count = min(Int(git_blob_rawsize(blob)), binarySniffLength)
        guard count > 0, let bytes = git_blob_rawcontent(blob) else { return false }
        return memchr(bytes, 0, count) != nil
    }
}
