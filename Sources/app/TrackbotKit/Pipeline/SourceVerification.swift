import Foundation
import GitMirror
import OfficialImages
import TrackbotCore
import Verification

/// Fetches and verifies each distinct upstream source once per run, however many tags and
/// architectures share it.
actor SourceVerification {
    struct Outcome: Sendable {
        var report: VerificationReport?
        var findings: [Finding]
        var verified: [String]
        var error: String?
    }

    private let sources: GitSources
    private let fetched = TaskCache<String, CommitCheck>(keep: .everything)
    private let verified = TaskCache<ArchitectureSource, Outcome>(keep: .everything)
    private var rewritesReported = Set<String>()

    init(sources: GitSources) { self.sources = sources }

    func verify(_ source: ArchitectureSource, image: String) async -> Outcome {
        do {
            return try await verified.value(for: source) { await self.run(source, image: image) }
        } catch {
            return Outcome(report: nil, findings: [], verified: [], error: "\(error)")
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

    private func run(_ source: ArchitectureSource, image: String) async -> Outcome {
        var findings: [Finding] = []
        let check: CommitCheck
        do { check = try await ensure(source) } catch {
            return Outcome(report: nil, findings: [], verified: [], error: "\(error)")
        }
        // Only the upstream's own branches and tags: the mirror's refs/trackbot/commits/<id> (a
        // commit fetched by id) is new on every such fetch, yet libgit2 1.5 reports it with a
        // garbage old id.
        let upstreamRewrites = check.fetch.rewrites.filter {
            $0.old != nil && ($0.name.hasPrefix("refs/heads/") || $0.name.hasPrefix("refs/tags/"))
        }
        for update in upstreamRewrites where rewritesReported.insert("\(source.gitRepo) \(update.name)").inserted {
            let isTag = update.name.hasPrefix("refs/tags/")
            findings.append(Finding(kind: .upstreamRewritten, severity: isTag ? .alert : .info, image: image,
                                    message: isTag
                                        ? "tag \(update.name) of \(Redaction.stripCredentials(source.gitRepo)) was moved (tags are meant to stay)"
                                        : "branch \(update.name) of \(Redaction.stripCredentials(source.gitRepo)) was force-pushed (some upstreams replace release branches on every release)",
                                    expected: update.old?.hex, actual: update.new?.hex))
        }
        switch check.status {
        case .reachable: break
        case .notReachable:
            findings.append(Finding(kind: .commitNotInRef, severity: .warn, image: image,
                                    message: "GitCommit \(source.gitCommit) is not reachable from \(source.gitFetch) (now at \(check.refTip.hex.prefix(12))) in \(Redaction.stripCredentials(source.gitRepo))",
                                    expected: source.gitFetch, actual: source.gitCommit))
        case .missing:
            return Outcome(report: nil, findings: findings, verified: [],
                           error: "commit \(source.gitCommit) is not in \(Redaction.stripCredentials(source.gitRepo)) (fetched \(source.gitFetch))" + (check.detail.map { ": \($0)" } ?? ""))
        }
        do {
            let mirror = try sources.cache.mirror(source.gitRepo)
            let report = try await sources.verify(mirror: mirror, commit: source.gitCommit, directory: source.directory,
                                                  file: source.file, builder: source.builder)
            findings += report.findings.map { var f = $0; f.image = image; return f }
            var lines = report.artefacts.filter { $0.status == .verified }.map { a in
                "\(a.path) \(a.checks.first?.expected.algorithm.rawValue ?? "") (\(a.checks.map { "\($0.file):\($0.line)" }.joined(separator: ", ")))"
            }
            if let layout = report.layout, layout.isValid, let m = layout.expectedManifestDigest {
                lines.append("OCI layout \(source.directory)/\(source.file): manifest \(m.short), \(layout.layers.count) layer(s)")
            }
            return Outcome(report: report, findings: findings, verified: lines, error: nil)
        } catch {
            return Outcome(report: nil, findings: findings, verified: [], error: "\(error)")
        }
    }
}
