import OfficialImages
import TrackbotCore

/// naughty-commits.sh: every GitCommit must be in its GitFetch ref (`commit-not-in-ref`), and its
/// history must not modify binary `*.tar*` files larger than the threshold (`naughty-commits`).
/// The script reads the whole history of each commit; trackbot reads from the new GitCommit back
/// to the entry's previous GitCommit (a pull request's merge base), or the whole history up to
/// `historyBound` commits when there is no previous one.
public enum NaughtyCommits {
    /// The script's `fileSizeThresholdMB`: a file counts when `size / 1024 / 1024` (whole MiB,
    /// rounded down) is greater than 2, so from 3 MiB.
    public static let thresholdMB = 2
    /// Commits read per range when there is no previous GitCommit.
    public static let historyBound = 1000

    public static func isNaughty(_ change: TarballChange) -> Bool {
        change.isBinary && change.size / 1024 / 1024 > thresholdMB
    }

    /// The entry's GitCommit for `arch` in the base's library file: the first of its tags whose
    /// entry there has the architecture and the same GitRepo. Nil when the base has none.
    public static func previousCommit(_ image: String, entry: Entry, arch: Architecture, facts: LintFacts)
        -> String?
    {
        guard let base = facts.baseFiles[image] else { return nil }
        let new = entry.source(for: arch)
        for tag in entry.tags {
            guard let before = base.entries(for: tag).first, before.architectures.contains(arch) else { continue }
            let old = before.source(for: arch)
            if old.gitRepo == new.gitRepo { return old.gitCommit }
        }
        return nil
    }

    /// Every upstream commit an image's entries name, and the history range to read for each.
    public static func ranges(_ file: LibraryFile, facts: LintFacts) -> [(UpstreamCommit, TarballRange)] {
        var out: [(UpstreamCommit, TarballRange)] = []
        var seen: Set<TarballRange> = []
        for entry in file.entries {
            for arch in entry.architectures {
                let s = entry.source(for: arch)
                let range = TarballRange(
                    gitRepo: s.gitRepo, commit: s.gitCommit,
                    since: previousCommit(file.name, entry: entry, arch: arch, facts: facts))
                if seen.insert(range).inserted {
                    out.append(
                        (UpstreamCommit(gitRepo: s.gitRepo, gitFetch: s.gitFetch, gitCommit: s.gitCommit), range))
                }
            }
        }
        return out
    }

    static func check(_ file: LibraryFile, facts: LintFacts, rules: Set<LintRule>) -> (
        [LintProblem], [LintNotChecked], [String]
    ) {
        var problems: [LintProblem] = []
        var unchecked: [LintNotChecked] = []
        var notes: [String] = []
        for entry in file.entries {
            // Architectures grouped by what they name, in order.
            var byCommit: [(UpstreamCommit, [String])] = []
            var byRange: [(TarballRange, [String])] = []
            for arch in entry.architectures {
                let s = entry.source(for: arch)
                let key = UpstreamCommit(gitRepo: s.gitRepo, gitFetch: s.gitFetch, gitCommit: s.gitCommit)
                if let i = byCommit.firstIndex(where: { $0.0 == key }) {
                    byCommit[i].1.append(arch.rawValue)
                } else {
                    byCommit.append((key, [arch.rawValue]))
                }
                let range = TarballRange(
                    gitRepo: s.gitRepo, commit: s.gitCommit,
                    since: previousCommit(file.name, entry: entry, arch: arch, facts: facts))
                if let i = byRange.firstIndex(where: { $0.0 == range }) {
                    byRange[i].1.append(arch.rawValue)
                } else {
                    byRange.append((range, [arch.rawValue]))
                }
            }
            func problem(_ rule: LintRule, _ arches: [String], commit: String, _ message: String, _ fix: String)
                -> LintProblem
            {
                LintProblem(
                    rule: rule, image: file.name, line: entry.line, tag: entry.firstTag, architectures: arches,
                    commit: commit, message: message, fix: fix)
            }
            func skip(_ rule: LintRule, _ arches: [String], _ reason: String) -> LintNotChecked {
                LintNotChecked(
                    rule: rule, image: file.name, line: entry.line, tag: entry.firstTag, architectures: arches,
                    reason: reason)
            }
            if rules.contains(.commitNotInRef) {
                for (key, arches) in byCommit {
                    switch facts.refChecks[key] {
                    case .inRef?: break
                    case .notInRef(let tip)?:
                        problems.append(
                            problem(
                                .commitNotInRef, arches, commit: key.gitCommit,
                                "GitCommit \(key.gitCommit) is not in GitFetch \(key.gitFetch) of \(key.gitRepo) (its tip is \(tip.prefix(12)))",
                                "use a commit of \(key.gitFetch), or set GitFetch to the ref that holds \(key.gitCommit.prefix(12))"
                            ))
                    case .unfetchable(let why)?:
                        problems.append(
                            problem(
                                .commitNotInRef, arches, commit: key.gitCommit,
                                "unable to fetch GitFetch \(key.gitFetch) of \(key.gitRepo): \(why)",
                                "check GitRepo and GitFetch"))
                    case .notChecked(let why)?:
                        unchecked.append(skip(.commitNotInRef, arches, "\(key.gitRepo) \(key.gitFetch): \(why)"))
                    case nil:
                        unchecked.append(skip(.commitNotInRef, arches, "\(key.gitRepo) was not fetched"))
                    }
                }
            }
            guard rules.contains(.naughtyCommits) else { continue }
            // Each naughty commit once per entry, with every architecture whose range holds it.
            var naughty: [(commit: String, top: String, files: [TarballChange], arches: [String])] = []
            for (range, arches) in byRange {
                switch facts.tarballHistories[range] {
                case .walked(let changes, let visited, let truncated)?:
                    if truncated {
                        let note =
                            "naughty-commits read \(visited) commits of \(range.gitRepo) back from \(range.commit.prefix(12)) (the bound; no earlier GitCommit to stop at)"
                        if !notes.contains(note) { notes.append(note) }
                    }
                    for change in changes where isNaughty(change) {
                        if let i = naughty.firstIndex(where: { $0.commit == change.commit }) {
                            if !naughty[i].files.contains(where: { $0.path == change.path }) {
                                naughty[i].files.append(change)
                            }
                            for arch in arches where !naughty[i].arches.contains(arch) {
                                naughty[i].arches.append(arch)
                            }
                        } else {
                            naughty.append((change.commit, range.commit, [change], arches))
                        }
                    }
                case .notChecked(let why)?:
                    unchecked.append(skip(.naughtyCommits, arches, "\(range.gitRepo): \(why)"))
                case nil:
                    unchecked.append(skip(.naughtyCommits, arches, "the history of \(range.gitRepo) was not read"))
                }
            }
            for n in naughty {
                let list = n.files.map { "\($0.path) (\($0.size / 1024 / 1024)MB)" }
                let inHistory = n.commit == n.top ? "" : " (in the history of \(n.top.prefix(12)))"
                problems.append(
                    problem(
                        .naughtyCommits, n.arches, commit: n.commit,
                        "commit \(n.commit.prefix(12))\(inHistory) modifies binary file(s) larger than \(thresholdMB)MB: \(list.joined(separator: ", "))",
                        "keep large binaries out of the history official-images builds from (add a new file or fetch it in the Dockerfile); official-images reviewers must accept this commit explicitly"
                    ))
            }
        }
        return (problems, unchecked, notes)
    }
}
