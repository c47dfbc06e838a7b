import Foundation
import GitMirror
import OfficialImages
import Reporting
import TrackbotCore

/// Reduces pull requests of official-images to the library diffs of the watched images, each
/// against the pull request's merge base with the library ref, plus the upstream log of every
/// changed commit.
struct PullRequestDiffs: Sendable {
    let cache: MirrorCache
    /// official-images.
    let url: String
    let images: [String]
    /// Read upstream logs of changed commits (fetches each upstream's GitFetch ref).
    var upstreamLogs = true

    /// Fetches `refs/pull/N/head` for `numbers` only and diffs each against its merge base with `libraryCommit`.
    func diff(_ numbers: [Int], libraryCommit: String) async throws -> (
        pullRequests: [PullRequestsReport.PullRequest], errors: [String]
    ) {
        guard !numbers.isEmpty else { return ([], []) }
        let fetch = try await cache.fetchPullRequests(numbers, of: url, includeMergeRefs: false, isUserOwned: true)
        var errors = fetch.missingRefs.map { "\($0) is not advertised by \(Redaction.stripCredentials(url))" }
        let mirror = try cache.mirror(url, isUserOwned: true)
        var out: [PullRequestsReport.PullRequest] = []
        for number in numbers where !fetch.missingRefs.contains("refs/pull/\(number)/head") {
            do {
                if let pr = try await diff(number, mirror: mirror, libraryCommit: libraryCommit) { out.append(pr) }
            } catch {
                errors.append("pull request #\(number): \(error)")
            }
        }
        return (out, errors)
    }

    private func diff(_ number: Int, mirror: Mirror, libraryCommit: String) async throws -> PullRequestsReport
        .PullRequest?
    {
        let head = try await mirror.resolve("refs/pull/\(number)/head")
        guard let base = try await mirror.mergeBase(head.hex, libraryCommit) else {
            throw UsageError("refs/pull/\(number)/head shares no history with \(libraryCommit.prefix(7))")
        }
        var changes: [PullRequestsReport.ImageChange] = []
        for image in images {
            let oldData = try await Self.file(mirror, image, at: base.hex)
            let newData = try await Self.file(mirror, image, at: head.hex)
            guard oldData != newData else { continue }
            let old = try oldData.map {
                try LibraryFileReader.read(bytes: [UInt8]($0), name: image, path: "library/\(image)@\(base.short)")
            }
            let new = try newData.map {
                try LibraryFileReader.read(bytes: [UInt8]($0), name: image, path: "library/\(image)@#\(number)")
            }
            let diff = LibraryDiff(old: old, new: new)
            guard !diff.isEmpty else { continue }
            let logs = upstreamLogs ? await self.logs(old: old, new: new) : []
            changes.append(.init(image: image, diff: diff, upstream: logs))
        }
        guard !changes.isEmpty else { return nil }
        let summary = changes.map { c in
            "library/\(c.image): +\(c.diff.tagsAdded.count) -\(c.diff.tagsRemoved.count) ~\(c.diff.tagsMoved.count) tag(s)"
        }.joined(separator: "; ")
        let finding = Finding(
            kind: .pullRequest, severity: .info, image: changes.map(\.image).joined(separator: ","),
            message: "pull request #\(number) changes \(summary)",
            expected: base.hex, actual: head.hex)
        return .init(number: number, head: head.hex, mergeBase: base.hex, images: changes, finding: finding)
    }

    /// `library/<image>` at `revision`, nil when the file does not exist there.
    static func file(_ mirror: Mirror, _ image: String, at revision: String) async throws -> Data? {
        do {
            // A pull request's file may be any size: refused before it is read.
            try LibraryFileReader.checkSize(
                try await mirror.libraryFileSize(image, at: revision),
                path: "library/\(image)@\(revision.prefix(7))")
            return try await mirror.libraryFile(image, at: revision)
        } catch MirrorError.pathNotFound {
            return nil
        }
    }

    /// Changed commits (same GitRepo, per tag and architecture), each with the upstream log between them.
    func logs(old: LibraryFile?, new: LibraryFile?) async -> [PullRequestsReport.UpstreamLog] {
        guard let old, let new else { return [] }
        struct Key: Hashable { var repo, fetch, old, new: String }
        var directories: [Key: Set<String>] = [:]
        var order: [Key] = []
        let oldIndex = TagIndex(old)
        for entry in new.entries {
            for tag in entry.tags {
                guard let before = oldIndex.entries(for: tag).first else { continue }
                for arch in entry.architectures where before.architectures.contains(arch) {
                    let a = before.source(for: arch), b = entry.source(for: arch)
                    guard a.gitRepo == b.gitRepo, a.gitCommit != b.gitCommit else { continue }
                    let key = Key(repo: b.gitRepo, fetch: b.gitFetch, old: a.gitCommit, new: b.gitCommit)
                    if directories[key] == nil { order.append(key) }
                    directories[key, default: []].insert(b.directory)
                }
            }
        }
        var fetched: [String: String] = [:]  // repo+ref → error ("" when fine)
        var out: [PullRequestsReport.UpstreamLog] = []
        for key in order {
            let dirs = directories[key, default: []].sorted()
            var log = PullRequestsReport.UpstreamLog(gitRepo: key.repo, old: key.old, new: key.new, directories: dirs)
            let fetchKey = key.repo + "\n" + key.fetch
            if fetched[fetchKey] == nil {
                do {
                    let result = try await cache.fetch(key.repo, refs: [key.fetch])
                    fetched[fetchKey] = result.missingRefs.isEmpty ? "" : "\(key.fetch) is not advertised"
                } catch {
                    fetched[fetchKey] = "\(error)"
                }
            }
            if let problem = fetched[fetchKey], !problem.isEmpty {
                log.error = problem
            } else {
                do {
                    let mirror = try cache.mirror(key.repo)
                    // The union of each directory's log, newest first; ties keep the walk's order.
                    var seen: [ObjectID: Int] = [:]
                    var found: [CommitInfo] = []
                    for dir in dirs {
                        for c in try await mirror.commits(touching: dir == "." ? "" : dir, from: key.old, to: key.new)
                        where seen[c.id] == nil {
                            seen[c.id] = found.count
                            found.append(c)
                        }
                    }
                    let sorted = found.indices.sorted { a, b in
                        found[a].time != found[b].time ? found[a].time > found[b].time : a < b
                    }.map { found[$0] }
                    log.total = sorted.count
                    log.commits = sorted.prefix(PullRequestsReport.logLimit).map {
                        "\($0.id.short.prefix(7)) \($0.summary)"
                    }
                } catch {
                    log.error = "\(error)"
                }
            }
            out.append(log)
        }
        return out
    }
}
