import CGit2
import Foundation
import TrackbotCore

/// An entry of a tree listing.
public struct TreeEntry: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable {
        case blob, tree, commit
    }

    public var name: String
    /// The path from the repository root.
    public var path: String
    /// The git file mode in octal (`100644`, `100755`, `120000`, `040000`, `160000`).
    public var mode: String
    public var kind: Kind
    public var id: ObjectID
}

/// A commit, as `git log` would summarise it.
public struct CommitInfo: Sendable, Hashable, Codable {
    public var id: ObjectID
    public var parents: [ObjectID]
    /// The first line of the message.
    public var summary: String
    public var author: String
    /// Committer time, seconds since 1970.
    public var time: Int64
}

/// A mirror opened for reading. Reads never check anything out and never take the lock:
/// fetches only add objects and replace refs by renames, so a reader always sees a whole state.
public struct Mirror: Sendable {
    /// The bare repository.
    public let directory: URL
    /// Where it is fetched from (no credentials), for messages.
    public let url: String

    public init(directory: URL, url: String) {
        self.directory = directory
        self.url = url
    }

    /// Resolves a ref, branch, tag, commit id (full or abbreviated) or any commit-ish to a commit.
    public func resolve(_ revision: String) async throws -> ObjectID {
        try await read { try $0.resolve(revision) }
    }

    /// Whether `ancestor` is `descendant` or in its history.
    public func isAncestor(_ ancestor: String, of descendant: String) async throws -> Bool {
        try await read { r in try r.repository.isAncestor(try r.resolve(ancestor), of: try r.resolve(descendant)) }
    }

    /// The bytes of the file at `revision:path`.
    public func blob(_ path: String, at revision: String) async throws -> Data {
        try await read { r in try r.blob(path, at: try r.resolve(revision)) }
    }

    /// Several files at one revision, in the order asked (one open, one resolve).
    public func blobs(_ paths: [String], at revision: String) async throws -> [Data] {
        try await read { r in
            let commit = try r.resolve(revision)
            return try paths.map { try r.blob($0, at: commit) }
        }
    }

    /// Files at several revisions, in the order asked, with one open of the mirror and one
    /// resolve per distinct revision (for reading a file's versions across history).
    public func blobs(_ requests: [(revision: String, path: String)]) async throws -> [Data] {
        let items = requests.map { [$0.revision, $0.path] }
        return try await read { r in
            var resolved: [String: ObjectID] = [:]
            return try items.map { item in
                let commit = try resolved[item[0]] ?? r.resolve(item[0])
                resolved[item[0]] = commit
                return try r.blob(item[1], at: commit)
            }
        }
    }

    /// Hands the file at `revision:path` to `sink` in chunks of `chunkSize` bytes and returns its
    /// size. libgit2 inflates the blob in memory once; the sink never needs a second copy.
    public func streamBlob(
        _ path: String, at revision: String, chunkSize: Int = 1 << 20,
        into sink: @escaping @Sendable (UnsafeRawBufferPointer) throws -> Void
    ) async throws -> Int {
        try await read { r in
            try r.streamBlob(path, at: try r.resolve(revision), chunkSize: max(1, chunkSize), sink: sink)
        }
    }

    /// The entries of the directory at `revision:path` (`""` or `"."` for the root), sorted by name.
    public func tree(_ path: String, at revision: String) async throws -> [TreeEntry] {
        try await read { r in try r.tree(path, at: try r.resolve(revision)) }
    }

    /// The commits in `old..new` that change `path`, newest first, like
    /// `git log old..new -- path` (with git's default history simplification). `old` nil: all of `new`'s history.
    public func commits(touching path: String, from old: String?, to new: String) async throws -> [CommitInfo] {
        try await read { r in
            try r.commits(touching: path, from: try old.map { try r.resolve($0) }, to: try r.resolve(new))
        }
    }

    /// Every ref in the mirror under `prefix`, with the id it points at.
    public func refs(under prefix: String = "refs/") async throws -> [(name: String, id: ObjectID)] {
        try await read { r in
            try r.repository.referenceNames().filter { $0.hasPrefix(prefix) }.sorted().compactMap { name in
                r.repository.referenceTarget(name).map { (name, $0) }
            }
        }
    }

    /// The pull requests whose refs the mirror holds (those fetched with `fetchPullRequests`).
    public func pullRequests() async throws -> [PullRequestRef] {
        PullRequestRef.collect(try await refs(under: "refs/pull/"))
    }

    // MARK: official-images helpers

    /// `library/<name>` at `revision` (an official-images library file).
    public func libraryFile(_ name: String, at revision: String) async throws -> Data {
        guard !name.isEmpty, !name.contains("/"), name != ".", name != ".." else {
            throw MirrorError.pathNotFound(mirror: url, commit: revision, path: "library/\(name)")
        }
        return try await blob("library/\(name)", at: revision)
    }

    /// The size of `library/<name>` at `revision`, without reading it.
    public func libraryFileSize(_ name: String, at revision: String) async throws -> Int {
        guard !name.isEmpty, !name.contains("/"), name != ".", name != ".." else {
            throw MirrorError.pathNotFound(mirror: url, commit: revision, path: "library/\(name)")
        }
        return try await read { r in try r.blobSize("library/\(name)", at: try r.resolve(revision)) }
    }

    /// The files under `library/` at `revision`.
    public func libraryFiles(at revision: String) async throws -> [TreeEntry] {
        try await tree("library", at: revision).filter { $0.kind == .blob }
    }

    private func read<T: Sendable>(_ body: @escaping @Sendable (MirrorReader) throws -> T) async throws -> T {
        let directory = directory, url = url
        return try await runBlocking("trackbot.git.read") {
            try body(MirrorReader(repository: try Repository(openBare: directory), url: url))
        }
    }
}
