import Foundation
import GitMirror
import TestSupport
import TrackbotCore

/// The official-images subset served by a git daemon, with a cache directory of its own.
final class OfficialImagesWorld: @unchecked Sendable {
    /// This test's own directory (the cache, logs).
    let temp: TemporaryDirectory
    let served: URL
    let repository: URL
    let daemon: GitDaemon
    let url: String
    /// A shared world's served repository and daemon, kept alive while this world is.
    private let base: OfficialImagesWorld?

    /// A world of its own: its own served repository and daemon.
    init() throws {
        temp = try TemporaryDirectory("gitmirror")
        served = temp.appending("served")
        try FileManager.default.createDirectory(at: served, withIntermediateDirectories: true)
        repository = try GitRepositories.fromBundle(
            "official-images-subset.bundle", into: served, name: "official-images.git")
        daemon = try GitDaemon(base: served, logDirectory: temp.url)
        url = daemon.url("official-images.git")
        base = nil
    }

    private init(sharing base: OfficialImagesWorld) throws {
        temp = try TemporaryDirectory("gitmirror")
        served = base.served
        repository = base.repository
        daemon = base.daemon
        url = base.url
        self.base = base
    }

    /// A world for a test that only reads the served repository: the repository and its daemon
    /// are shared with every such test (built once, on a thread of its own; killed and removed
    /// when the test process exits); the cache directory is the test's own.
    static func make() async throws -> OfficialImagesWorld {
        try OfficialImagesWorld(sharing: try await shared.value)
    }

    /// A world of its own (for a test that changes the served repository), built on a thread of
    /// its own.
    static func makeOwn() async throws -> OfficialImagesWorld {
        try await offPool { try OfficialImagesWorld() }
    }

    private static let shared = Task<OfficialImagesWorld, any Error> {
        try await offPool {
            let world = try OfficialImagesWorld()
            _ = world.temp.removedAtExit()
            return world
        }
    }

    var cacheDirectory: URL { temp.appending("cache") }

    func cache(
        rewriter: URLRewriter = URLRewriter(), credentials: GitCredentials = GitCredentials(),
        progress: ProgressHandler? = nil
    ) -> MirrorCache {
        MirrorCache(directory: cacheDirectory, rewriter: rewriter, credentials: credentials, progress: progress)
    }

    /// What the served repository says, through the git CLI.
    func revParse(_ revision: String) throws -> String {
        try git(["rev-parse", revision], in: repository).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// `git fsck --strict` on a mirror; throws with git's output when it finds a problem.
func fsck(_ directory: String) throws {
    try git(["--git-dir", directory, "fsck", "--strict", "--no-progress"])
}

/// Collects progress reports from the fetching thread.
final class ProgressRecorder: @unchecked Sendable {
    private let lock = NSLock()
    private var reports: [TransferProgress] = []
    func record(_ p: TransferProgress) {
        lock.lock()
        reports.append(p)
        lock.unlock()
    }
    var all: [TransferProgress] {
        lock.lock()
        defer { lock.unlock() }
        return reports
    }
}

let alpineCommit = "87b625632e9fb982915b295d83e299e1b87bde98"
