import Foundation
import GitMirror
import OfficialImages
import TrackbotCore
import Tracking
import Verification

/// Fetches and verifies each distinct upstream source once per run, however many tags and
/// architectures share it.
actor SourceVerification {
    /// What one source showed, as data: each tag and architecture that uses the source makes its
    /// findings from it in its own context (`SourceEvidence`).
    struct Outcome: Sendable {
        var report: VerificationReport?
        /// Branches and tags of the upstream that were rewritten (force-pushed, or a tag moved),
        /// each reported once per run.
        var rewrittenRefs: [RefUpdate] = []
        /// Where `GitFetch` points now, when `GitCommit` is not reachable from it.
        var unreachableFrom: ObjectID?
        /// What matched at the source (an artefact's checksums, a valid OCI layout).
        var verified: [Verified] = []
        var error: String?
    }

    private let sources: GitSources
    private let fetched = TaskCache<String, CommitCheck>(keep: .everything)
    private let verified = TaskCache<ArchitectureSource, Outcome>(keep: .everything)
    private var rewritesReported = Set<String>()

    init(sources: GitSources) { self.sources = sources }

    func verify(_ source: ArchitectureSource) async -> Outcome {
        do {
            return try await verified.value(for: source) { await self.run(source) }
        } catch {
            var outcome = Outcome()
            outcome.error = "\(error)"
            return outcome
        }
    }

    private func ensure(_ source: ArchitectureSource) async throws -> CommitCheck {
        let key = "\(source.gitRepo)\n\(source.gitFetch)\n\(source.gitCommit)"
        guard let commit = ObjectID(source.gitCommit) else {
            throw UsageError("GitCommit \"\(source.gitCommit)\" is not a commit id")
        }
        let cache = sources.cache
        return try await fetched.value(for: key) {
            try await cache.ensureCommit(commit, reachableFrom: source.gitFetch, of: source.gitRepo)
        }
    }

    private func run(_ source: ArchitectureSource) async -> Outcome {
        var outcome = Outcome()
        let check: CommitCheck
        do { check = try await ensure(source) } catch {
            outcome.error = "\(error)"
            return outcome
        }
        // Only the upstream's own branches and tags: the mirror's refs/trackbot/commits/<id> (a
        // commit fetched by id) is new on every such fetch, yet libgit2 1.5 reports it with a
        // garbage old id.
        let upstreamRewrites = check.fetch.rewrites.filter {
            $0.old != nil && ($0.name.hasPrefix("refs/heads/") || $0.name.hasPrefix("refs/tags/"))
        }
        outcome.rewrittenRefs = upstreamRewrites.filter {
            rewritesReported.insert("\(source.gitRepo) \($0.name)").inserted
        }
        switch check.status {
        case .reachable: break
        case .notReachable:
            outcome.unreachableFrom = check.refTip
        case .missing:
            outcome.error =
                "commit \(source.gitCommit) is not in \(Redaction.stripCredentials(source.gitRepo)) (fetched \(source.gitFetch))"
                + (check.detail.map { ": \($0)" } ?? "")
            return outcome
        }
        do {
            let mirror = try sources.cache.mirror(source.gitRepo)
            let report = try await sources.verify(
                mirror: mirror, commit: source.gitCommit, directory: source.directory,
                file: source.file, builder: source.builder)
            var matched = report.artefacts.filter { $0.status == .verified }.map { a in
                Verified.checksum(
                    path: a.path, algorithm: a.checks.first?.expected.algorithm,
                    listedAt: a.checks.map { FileLine(file: $0.file, line: $0.line) })
            }
            if let layout = report.layout, layout.isValid, let m = layout.expectedManifestDigest {
                matched.append(
                    .ociLayout(directory: source.directory, file: source.file, manifest: m, layers: layout.layers.count)
                )
            }
            outcome.report = report
            outcome.verified = matched
        } catch {
            outcome.error = "\(error)"
        }
        return outcome
    }
}
