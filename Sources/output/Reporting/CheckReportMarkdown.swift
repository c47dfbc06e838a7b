import TrackbotCore
import Tracking

/// The Markdown report (a pull request comment, a job summary): the alerts first and never
/// folded; then each image grouped by library entry inside `<details>`, with full digests, pins
/// ready to paste and links to the upstream commits.
extension CheckReportRenderer {
    static func markdown(_ r: CheckReport) -> String {
        typealias M = MarkdownText
        var out = ["## trackbot", ""]
        let s = r.summary
        out.append(
            "**\(s.alerts) alert(s), \(s.warnings) warning(s)** across \(s.images) image(s), \(s.tags) tag(s), \(s.platforms) platform(s)"
                + (s.errors > 0 ? "; \(s.errors) image(s) could not be checked" : "") + ".")
        out.append("")
        let groupings = r.images.map { ($0, ImageGrouping($0)) }
        let alerts = groupings.flatMap { image, g in
            (g.entries.flatMap(\.allFindings) + g.other).filter { $0.finding.severity == .alert }.map {
                (image.name, $0)
            }
        }
        if !alerts.isEmpty {
            out += [
                "### Alerts", "",
                "| kind | image | tags | arch | message | expected | actual | open since |",
                "|---|---|---|---|---|---|---|---|",
            ]
            for (image, a) in alerts {
                let f = a.finding
                out.append(
                    "| \(M.code(f.kind.rawValue, inTable: true)) | \(M.escaped(image)) | "
                        + "\(a.tags.map { M.code($0, inTable: true) }.joined(separator: " ")) | \(M.code(f.arch ?? "", inTable: true)) | "
                        + "\(M.escaped(f.message)) | \(M.code(f.expected ?? "", inTable: true)) | \(M.code(f.actual ?? "", inTable: true)) | "
                        + "\(M.escaped(f.alertStatus == .open ? f.openSince ?? "" : f.alertStatus?.rawValue ?? "")) |")
            }
            out.append("")
        }
        for (image, grouping) in groupings { out += imageSection(image, grouping) + [""] }
        let changes = ReportChange.changes(r).map(changeLine)
        if !changes.isEmpty {
            out += ["### Changed since the last run", ""]
            out += M.foldedWhenLong("\(changes.count) change(s)", changes) + [""]
        }
        return out.joined(separator: "\n")
    }

    static func imageSection(_ image: ImageReport, _ g: ImageGrouping) -> [String] {
        typealias M = MarkdownText
        var out = ["### \(M.escaped(image.name))", ""]
        if let commit = image.libraryCommit { out += ["library at \(M.code(commit))", ""] }
        if let e = image.error { out += ["**Could not be checked:** \(M.escaped(e)) (recorded state kept)", ""] }
        var inside: [String] = []
        for entry in g.entries { inside += entrySection(image.name, entry) }
        let other = g.other.map { findingItem($0, of: [], withTags: true) } + g.shared.map { findingItem($0, of: []) }
        if !other.isEmpty { inside += ["#### Across the image", ""] + other + [""] }
        inside += image.notes.map { "- note: \(M.escaped($0))" }
        let findings = image.findings
        let summary =
            "\(image.name): \(g.entries.count) library entr\(g.entries.count == 1 ? "y" : "ies"), \(image.tags.count) tag(s), "
            + "\(image.tags.reduce(0) { $0 + $1.platforms.count }) platform(s); "
            + "\(findings.filter { $0.severity == .alert }.count) alert(s), \(findings.filter { $0.severity == .warn }.count) warning(s)"
        return out + M.details(summary, inside)
    }

    static func entrySection(_ image: String, _ entry: EntryGroup) -> [String] {
        typealias M = MarkdownText
        let tags = entry.tags.map(\.tag)
        var out = ["#### " + entry.entryTags.map { M.code($0) }.joined(separator: " "), ""]
        if !entry.checksAllEntryTags {
            out += ["checked: " + tags.map { M.code($0) }.joined(separator: " "), ""]
        }
        for (digest, named) in entry.indexDigests {
            guard let digest, let first = named.first else { continue }
            out.append(
                "- index digest (what `docker pull` shows): \(M.code("\(digest)")); pin: "
                    + M.code(DigestsReport.pin("\(image):\(first)", digest))
                    + (entry.indexDigests.count > 1 ? " for " + named.map { M.code($0) }.joined(separator: " ") : ""))
        }
        if entry.indexDigests.contains(where: { $0.digest != nil }) { out.append("") }
        for build in entry.builds {
            let buildTags = build.tags.map(\.tag)
            if entry.builds.count > 1 {
                // An alias mismatch: each tag's platforms shown, none hidden behind another's.
                out += ["platforms of " + buildTags.map { M.code($0) }.joined(separator: " ") + ":", ""]
            }
            out += [
                "| | arch | checked | pin (platform digest: the registry's per-platform pages) | source |",
                "|---|---|---|---|---|",
            ]
            for platform in build.platforms {
                let p = platform.report
                let pin = p.digest.map {
                    M.code(DigestsReport.pin("\(image):\(buildTags.first ?? "")", $0), inTable: true)
                }
                out.append(
                    "| \(Style(enabled: false).mark(p)) | \(M.code(p.arch, inTable: true)) | \(M.escaped(p.status.phrase + (p.statusDetail.map { ": \($0)" } ?? ""))) | "
                        + "\(pin ?? "") | \(M.commit(p.source.gitCommit, gitRepo: p.source.gitRepo)) \(M.code(p.source.directory, inTable: true)) |"
                )
            }
            out.append("")
            var items: [String] = []
            for platform in build.platforms {
                let arch = M.code(platform.report.arch)
                items += platform.details.map {
                    "- \(arch): \(M.escaped($0.line))" + M.escaped(covering($0.tags, of: buildTags))
                }
                items += platform.findings.map { findingItem($0, of: tags) }
            }
            if !items.isEmpty { out += M.foldedWhenLong("\(items.count) line(s) about these platforms", items) + [""] }
        }
        let rest =
            entry.findings.map { findingItem($0, of: tags) }
            + entry.notes.map { "- note: \(M.escaped($0.line + covering($0.tags, of: tags)))" }
        if !rest.isEmpty { out += rest + [""] }
        return out
    }

    /// `- **alert** `digest-drift` `amd64`: message (×3 tags: …)`
    static func findingItem(_ f: CollapsedFinding, of all: [String], withTags: Bool = false) -> String {
        typealias M = MarkdownText
        let x = f.finding
        let severity = x.severity == .alert ? "**alert**" : x.severity.rawValue
        let tags = withTags && !f.tags.isEmpty ? " " + f.tags.map { M.code($0) }.joined(separator: " ") : ""
        return "- \(severity) \(M.code(x.kind.rawValue))\(tags)\(x.arch.map { " " + M.code($0) } ?? ""): "
            + M.escaped(x.message + since(x) + f.count(of: all))
            + (x.expected.map { " expected \(M.code($0))" } ?? "") + (x.actual.map { ", actual \(M.code($0))" } ?? "")
    }

    static func changeLine(_ c: ReportChange) -> String {
        typealias M = MarkdownText
        let what =
            "- \(M.escaped(c.image)) " + c.tags.map { M.code($0) }.joined(separator: " ") + " \(M.escaped(c.subject)): "
        guard let old = c.old else { return what + M.escaped(c.note ?? "") }
        return what + "\(M.code(old)) → \(M.code(c.new ?? ""))" + (c.note.map { " " + M.escaped($0) } ?? "")
    }
}
