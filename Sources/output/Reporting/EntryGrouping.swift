import TrackbotCore
import Tracking

/// One image of a check report as the text and Markdown reports show it: grouped by library
/// entry (the tags of an entry are one build), with findings that repeat across tags said once.
/// Nothing is dropped: a collapsed finding carries the tags it covers, and alerts are never
/// lifted out of their entry.
struct ImageGrouping {
    var entries: [EntryGroup]
    /// Warnings and info identical in two or more entries, said once for the image.
    var shared: [CollapsedFinding]
    /// Findings about no tag checked here (tag-added, tag-removed, upstream rewrites).
    var other: [CollapsedFinding]

    init(_ image: ImageReport) {
        var entries: [EntryGroup] = []
        for tag in image.tags {
            let key = tag.entryTags.isEmpty ? [tag.tag] : tag.entryTags
            if let i = entries.firstIndex(where: { $0.entryTags == key }) {
                entries[i].tags.append(tag)
            } else {
                entries.append(EntryGroup(entryTags: key, tags: [tag]))
            }
        }
        let checked = Set(image.tags.map(\.tag))
        // Each entry is handed only its own tags' findings (in the report's order), not the
        // whole image's: node has hundreds of findings over dozens of entries.
        var byTag: [String: [Int]] = [:]
        for (i, f) in image.findings.enumerated() { if let t = f.tag { byTag[t, default: []].append(i) } }
        entries = entries.map { e in
            let mine = Set(e.tags.map(\.tag)).flatMap { byTag[$0] ?? [] }.sorted()
            return e.arranged(mine.map { image.findings[$0] })
        }
        other = CollapsedFinding.collapse(image.findings.filter { $0.tag.map { !checked.contains($0) } ?? true })
        shared = []
        // A warning said by two or more entries is said once for the image; an alert stays
        // under each entry it concerns.
        var seen: [CollapsedFinding.Key: Set<Int>] = [:]
        var merged: [CollapsedFinding.Key: CollapsedFinding] = [:]
        var order: [CollapsedFinding.Key] = []
        for (i, e) in entries.enumerated() {
            for f in e.allFindings where f.finding.severity != .alert {
                let key = f.key
                if seen[key] == nil { order.append(key) }
                seen[key, default: []].insert(i)
                if merged[key] == nil { merged[key] = f } else { merged[key]?.tags += f.tags }
            }
        }
        let lifted = Set(order.filter { (seen[$0]?.count ?? 0) > 1 })
        for key in order where lifted.contains(key) {
            guard var m = merged[key] else { continue }
            m.entries = seen[key]?.count ?? 1
            shared.append(m)
        }
        self.entries = entries.map { $0.without(lifted) }
    }
}

/// The tags of one library entry checked in this run.
struct EntryGroup {
    var entryTags: [String]
    var tags: [TagReport]
    /// Each index digest with the tags that publish it: one, unless the entry's tags disagree.
    var indexDigests: [(digest: Digest?, tags: [String])] = []
    /// The tags whose platforms are the same (arch, digest, status, source): one build, unless
    /// a tag's platforms differ (alias mismatch), which is then shown apart.
    var builds: [Build] = []
    /// Findings about a tag as a whole, or about an architecture it does not list.
    var findings: [CollapsedFinding] = []
    var notes: [(line: String, tags: [String])] = []

    /// The tags as the heading names them: the entry's, or the tags checked and then the entry's.
    var heading: String {
        checksAllEntryTags
            ? entryTags.joined(separator: ", ")
            : tags.map(\.tag).joined(separator: ", ") + "  [\(entryTags.joined(separator: ", "))]"
    }

    /// Whether every tag of the entry was checked in this run.
    var checksAllEntryTags: Bool { Set(tags.map(\.tag)) == Set(entryTags) }

    var allFindings: [CollapsedFinding] {
        builds.flatMap { $0.platforms.flatMap(\.findings) } + findings
    }

    func arranged(_ findings: [Finding]) -> EntryGroup {
        var e = self
        for tag in tags {
            if let i = e.indexDigests.firstIndex(where: { $0.digest == tag.indexDigest }) {
                e.indexDigests[i].tags.append(tag.tag)
            } else {
                e.indexDigests.append((tag.indexDigest, [tag.tag]))
            }
            let signature = tag.platforms.map(Build.Signature.init)
            if let i = e.builds.firstIndex(where: { $0.signature == signature }) {
                e.builds[i].tags.append(tag)
            } else {
                e.builds.append(Build(signature: signature, tags: [tag]))
            }
            for n in tag.notes.map(NoteWording.line) {
                if let i = e.notes.firstIndex(where: { $0.line == n }) {
                    e.notes[i].tags.append(tag.tag)
                } else {
                    e.notes.append((n, [tag.tag]))
                }
            }
        }
        e.builds = e.builds.map { $0.arranged(findings) }
        let names = Set(tags.map(\.tag))
        e.findings = CollapsedFinding.collapse(
            findings.filter { f in
                guard let t = f.tag, names.contains(t) else { return false }
                guard let arch = f.arch else { return true }
                // One about an architecture the tag does not list is shown here, never lost.
                return !(tags.first { $0.tag == t }?.platforms.contains { $0.arch == arch } ?? false)
            })
        return e
    }

    func without(_ keys: Set<CollapsedFinding.Key>) -> EntryGroup {
        var e = self
        e.findings.removeAll { keys.contains($0.key) }
        for b in e.builds.indices {
            for p in e.builds[b].platforms.indices {
                e.builds[b].platforms[p].findings.removeAll { keys.contains($0.key) }
            }
        }
        return e
    }
}

/// Tags of an entry whose platforms are the same.
struct Build {
    /// What must be equal for two tags' platforms to be one build.
    struct Signature: Equatable {
        var arch: String, digest: Digest?, status: PlatformCheck, detail: String?, commit: String, directory: String
        init(_ p: PlatformReport) {
            arch = p.arch
            digest = p.digest
            status = p.status
            detail = p.statusDetail
            commit = p.source.gitCommit
            directory = p.source.directory
        }
    }
    var signature: [Signature]
    var tags: [TagReport]
    var platforms: [BuildPlatform] = []

    func arranged(_ findings: [Finding]) -> Build {
        var b = self
        let names = tags.map(\.tag)
        b.platforms = (tags.first?.platforms ?? []).map { first in
            var merged = first
            var details: [(line: String, tags: [String])] = []
            for tag in tags {
                guard let p = tag.platforms.first(where: { $0.arch == first.arch }) else { continue }
                if let w = p.worst, merged.worst.map({ $0 < w }) ?? true { merged.worst = w }
                for line in BuildPlatform.details(p) {
                    if let i = details.firstIndex(where: { $0.line == line }) {
                        details[i].tags.append(tag.tag)
                    } else {
                        details.append((line, [tag.tag]))
                    }
                }
            }
            let mine = findings.filter { f in f.arch == first.arch && f.tag.map(names.contains) == true }
            return BuildPlatform(
                report: merged, details: details, findings: CollapsedFinding.collapse(mine))
        }
        return b
    }
}

/// One platform of a build: the first tag's report, with the worst severity over all its tags.
struct BuildPlatform {
    var report: PlatformReport
    /// What was verified, the provenance, pins and parents, each with the tags that say it.
    var details: [(line: String, tags: [String])]
    var findings: [CollapsedFinding]

    static func details(_ p: PlatformReport) -> [String] {
        var out = p.verified.map { "verified \(VerifiedWording.line($0))" }
        // The build's own word, under the library's (`commit:dir` on the platform line).
        if let a = p.attestation {
            let said = "\(a.commit.map { String($0.prefix(7)) } ?? "?"):\(a.directory ?? ".")"
            out.append("provenance \(said) \(a.dockerfile ?? "Dockerfile") (attestation \(a.attestation.short))")
        }
        out += PinWording.lines(p.pins, directory: p.source.directory, file: p.source.file)
        out += ChainWording.lines(p.chain ?? [])
        return out
    }
}

/// A finding said once for every tag it is identical on.
struct CollapsedFinding {
    /// Identical: same severity, kind, architecture, message, expected, actual and status.
    struct Key: Hashable {
        var severity: Severity, kind: FindingKind, arch: String?, message: String
        var expected: String?, actual: String?, openSince: String?, status: AlertStatus?
    }
    var finding: Finding
    var tags: [String]
    /// How many library entries it was said by (more than one only for the image's shared ones).
    var entries = 1

    var key: Key {
        Key(
            severity: finding.severity, kind: finding.kind, arch: finding.arch, message: finding.message,
            expected: finding.expected, actual: finding.actual, openSince: finding.openSince,
            status: finding.alertStatus)
    }

    static func collapse(_ findings: [Finding]) -> [CollapsedFinding] {
        var out: [CollapsedFinding] = []
        var index: [Key: Int] = [:]
        for f in findings {
            let c = CollapsedFinding(finding: f, tags: f.tag.map { [$0] } ?? [])
            if let i = index[c.key] {
                out[i].tags += c.tags.filter { !out[i].tags.contains($0) }
            } else {
                index[c.key] = out.count
                out.append(c)
            }
        }
        return out
    }

    /// ` (×3 tags)`, naming the tags when they are not all of `of` or it is an alert (an alert
    /// always says what it covers); ` (×40 tags in 18 entries)` for the image's shared ones.
    func count(of all: [String]) -> String {
        if entries > 1 { return " (×\(tags.count) tags in \(entries) entries)" }
        guard tags.count > 1 else { return "" }
        let named = finding.severity == .alert || Set(tags) != Set(all)
        return " (×\(tags.count) tags" + (named ? ": \(tags.joined(separator: ", "))" : "") + ")"
    }
}
