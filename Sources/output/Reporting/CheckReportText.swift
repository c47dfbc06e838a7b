import TrackbotCore
import Tracking

/// The text report: one block per library entry (its tags on one line, its index digest, its
/// platforms once), findings repeated across tags said once with a count.
extension CheckReportRenderer {
    static func text(_ r: CheckReport, style: Style) -> String {
        var out: [String] = []
        for image in r.images {
            out.append(
                style.paint(image.name, "1") + clean(image.libraryCommit.map { " (library at \($0.prefix(12)))" } ?? "")
            )
            if let error = image.error {
                out.append("  " + style.paint("could not be checked: \(error)", "31") + " (recorded state kept)")
            }
            let grouping = ImageGrouping(image)
            for entry in grouping.entries { out += entryLines(entry, style: style) }
            for f in grouping.other {
                out.append(
                    "  \(style.severity(f.finding.severity)) "
                        + clean(
                            "\(f.finding.kind.rawValue)\(f.tags.isEmpty ? "" : " " + f.tags.joined(separator: ", "))"
                                + "\(f.finding.arch.map { " \($0)" } ?? ""): \(f.finding.message)\(since(f.finding))"))
            }
            for f in grouping.shared {
                out.append("  " + findingLine(f, of: [], withArch: true, style: style))
            }
            for n in image.notes { out.append(clean("  note: \(n)")) }
        }
        let changes = ReportChange.changes(r)
        if !changes.isEmpty {
            out.append("")
            out.append(style.paint("Changed since the last run:", "1"))
            out += changes.map { "  " + clean($0.line) }
        }
        out.append("")
        let s = r.summary
        out.append(
            "\(s.images) image\(s.images == 1 ? "" : "s"), \(s.tags) tag\(s.tags == 1 ? "" : "s"), \(s.platforms) platform\(s.platforms == 1 ? "" : "s"): "
                + "\(s.alerts) alert\(s.alerts == 1 ? "" : "s"), \(s.warnings) warning\(s.warnings == 1 ? "" : "s"), \(s.infos) info"
                + (s.errors > 0 ? ", \(s.errors) could not be checked" : ""))
        return out.joined(separator: "\n") + "\n"
    }

    static func entryLines(_ entry: EntryGroup, style: Style) -> [String] {
        var out = [clean("  \(entry.heading)")]
        let tags = entry.tags.map(\.tag)
        if entry.indexDigests.count == 1 {
            if let index = entry.indexDigests[0].digest {
                out.append("    index \(index)  (what `docker pull` shows)")
            }
        } else {
            // The entry's tags disagree: each index digest with the tags that publish it.
            for (digest, named) in entry.indexDigests {
                out.append(
                    clean(
                        "    " + (digest.map { "index \($0)  (what `docker pull` shows)" } ?? "no index digest")
                            + " for \(named.joined(separator: ", "))"))
            }
        }
        for build in entry.builds {
            var indent = "    "
            if entry.builds.count > 1 {
                // An alias mismatch: each tag's platforms shown, none hidden behind another's.
                out.append(clean("    platforms of \(build.tags.map(\.tag).joined(separator: ", ")):"))
                indent = "      "
            }
            out += platformLines(build, of: tags, indent: indent, style: style)
        }
        for f in entry.findings { out.append("    " + findingLine(f, of: tags, withArch: true, style: style)) }
        for n in entry.notes { out.append(clean("    note: \(n.line)" + covering(n.tags, of: tags))) }
        return out
    }

    static func platformLines(_ build: Build, of all: [String], indent: String, style: Style) -> [String] {
        var out: [String] = []
        let buildTags = build.tags.map(\.tag)
        let width = build.platforms.map { clean($0.report.arch).count }.max() ?? 0
        for platform in build.platforms {
            let p = platform.report
            let arch = clean(p.arch).padding(toLength: width, withPad: " ", startingAt: 0)
            let digest =
                p.digest.map { "\($0)" }
                ?? "(\(p.status == .registryNotAsked ? "registry not asked" : "not published"))"
            let status =
                p.status == .verified || p.status == .mismatch
                ? "" : "  " + p.status.phrase + (p.statusDetail.map { ": \($0)" } ?? "")
            out.append(
                "\(indent)\(style.mark(p)) "
                    + clean("\(arch)  \(digest)  \(p.source.gitCommit.prefix(7)):\(p.source.directory)\(status)"))
            for d in platform.details { out.append(clean("\(indent)    \(d.line)" + covering(d.tags, of: buildTags))) }
            for f in platform.findings {
                out.append("\(indent)    " + findingLine(f, of: all, withArch: false, style: style))
            }
        }
        return out
    }

    /// `! kind: message (×3 tags)`, the architecture named when not under its platform.
    static func findingLine(_ f: CollapsedFinding, of all: [String], withArch: Bool, style: Style) -> String {
        let arch = withArch ? f.finding.arch.map { " \($0)" } ?? "" : ""
        return "\(style.severity(f.finding.severity)) "
            + clean("\(f.finding.kind.rawValue)\(arch): \(f.finding.message)\(since(f.finding))\(f.count(of: all))")
    }

    /// ` (1.0, latest)` when a line holds for some of the tags only.
    static func covering(_ tags: [String], of all: [String]) -> String {
        Set(tags) == Set(all) ? "" : " (\(tags.joined(separator: ", ")))"
    }
}
