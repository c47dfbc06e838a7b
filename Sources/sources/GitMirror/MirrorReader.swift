import CGit2
import Foundation

/// The libgit2 side of `Mirror`: one repository handle, used on one thread.
final class MirrorReader {
    let repository: Repository
    let url: String

    init(repository: Repository, url: String) {
        self.repository = repository
        self.url = url
    }

    private var pointer: OpaquePointer { repository.pointer }

    func resolve(_ revision: String) throws(MirrorError) -> ObjectID {
        if let id = ObjectID(revision) {
            guard repository.contains(id) else {
                throw .revisionNotFound(
                    mirror: url, revision: revision, message: "the mirror does not have this object")
            }
            return try peel(id, revision: revision)
        }
        var object: OpaquePointer?
        let code = git_revparse_single(&object, pointer, revision)
        guard code == 0, let object else {
            throw .revisionNotFound(mirror: url, revision: revision, message: lastGitError(code))
        }
        defer { git_object_free(object) }
        return try peel(ObjectID(git_object_id(object).pointee), revision: revision)
    }

    private func peel(_ id: ObjectID, revision: String) throws(MirrorError) -> ObjectID {
        do { return try repository.peelToCommit(id) } catch {
            throw .revisionNotFound(mirror: url, revision: revision, message: "it is not a commit (\(error))")
        }
    }

    /// The tree entry at `commit:path` as (id, type, mode); nil when the path does not exist.
    func entry(_ path: String, at commit: ObjectID) throws(MirrorError) -> (
        id: ObjectID, kind: TreeEntry.Kind, mode: UInt32
    )? {
        let tree = try rootTree(commit)
        defer { git_tree_free(tree) }
        let clean = Self.clean(path)
        if clean.isEmpty { return (ObjectID(git_tree_id(tree).pointee), .tree, 0o040000) }
        var entry: OpaquePointer?
        let code = git_tree_entry_bypath(&entry, tree, clean)
        if code == GIT_ENOTFOUND.rawValue { return nil }
        guard code == 0, let entry else { throw repository.fail("read \(commit):\(clean)", code) }
        defer { git_tree_entry_free(entry) }
        return (
            ObjectID(git_tree_entry_id(entry).pointee), Self.kind(git_tree_entry_type(entry)),
            git_tree_entry_filemode(entry).rawValue
        )
    }

    func blob(_ path: String, at commit: ObjectID) throws(MirrorError) -> Data {
        try withBlob(path, at: commit) { bytes in Data(bytes) }
    }

    /// The size of the file at `commit:path`, from the object's header: the content is not
    /// inflated (so an oversized file can be refused before it costs memory).
    func blobSize(_ path: String, at commit: ObjectID) throws(MirrorError) -> Int {
        guard let found = try entry(path, at: commit) else {
            throw .pathNotFound(mirror: url, commit: commit.hex, path: path)
        }
        guard found.kind == .blob else {
            throw .wrongObjectType(
                mirror: url, commit: commit.hex, path: path, expected: "file", actual: found.kind.rawValue)
        }
        var odb: OpaquePointer?
        var code = git_repository_odb(&odb, pointer)
        guard code == 0, let odb else { throw repository.fail("open the object database", code) }
        defer { git_odb_free(odb) }
        var size = 0
        var type = GIT_OBJECT_ANY
        var oid = found.id.gitOID
        code = git_odb_read_header(&size, &type, odb, &oid)
        guard code == 0 else { throw repository.fail("read the header of blob \(found.id) (\(path))", code) }
        return size
    }

    func streamBlob(
        _ path: String, at commit: ObjectID, chunkSize: Int,
        sink: (UnsafeRawBufferPointer) throws -> Void
    ) throws(MirrorError) -> Int {
        try withBlob(path, at: commit) { (bytes) throws(MirrorError) -> Int in
            var offset = 0
            while offset < bytes.count {
                let end = min(bytes.count, offset + chunkSize)
                do { try sink(UnsafeRawBufferPointer(rebasing: bytes[offset..<end])) } catch {
                    throw .sinkFailed(path: "\(commit):\(path)", message: "\(error)")
                }
                offset = end
            }
            return bytes.count
        }
    }

    private func withBlob<T>(
        _ path: String, at commit: ObjectID,
        _ body: (UnsafeRawBufferPointer) throws(MirrorError) -> T
    ) throws(MirrorError) -> T {
        guard let found = try entry(path, at: commit) else {
            throw .pathNotFound(mirror: url, commit: commit.hex, path: path)
        }
        guard found.kind == .blob else {
            throw .wrongObjectType(
                mirror: url, commit: commit.hex, path: path, expected: "file", actual: found.kind.rawValue)
        }
        var oid = found.id.gitOID
        var blob: OpaquePointer?
        let code = git_blob_lookup(&blob, pointer, &oid)
        guard code == 0, let blob else { throw repository.fail("read blob \(found.id) (\(path))", code) }
        defer { git_blob_free(blob) }
        let size = Int(git_blob_rawsize(blob))
        return try body(UnsafeRawBufferPointer(start: git_blob_rawcontent(blob), count: size))
    }

    func tree(_ path: String, at commit: ObjectID) throws(MirrorError) -> [TreeEntry] {
        guard let found = try entry(path, at: commit) else {
            throw .pathNotFound(mirror: url, commit: commit.hex, path: path)
        }
        guard found.kind == .tree else {
            throw .wrongObjectType(
                mirror: url, commit: commit.hex, path: path, expected: "directory", actual: found.kind.rawValue)
        }
        var oid = found.id.gitOID
        var tree: OpaquePointer?
        let code = git_tree_lookup(&tree, pointer, &oid)
        guard code == 0, let tree else { throw repository.fail("read tree \(found.id) (\(path))", code) }
        defer { git_tree_free(tree) }
        let prefix = Self.clean(path)
        var entries: [TreeEntry] = []
        for i in 0..<git_tree_entrycount(tree) {
            guard let e = git_tree_entry_byindex(tree, i) else { continue }
            let name = String(cString: git_tree_entry_name(e))
            entries.append(
                TreeEntry(
                    name: name, path: prefix.isEmpty ? name : prefix + "/" + name,
                    mode: String(git_tree_entry_filemode(e).rawValue, radix: 8).leftPadded(to: 6),
                    kind: Self.kind(git_tree_entry_type(e)),
                    id: ObjectID(git_tree_entry_id(e).pointee)))
        }
        return entries
    }

    func commitInfo(_ id: ObjectID) throws(MirrorError) -> CommitInfo {
        var oid = id.gitOID
        var commit: OpaquePointer?
        let code = git_commit_lookup(&commit, pointer, &oid)
        guard code == 0, let commit else { throw repository.fail("read commit \(id)", code) }
        defer { git_commit_free(commit) }
        let parents = (0..<git_commit_parentcount(commit)).compactMap { i in
            git_commit_parent_id(commit, i).map { ObjectID($0.pointee) }
        }
        let summary = git_commit_summary(commit).map { String(cString: $0) } ?? ""
        let author = git_commit_author(commit).flatMap { $0.pointee.name }.map { String(cString: $0) } ?? ""
        return CommitInfo(
            id: id, parents: parents, summary: summary, author: author, time: Int64(git_commit_time(commit)))
    }

    /// `git log old..new -- path`: walks `new`'s history by commit date, compares the id of the
    /// path's entry (blob or tree) with each parent's instead of diffing trees, and simplifies
    /// merges as git does by default (a merge that equals one parent at `path` follows only that
    /// parent and is not shown).
    func commits(touching path: String, from old: ObjectID?, to new: ObjectID) throws(MirrorError) -> [CommitInfo] {
        let clean = Self.clean(path)
        let range = try commitRange(from: old, to: new)
        var entryCache: [ObjectID: ObjectID?] = [:]
        func pathID(_ commit: ObjectID) throws(MirrorError) -> ObjectID? {
            if let cached = entryCache[commit] { return cached }
            let id = try entry(clean, at: commit)?.id
            entryCache[commit] = .some(id)
            return id
        }
        var infos: [ObjectID: CommitInfo] = [:]
        func info(_ id: ObjectID) throws(MirrorError) -> CommitInfo {
            if let known = infos[id] { return known }
            let loaded = try commitInfo(id)
            infos[id] = loaded
            return loaded
        }
        var queue: [CommitInfo] = [try info(new)]
        var queued: Set<ObjectID> = [new]
        var shown: [CommitInfo] = []
        while !queue.isEmpty {
            // Newest first, as git's date-ordered walk.
            let index = queue.indices.max {
                queue[$0].time < queue[$1].time || (queue[$0].time == queue[$1].time && $0 > $1)
            }!
            let commit = queue.remove(at: index)
            let mine = try pathID(commit.id)
            var follow = commit.parents
            var show: Bool
            if commit.parents.isEmpty {
                show = mine != nil
            } else {
                var sameParent: ObjectID?
                for parent in commit.parents where try pathID(parent) == mine {
                    sameParent = parent
                    break
                }
                if let sameParent {
                    show = false
                    follow = [sameParent]
                } else {
                    show = true
                }
            }
            if show { shown.append(commit) }
            for parent in follow where range.contains(parent) && !queued.contains(parent) {
                queued.insert(parent)
                queue.append(try info(parent))
            }
        }
        return shown
    }

    /// The commits reachable from `new` and not from `old` (every ancestor of `new` when nil).
    func commitRange(from old: ObjectID?, to new: ObjectID) throws(MirrorError) -> Set<ObjectID> {
        var walk: OpaquePointer?
        var code = git_revwalk_new(&walk, pointer)
        guard code == 0, let walk else { throw repository.fail("walk history", code) }
        defer { git_revwalk_free(walk) }
        var tip = new.gitOID
        code = git_revwalk_push(walk, &tip)
        guard code == 0 else { throw repository.fail("walk from \(new)", code) }
        if let old {
            var base = old.gitOID
            code = git_revwalk_hide(walk, &base)
            guard code == 0 else { throw repository.fail("hide \(old)", code) }
        }
        var result: Set<ObjectID> = []
        var oid = git_oid()
        while true {
            code = git_revwalk_next(&oid, walk)
            if code == GIT_ITEROVER.rawValue { break }
            guard code == 0 else { throw repository.fail("walk history", code) }
            result.insert(ObjectID(oid))
        }
        return result
    }

    /// The root tree of `commit` (the caller frees it).
    func rootTree(_ commit: ObjectID) throws(MirrorError) -> OpaquePointer {
        var oid = commit.gitOID
        var object: OpaquePointer?
        var code = git_commit_lookup(&object, pointer, &oid)
        guard code == 0, let object else { throw repository.fail("read commit \(commit)", code) }
        defer { git_commit_free(object) }
        var tree: OpaquePointer?
        code = git_commit_tree(&tree, object)
        guard code == 0, let tree else { throw repository.fail("read the tree of \(commit)", code) }
        return tree
    }

    static func clean(_ path: String) -> String {
        path.split(separator: "/").filter { $0 != "." && !$0.isEmpty }.joined(separator: "/")
    }

    static func kind(_ type: git_object_t) -> TreeEntry.Kind {
        switch type {
        case GIT_OBJECT_TREE: return .tree
        case GIT_OBJECT_COMMIT: return .commit
        default: return .blob
        }
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
