import Foundation
import GitMirror
import TrackbotCore
import Verification

/// The upstream repositories as the pipeline uses them: fetched into the mirror cache, checked
/// for reachability, read without checkout.
struct GitSources: Sendable {
    var cache: MirrorCache

    init(options: GlobalOptions, configuration: Configuration = .defaults) {
        var rewriter = URLRewriter(rules: configuration.rewrites)
        for rule in options.rewrites { rewriter.add(rule) }
        let dir =
            options.cacheDirectory.map { ($0 as NSString).expandingTildeInPath } ?? configuration.resolvedCacheDirectory
        cache = MirrorCache(
            directory: URL(fileURLWithPath: dir).appendingPathComponent("git"), rewriter: rewriter,
            credentials: GitCredentials.fromEnvironment(ProcessInfo.processInfo.environment),
            progress: Progress.gitHandler(verbosity: options.verbosity),
            stallTimeout: .seconds(configuration.git.stallTimeout))
        cache.offline = options.offline
        cache.fetchLog = Log.handler(options)
    }

    /// Fetches what `verify REPO#COMMIT:DIR` needs and verifies that directory at that commit.
    func verify(repo: String, commit: String, directory: String, file: String?, builder: String?) async throws
        -> VerificationReport
    {
        guard let id = ObjectID(commit) else {
            throw UsageError(
                "\"\(commit)\" is not a full commit id (40 hex digits; SHA-256 repositories are not supported: libgit2 1.5 cannot open them)"
            )
        }
        if let existing = try? cache.mirror(repo, isUserOwned: true), (try? await existing.resolve(id.hex)) != nil {
            return try await verify(
                mirror: existing, commit: id.hex, directory: directory, file: file, builder: builder)
        }
        // Ask for the commit by id; servers that refuse that (most do) get every branch and tag fetched.
        var haveCommit = false
        if (try? await cache.fetch(repo, refs: [id.hex], isUserOwned: true)) != nil {
            haveCommit = (try? await cache.mirror(repo, isUserOwned: true).resolve(id.hex)) != nil
        }
        if !haveCommit { _ = try await cache.mirrorBranchesAndTags(repo, isUserOwned: true) }
        let mirror = try cache.mirror(repo, isUserOwned: true)
        guard (try? await mirror.resolve(id.hex)) != nil else {
            throw UsageError("commit \(id.hex) is not in any branch or tag of \(Redaction.stripCredentials(repo))")
        }
        return try await verify(mirror: mirror, commit: id.hex, directory: directory, file: file, builder: builder)
    }

    func verify(mirror: Mirror, commit: String, directory: String, file: String?, builder: String?) async throws
        -> VerificationReport
    {
        let builderName = builder ?? ""
        // One blocking job: the mirror opened once, every file read in it, closed at the end.
        return try await GitSourceTree.with(mirror: mirror, commit: commit) { tree in
            try Verifier(tree: tree).verify(
                directory: directory == "." ? "" : directory, file: file, builder: builderName)
        }
    }
}
