import CGit2
import Foundation
import TrackbotCore

/// The cache of bare git mirrors under one directory, one per remote URL. Every entry point does
/// its libgit2 work as one job on the blocking pool (`runBlocking`) and holds the mirror's lock
/// while it writes. See docs/git-mirrors.md.
public struct MirrorCache: Sendable {
    /// The cache directory (created on first fetch).
    public let directory: URL
    public var rewriter: URLRewriter
    public var credentials: GitCredentials
    /// Transfer progress of fetches; nil for none.
    public var progress: ProgressHandler?
    /// How long a server may send (or take) nothing before a fetch gives up (`[git] stall-timeout`).
    public var stallTimeout: Duration

    /// The default `[git] stall-timeout`.
    public static let defaultStallTimeout: Duration = .seconds(120)
    /// No network (`--offline`): fetches read the mirror as it is and fail, naming what is
    /// missing, when it lacks a ref or commit; listing a remote's refs fails.
    public var offline = false
    /// With `offline`: where the mirrors read and their ages are recorded.
    public var ages = MirrorAges()
    /// Told one line per fetch (what, how much, how long) for `-v`; nil for none.
    public var fetchLog: (@Sendable (String) -> Void)?

    public init(
        directory: URL, rewriter: URLRewriter = URLRewriter(),
        credentials: GitCredentials = GitCredentials(), progress: ProgressHandler? = nil,
        stallTimeout: Duration = MirrorCache.defaultStallTimeout
    ) {
        self.directory = directory
        self.rewriter = rewriter
        self.credentials = credentials
        self.progress = progress
        self.stallTimeout = stallTimeout
    }

    /// The checked, rewritten location of `url`. `isUserOwned`: the user wrote this URL
    /// (command line, config), so a local path or `file://` is allowed without a rewrite.
    public func location(_ url: String, isUserOwned: Bool = false) throws(MirrorError) -> RemoteLocation {
        try RemoteLocation(url, rewriter: rewriter, isUserOwned: isUserOwned)
    }

    /// Where the mirror of `location` lives: a readable name plus a short hash of the URL.
    public func mirrorDirectory(for location: RemoteLocation) -> URL {
        directory.appendingPathComponent(MirrorName.directoryName(for: location.original))
    }

    /// Fetches `refs` into the mirror of `url`. Each is a full ref name (`refs/heads/v3.20`,
    /// `refs/tags/v1`, `refs/pull/7/head`), a pattern ending in `/*` (`refs/heads/*`), or a
    /// 40-digit commit id (stored as `refs/trackbot/commits/<id>`; the server must allow it).
    public func fetch(_ url: String, refs: [String], isUserOwned: Bool = false) async throws -> FetchResult {
        let location = try location(url, isUserOwned: isUserOwned)
        try Self.validate(refs)
        let job = self
        return try await runBlocking("trackbot.git.fetch") {
            try job.withLockedMirror(location) { repository, notes, created in
                try job.fetchLocked(repository, location: location, refs: refs, notes: notes, created: created)
            }
        }
    }

    /// Mirrors every branch and tag of `url` (`refs/heads/*`, `refs/tags/*`; never `refs/pull/*`).
    public func mirrorBranchesAndTags(_ url: String, isUserOwned: Bool = false) async throws -> FetchResult {
        try await fetch(url, refs: ["refs/heads/*", "refs/tags/*"], isUserOwned: isUserOwned)
    }

    /// What a library entry needs: fetches `ref`, then checks that `commit` is its tip or an
    /// ancestor. When the commit is absent after that, asks the server for the commit by id.
    /// Throws `refNotFound` when the remote does not have `ref`.
    public func ensureCommit(
        _ commit: ObjectID, reachableFrom ref: String, of url: String,
        isUserOwned: Bool = false
    ) async throws -> CommitCheck {
        let location = try location(url, isUserOwned: isUserOwned)
        try Self.validate([ref])
        guard !ref.contains("*"), ref.hasPrefix("refs/") else {
            throw MirrorError.invalidRef(ref: ref, reason: "a full ref name such as refs/heads/master is needed")
        }
        let job = self
        return try await runBlocking("trackbot.git.ensure") {
            try job.withLockedMirror(location) { repository, notes, created in
                var result = try job.fetchLocked(
                    repository, location: location, refs: [ref], notes: notes, created: created)
                guard !result.missingRefs.contains(ref), let target = repository.referenceTarget(ref) else {
                    if job.offline { throw MirrorError.notInLocalMirror(url: location.display, what: ref) }
                    throw MirrorError.refNotFound(url: location.display, ref: ref)
                }
                // An annotated tag names a tag object; entries care about its commit.
                let tip = try repository.peelToCommit(target)
                var fetchedByID = false
                var detail: String?
                if !repository.contains(commit) && job.offline {
                    throw MirrorError.notInLocalMirror(url: location.display, what: "commit \(commit.hex)")
                }
                if !repository.contains(commit) {
                    do {
                        let second = try job.fetchLocked(
                            repository, location: location, refs: [commit.hex],
                            notes: [], created: false)
                        result.updates += second.updates
                        result.receivedObjects += second.receivedObjects
                        result.receivedBytes += second.receivedBytes
                        fetchedByID = repository.contains(commit)
                        if !fetchedByID { detail = "the server sent nothing for \(commit.hex)" }
                    } catch let error as MirrorError {
                        detail = error.description
                    }
                }
                let status: CommitCheck.Status
                if !repository.contains(commit) {
                    status = .missing
                } else {
                    status = try repository.isAncestor(commit, of: tip) ? .reachable : .notReachable
                }
                return CommitCheck(
                    ref: ref, commit: commit, refTip: tip, status: status,
                    fetchedByID: fetchedByID, detail: detail, fetch: result)
            }
        }
    }

    /// Fetches `refs/pull/N/head` (and `refs/pull/N/merge` when asked and advertised) for the
    /// given pull request numbers only; never `refs/pull/*` wholesale.
    public func fetchPullRequests(
        _ numbers: [Int], of url: String, includeMergeRefs: Bool = true,
        isUserOwned: Bool = false
    ) async throws -> FetchResult {
        let refs = numbers.filter { $0 > 0 }.flatMap { n in
            ["refs/pull/\(n)/head"] + (includeMergeRefs ? ["refs/pull/\(n)/merge"] : [])
        }
        var result = try await fetch(url, refs: refs, isUserOwned: isUserOwned)
        // A missing merge ref is normal (conflicting or merged pull requests have none).
        result.missingRefs = result.missingRefs.filter { !$0.hasSuffix("/merge") }
        return result
    }

    /// The refs `url` advertises, without cloning anything (`git ls-remote`).
    public func remoteRefs(_ url: String, isUserOwned: Bool = false) async throws -> [RemoteRef] {
        let location = try location(url, isUserOwned: isUserOwned)
        if offline { throw MirrorError.notInLocalMirror(url: location.display, what: "the list of refs") }
        let credentials = credentials, stallTimeout = stallTimeout
        return try await runBlocking("trackbot.git.ls-remote") {
            try RemoteSession(
                location: location, repository: nil, credentials: credentials, progress: nil,
                stallTimeout: stallTimeout
            ).connect()
        }
    }

    /// The pull requests `url` advertises (heads, and merge refs where GitHub still has them).
    public func remotePullRequests(_ url: String, isUserOwned: Bool = false) async throws -> [PullRequestRef] {
        PullRequestRef.collect(try await remoteRefs(url, isUserOwned: isUserOwned).map { ($0.name, $0.id) })
    }

    /// The mirror of `url`, for reading; throws `mirrorMissing` when it was never fetched.
    public func mirror(_ url: String, isUserOwned: Bool = false) throws -> Mirror {
        let location = try location(url, isUserOwned: isUserOwned)
        let path = mirrorDirectory(for: location)
        guard FileManager.default.fileExists(atPath: path.appendingPathComponent("HEAD").path) else {
            throw MirrorError.mirrorMissing(url: location.display, directory: path.path)
        }
        return Mirror(directory: path, url: location.display)
    }

    // MARK: - Locked work (in a blocking-pool job)

    /// Takes the mirror's lock, clears leftovers, opens the mirror (creating it, or replacing a
    /// damaged one) and runs `body` with it.
    func withLockedMirror<T>(
        _ location: RemoteLocation,
        _ body: (Repository, [String], Bool) throws -> T
    ) throws -> T {
        let fm = FileManager.default
        do { try fm.createDirectory(at: directory, withIntermediateDirectories: true) } catch {
            throw MirrorError.io(path: directory.path, operation: "create the cache directory", message: "\(error)")
        }
        let path = mirrorDirectory(for: location)
        if offline && !fm.fileExists(atPath: path.appendingPathComponent("HEAD").path) {
            throw MirrorError.notInLocalMirror(url: location.display, what: "")
        }
        let lock = try MirrorLock(path: URL(fileURLWithPath: path.path + ".lock"))
        defer { withExtendedLifetime(lock) {} }
        var notes: [String] = []
        var created = false
        let repository: Repository
        if fm.fileExists(atPath: path.path) {
            let removed = Recovery.clearLeftovers(in: path)
            if !removed.isEmpty {
                notes.append(
                    "removed \(removed.count) leftover(s) of an interrupted fetch in \(path.lastPathComponent): \(removed.joined(separator: ", "))"
                )
            }
            var problem: String?
            var opened: Repository?
            do {
                let candidate = try Repository(openBare: path)
                problem = Recovery.problem(with: candidate)
                if problem == nil { opened = candidate }
            } catch {
                problem = "it cannot be opened (\(error))"
            }
            if let opened {
                repository = opened
            } else {
                let aside = try Recovery.moveAside(path)
                notes.append(
                    "the mirror \(path.lastPathComponent) was damaged (\(problem ?? "unknown")); moved it aside to \(aside.lastPathComponent) and cloned \(location.display) again"
                )
                repository = try Self.create(path, location: location)
                created = true
            }
        } else {
            repository = try Self.create(path, location: location)
            created = true
        }
        return try body(repository, notes, created)
    }

    private static func create(_ path: URL, location: RemoteLocation) throws(MirrorError) -> Repository {
        let repository = try Repository(initBare: path)
        // For people looking at the cache: where this mirror comes from (never with credentials).
        var config: OpaquePointer?
        if git_repository_config(&config, repository.pointer) == 0, let config {
            _ = git_config_set_string(config, "trackbot.url", Redaction.stripCredentials(location.original))
            _ = git_config_set_string(config, "trackbot.fetchurl", location.display)
            git_config_free(config)
        }
        return repository
    }

    /// One connection: list the remote's refs, fetch the wanted ones that exist, record updates.
    func fetchLocked(
        _ repository: Repository, location: RemoteLocation, refs: [String],
        notes: [String], created: Bool
    ) throws -> FetchResult {
        if offline { return try readLocked(repository, location: location, refs: refs, notes: notes) }
        let started = ContinuousClock.now
        let session = try RemoteSession(
            location: location, repository: repository,
            credentials: credentials, progress: progress, stallTimeout: stallTimeout)
        let advertised = Set(try session.connect().map(\.name))
        var refspecs: [String] = []
        var missing: [String] = []
        for ref in refs {
            if let id = ObjectID(ref) {
                refspecs.append("+\(id.hex):refs/trackbot/commits/\(id.hex)")
            } else if ref.hasSuffix("/*") || advertised.contains(ref) {
                refspecs.append("+\(ref):\(ref)")
            } else {
                missing.append(ref)
            }
        }
        var statistics = TransferProgress()
        // What each ref pointed at before the fetch, read from the mirror itself: libgit2 1.5's
        // update_tips hands over an uninitialised "old" id for refs fetched by object id.
        var before: [String: ObjectID] = [:]
        for name in (try? repository.referenceNames()) ?? [] {
            if let target = repository.referenceTarget(name) { before[name] = target }
        }
        if !refspecs.isEmpty {
            try session.fetch(refspecs: refspecs)
            statistics = session.statistics
        }
        var updates: [RefUpdate] = []
        for (name, _, new) in session.state.updates {
            let old = before[name]
            if old == new { continue }
            var fastForward = true
            if let old, let new {
                if name.hasPrefix("refs/tags/") {
                    fastForward = false
                } else {
                    fastForward = (try? repository.isAncestor(old, of: new)) ?? false
                }
            }
            updates.append(RefUpdate(name: name, old: old, new: new, isFastForward: fastForward))
        }
        let fetchedAt = Date()
        FetchTime.record(fetchedAt, in: repository.directory)
        fetchLog?(
            "git fetch \(location.display) \(refs.joined(separator: " ")): \(updates.count) ref(s) updated, "
                + "\(statistics.receivedObjects) objects, \(statistics.receivedBytes / 1024) KiB in "
                + Elapsed.milliseconds(since: started))
        return FetchResult(
            url: location.display, directory: repository.directory.path, created: created,
            updates: updates.sorted { $0.name < $1.name }, missingRefs: missing,
            receivedObjects: statistics.receivedObjects, receivedBytes: statistics.receivedBytes,
            notes: notes, fetchedAt: fetchedAt)
    }

    /// `offline`: what a fetch of `refs` would give, from the mirror alone. A ref or commit it
    /// lacks is an error naming it (a merge ref of a pull request may be absent, as on GitHub).
    func readLocked(
        _ repository: Repository, location: RemoteLocation, refs: [String], notes: [String]
    ) throws -> FetchResult {
        for ref in refs where !ref.hasSuffix("/*") && !ref.hasSuffix("/merge") {
            let present = ObjectID(ref).map { repository.contains($0) } ?? (repository.referenceTarget(ref) != nil)
            guard present else {
                throw MirrorError.notInLocalMirror(
                    url: location.display, what: ObjectID(ref) != nil ? "commit \(ref)" : ref)
            }
        }
        let missing = refs.filter { $0.hasSuffix("/merge") && repository.referenceTarget($0) == nil }
        let fetchedAt = FetchTime.recorded(in: repository.directory)
        ages.record(Redaction.stripCredentials(location.original), fetchedAt: fetchedAt)
        return FetchResult(
            url: location.display, directory: repository.directory.path, created: false, updates: [],
            missingRefs: missing, receivedObjects: 0, receivedBytes: 0, notes: notes,
            fetchedAt: fetchedAt)
    }

    /// Refuses ref names that could be read as options or as refspecs of their own.
    static func validate(_ refs: [String]) throws(MirrorError) {
        for ref in refs {
            if ObjectID(ref) != nil { continue }
            guard ref.hasPrefix("refs/") else {
                throw .invalidRef(
                    ref: ref,
                    reason:
                        "expected a full ref name (refs/heads/…, refs/tags/…, refs/pull/N/head) or a 40-digit commit id"
                )
            }
            let bad: [String] = [":", " ", "\t", "\n", "^", "~", "?", "[", "\\", "..", "@{", "//"]
            if let found = bad.first(where: { ref.contains($0) }) {
                throw .invalidRef(ref: ref, reason: "it contains \"\(found)\"")
            }
            if let star = ref.firstIndex(of: "*"), ref[star...] != "*" || !ref.hasSuffix("/*") {
                throw .invalidRef(ref: ref, reason: "only a trailing /* pattern is allowed")
            }
        }
    }
}
