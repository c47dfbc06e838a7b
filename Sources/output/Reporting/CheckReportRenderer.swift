import Foundation
import TrackbotCore
import Tracking

/// `check`/`watch` output: text grouped image → tag → architecture, a section of what changed
/// since the last run (old and new digests, each labelled), JSON, or Markdown.
public enum CheckReportRenderer {
    /// Every string in the report may come from outside (library files, registries, servers'
    /// messages): none of their control characters or escape sequences reach the output.
    public static func render(_ report: CheckReport, format: OutputFormat, color: Bool = false) throws -> String {
        switch format {
        case .json: return try JSONOutput.encode(report)
        case .markdown:
            return Sanitize.terminal(markdown(report) + mirrorsSection(report, format: .markdown), multiline: true)
        case .text: return text(report, style: Style(enabled: color)) + mirrorsSection(report, format: .text)
        }
    }

    /// Text output: every piece of a line is made safe first (`clean`: one line, no control
    /// characters), so a value can neither draw on the terminal nor start a line of its own;
    /// only then are trackbot's own colours painted around some pieces.
    struct Style {
        var enabled: Bool
        func paint(_ s: String, _ code: String) -> String {
            let safe = CheckReportRenderer.clean(s)
            return enabled ? "\u{1B}[\(code)m\(safe)\u{1B}[0m" : safe
        }
        func severity(_ s: Severity?) -> String {
            switch s {
            case nil: return paint("✓", "32")
            case .info?: return paint("i", "36")
            case .warn?: return paint("!", "33")
            case .alert?: return paint("✗", "31;1")
            }
        }
        /// ✓ only when something was verified or compared and matched.
        func mark(_ p: PlatformReport) -> String {
            switch (p.worst, p.status) {
            case (.alert?, _): return severity(.alert)
            case (_, .couldNotBeChecked): return paint("?", "31")
            case (.warn?, _): return severity(.warn)
            case (_, .verified): return severity(nil)
            default: return "·"
            }
        }
    }

    /// One line's worth of text from anywhere: no control characters, no line breaks.
    static func clean(_ s: String) -> String { Sanitize.terminal(s) }

    static func text(_ r: CheckReport, style: Style) -> String {
        var out: [String] = []
        for image in r.images {
            out.append(
                style.paint(image.name, "1") + clean(image.libraryCommit.map { " (library at \($0.prefix(12)))" } ?? "")
            )
            if let error = image.error {
                out.append("  " + style.paint("could not be checked: \(error)", "31") + " (recorded state kept)")
            }
            for tag in image.tags {
                out.append(
                    clean(
                        "  \(tag.tag)" + (tag.entryTags.count > 1 ? "  [\(tag.entryTags.joined(separator: ", "))]" : "")
                    ))
                if let index = tag.indexDigest {
                    out.append("    index \(index)  (what `docker pull` shows)")
                }
                let width = tag.platforms.map { clean($0.arch).count }.max() ?? 0
                for p in tag.platforms {
                    let arch = clean(p.arch).padding(toLength: width, withPad: " ", startingAt: 0)
                    let digest =
                        p.digest.map { "\($0)" }
                        ?? "(\(p.status == .registryNotAsked ? "registry not asked" : "not published"))"
                    let status =
                        p.status == .verified || p.status == .mismatch
                        ? "" : "  " + p.status.phrase + (p.statusDetail.map { ": \($0)" } ?? "")
                    out.append(
                        "    \(style.mark(p)) "
                            + clean(
                                "\(arch)  \(digest)  \(p.source.gitCommit.prefix(7)):\(p.source.directory)\(status)"))
                    for v in p.verified { out.append(clean("        verified \(VerifiedWording.line(v))")) }
                    // The build's own word, under the library's (`commit:dir` on the platform line).
                    if let a = p.attestation {
                        let said = "\(a.commit.map { String($0.prefix(7)) } ?? "?"):\(a.directory ?? ".")"
                        out.append(
                            clean(
                                "        provenance \(said) \(a.dockerfile ?? "Dockerfile") (attestation \(a.attestation.short))"
                            ))
                    }
                    for line in PinWording.lines(p.pins, directory: p.source.directory, file: p.source.file) {
                        out.append(clean("        \(line)"))
                    }
                    for line in ChainWording.lines(p.chain ?? []) { out.append(clean("        \(line)")) }
                    for f in image.findings where f.tag == tag.tag && f.arch == p.arch {
                        out.append(
                            "        \(style.severity(f.severity)) "
                                + clean("\(f.kind.rawValue): \(f.message)\(since(f))"))
                    }
                }
                for f in image.findings where f.tag == tag.tag && f.arch == nil {
                    out.append(
                        "    \(style.severity(f.severity)) " + clean("\(f.kind.rawValue): \(f.message)\(since(f))"))
                }
                for n in tag.notes { out.append(clean("    note: \(NoteWording.line(n))")) }
            }
            for f in image.findings where f.tag == nil || !image.tags.contains(where: { $0.tag == f.tag }) {
                out.append(
                    "  \(style.severity(f.severity)) "
                        + clean(
                            "\(f.kind.rawValue)\(f.tag.map { " \($0)" } ?? "")\(f.arch.map { " \($0)" } ?? ""): \(f.message)\(since(f))"
                        ))
            }
            for n in image.notes { out.append(clean("  note: \(n)")) }
        }
        let changes = changeLines(r)
        if !changes.isEmpty {
            out.append("")
            out.append(style.paint("Changed since the last run:", "1"))
            out += changes.map { "  " + clean($0) }
        }
        out.append("")
        let s = r.summary
        out.append(
            "\(s.images) image\(s.images == 1 ? "" : "s"), \(s.tags) tag\(s.tags == 1 ? "" : "s"), \(s.platforms) platform\(s.platforms == 1 ? "" : "s"): "
                + "\(s.alerts) alert\(s.alerts == 1 ? "" : "s"), \(s.warnings) warning\(s.warnings == 1 ? "" : "s"), \(s.infos) info"
                + (s.errors > 0 ? ", \(s.errors) could not be checked" : ""))
        return out.joined(separator: "\n") + "\n"
    }

    /// `(open since …)` for an alert that an earlier run raised.
    static func since(_ f: Finding) -> String {
        guard f.alertStatus == .open, let since = f.openSince else { return "" }
        return " (open since \(since))"
    }

    /// Old and new digests, each labelled: index (docker pull) and per platform (tag pages).
    static func changeLines(_ r: CheckReport) -> [String] {
        var out: [String] = []
        for image in r.images {
            for tag in image.tags {
                if let old = tag.previousIndexDigest, let new = tag.indexDigest, old != new {
                    out.append("\(image.name):\(tag.tag) index digest (docker pull): \(old) → \(new)")
                }
                for p in tag.platforms {
                    if let old = p.previousDigest, let new = p.digest, old != new {
                        let kinds = image.findings.filter {
                            $0.tag == tag.tag && $0.arch == p.arch && [.digestDrift, .rebuilt].contains($0.kind)
                        }
                        out.append(
                            "\(image.name):\(tag.tag) \(p.arch) platform digest: \(old) → \(new)"
                                + (kinds.first.map { " (\($0.kind.rawValue), \($0.severity.rawValue))" } ?? ""))
                    }
                }
            }
            for f in image.findings where [.tagAdded, .tagRemoved, .tagMoved].contains(f.kind) {
                out.append("\(image.name):\(f.tag ?? "") \(f.kind.rawValue): \(f.message)")
            }
        }
        return out
    }

    static func markdown(_ r: CheckReport) -> String {
        var out = ["## trackbot", ""]
        let s = r.summary
        out.append(
            "**\(s.alerts) alert(s), \(s.warnings) warning(s)** across \(s.images) image(s), \(s.tags) tag(s), \(s.platforms) platform(s)"
                + (s.errors > 0 ? "; \(s.errors) image(s) could not be checked" : "") + ".")
        out.append("")
        if !r.findings.isEmpty {
            out += [
                "| severity | kind | image:tag | arch | message | expected | actual | open since |",
                "|---|---|---|---|---|---|---|---|",
            ]
            for f in r.findings.sorted(by: { ($0.severity, $0.image ?? "") > ($1.severity, $1.image ?? "") }) {
                out.append(
                    "| \(f.severity.rawValue) | `\(f.kind.rawValue)` | \(f.image ?? "")\(f.tag.map { ":\($0)" } ?? "") | \(f.arch ?? "") | "
                        + "\(f.message.replacingOccurrences(of: "|", with: "\\|")) | \(f.expected.map { "`\($0)`" } ?? "") | \(f.actual.map { "`\($0)`" } ?? "") | "
                        + "\(f.alertStatus == .open ? f.openSince ?? "" : f.alertStatus?.rawValue ?? "") |")
            }
            out.append("")
        }
        for image in r.images {
            out.append("### \(image.name)" + (image.libraryCommit.map { " (library at `\($0.prefix(12))`)" } ?? ""))
            if let e = image.error { out += ["", "Could not be checked: \(e)"] }
            out.append("")
            out += [
                "| tag | arch | checked | platform digest | index digest (docker pull) | source |",
                "|---|---|---|---|---|---|",
            ]
            for tag in image.tags {
                for p in tag.platforms {
                    out.append(
                        "| \(tag.tag) | \(p.arch) | \(p.status.rawValue) | \(p.digest.map { "`\($0.short)`" } ?? "") | "
                            + "\(tag.indexDigest.map { "`\($0.short)`" } ?? "") | `\(p.source.gitCommit.prefix(7))`:\(p.source.directory) |"
                    )
                }
            }
            out.append("")
        }
        let changes = changeLines(r)
        if !changes.isEmpty { out += ["### Changed since the last run", ""] + changes.map { "- \($0)" } + [""] }
        return out.joined(separator: "\n")
    }
}

extension Severity {
    static func > (a: Severity, b: Severity) -> Bool { b < a }
}
