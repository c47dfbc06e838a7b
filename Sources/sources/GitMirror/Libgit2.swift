import CGit2
import Foundation

/// libgit2 is initialised once per process, on first use (a global `let` is initialised lazily
/// and atomically). Objects are hashed when they arrive (the indexer checks every object of a
/// fetched pack), so, like the git CLI, reads do not hash them again: re-hashing every blob read
/// with libgit2's collision-detecting SHA-1 doubled the cost of reading history.
///
/// Hermetic: libgit2 would otherwise read the system, XDG and global git configuration, whose
/// `url.*.insteadOf` rules apply after trackbot's URL policy (machines here map
/// https://github.com/ to a local folder in /etc/gitconfig). An empty search path per level
/// means no file is read there; proxies still come from the environment.
///
/// The socket stream bounds every network wait by the stall timeout (see shim.h).
///
/// Packs are read through mmap'd windows that count in the process's memory while mapped: by
/// default 1 GiB windows up to 8 GiB, so inflating a 1 GiB packed blob kept its whole pack
/// mapped beside the inflated copy (2.1 GB for a 1 GiB tarball). 32 MiB windows, at most 128 MiB
/// mapped, bound that (1.2 GB).
private let libgit2SetupFailure: String? = {
    guard git_libgit2_init() > 0 else { return "git_libgit2_init failed: \(lastGitError(-1))" }
    _ = trackbot_git_opt_enable_strict_hash_verification(0)
    _ = trackbot_git_opt_set_mwindow_size(32 << 20)
    _ = trackbot_git_opt_set_mwindow_mapped_limit(128 << 20)
    for level in [GIT_CONFIG_LEVEL_PROGRAMDATA, GIT_CONFIG_LEVEL_SYSTEM, GIT_CONFIG_LEVEL_XDG, GIT_CONFIG_LEVEL_GLOBAL]
    {
        let code = trackbot_git_opt_set_search_path(level, "")
        guard code == 0 else {
            return
                "clearing libgit2's configuration search path (level \(level.rawValue)) failed: \(lastGitError(code))"
        }
    }
    let code = trackbot_git_register_socket_stream(socketStreamInit)
    guard code == 0 else { return "registering trackbot's socket stream with libgit2 failed: \(lastGitError(code))" }
    return nil
}()

/// Makes sure libgit2 is initialised (and hermetic) before any other libgit2 call. trackbot never
/// runs git without its own settings: a failure here is a broken installation, not a run error.
func ensureLibgit2() {
    if let failure = libgit2SetupFailure {
        preconditionFailure("\(failure). Check that libgit2 1.5 (Debian: libgit2-1.5) is installed correctly")
    }
}

/// libgit2's configuration search path for `level` (what `GIT_OPT_GET_SEARCH_PATH` says).
func libgit2SearchPath(_ level: git_config_level_t) -> String? {
    ensureLibgit2()
    var buffer = git_buf()
    defer { git_buf_dispose(&buffer) }
    guard trackbot_git_opt_get_search_path(level, &buffer) == 0 else { return nil }
    return buffer.ptr.map { String(cString: $0) } ?? ""
}

/// The message of libgit2's last error on this thread. `git_error_last()` is per thread, so this
/// must run in the same synchronous call as the call that failed, with no `await` in between.
func lastGitError(_ code: Int32) -> String {
    if let error = git_error_last(), let message = error.pointee.message {
        let text = String(cString: message).trimmingCharacters(in: .whitespacesAndNewlines)
        if !text.isEmpty { return text }
    }
    return "libgit2 error \(code)"
}

/// Owns a libgit2 repository handle; used by one thread at a time.
final class Repository {
    let pointer: OpaquePointer
    let directory: URL

    /// Opens an existing bare repository (no search upwards, no work tree).
    init(openBare directory: URL) throws(MirrorError) {
        ensureLibgit2()
        var repo: OpaquePointer?
        let code = git_repository_open_bare(&repo, directory.path)
        guard code == 0, let repo else {
            throw .repository(path: directory.path, operation: "open", message: lastGitError(code))
        }
        pointer = repo
        self.directory = directory
    }

    /// Creates a new, empty bare repository.
    init(initBare directory: URL) throws(MirrorError) {
        ensureLibgit2()
        var repo: OpaquePointer?
        let code = git_repository_init(&repo, directory.path, 1)
        guard code == 0, let repo else {
            throw .repository(path: directory.path, operation: "create", message: lastGitError(code))
        }
        pointer = repo
        self.directory = directory
    }

    deinit { git_repository_free(pointer) }

    func fail(_ operation: String, _ code: Int32) -> MirrorError {
        .repository(path: directory.path, operation: operation, message: lastGitError(code))
    }

    /// The id a reference points at (resolving symbolic references), or nil when it is missing.
    func referenceTarget(_ name: String) -> ObjectID? {
        var oid = git_oid()
        guard git_reference_name_to_id(&oid, pointer, name) == 0 else { return nil }
        return ObjectID(oid)
    }

    /// All reference names (as `git for-each-ref` would list them).
    func referenceNames() throws(MirrorError) -> [String] {
        var array = git_strarray()
        let code = git_reference_list(&array, pointer)
        guard code == 0 else { throw fail("list references", code) }
        defer { git_strarray_dispose(&array) }
        return (0..<array.count).compactMap { i in array.strings[i].map { String(cString: $0) } }
    }

    /// Whether the object is in the object database.
    func contains(_ id: ObjectID) -> Bool {
        var odb: OpaquePointer?
        guard git_repository_odb(&odb, pointer) == 0, let odb else { return false }
        defer { git_odb_free(odb) }
        var oid = id.gitOID
        return git_odb_exists(odb, &oid) == 1
    }

    /// Peels any object (tag, commit) to the commit it names.
    func peelToCommit(_ id: ObjectID) throws(MirrorError) -> ObjectID {
        var oid = id.gitOID
        var object: OpaquePointer?
        var code = git_object_lookup(&object, pointer, &oid, GIT_OBJECT_ANY)
        guard code == 0, let object else { throw fail("look up \(id)", code) }
        defer { git_object_free(object) }
        var commit: OpaquePointer?
        code = git_object_peel(&commit, object, GIT_OBJECT_COMMIT)
        guard code == 0, let commit else { throw fail("peel \(id) to a commit", code) }
        defer { git_object_free(commit) }
        return ObjectID(git_object_id(commit).pointee)
    }

    /// Whether `descendant` is `ancestor` or has it in its history (both peeled to commits).
    func isAncestor(_ ancestor: ObjectID, of descendant: ObjectID) throws(MirrorError) -> Bool {
        let a = try peelToCommit(ancestor), d = try peelToCommit(descendant)
        if a == d { return true }
        var da = d.gitOID, aa = a.gitOID
        let code = git_graph_descendant_of(pointer, &da, &aa)
        guard code >= 0 else { throw fail("check ancestry of \(a) and \(d)", code) }
        return code == 1
    }
}
