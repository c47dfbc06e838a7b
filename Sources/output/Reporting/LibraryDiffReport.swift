import OfficialImages
import TrackbotCore

/// A library diff as text (one line per change), Markdown, or JSON.
public enum LibraryDiffReport {
    public static func render(_ diff: LibraryDiff, format: OutputFormat, title: String? = nil) throws -> String {
        switch format {
        case .json: return try JSONOutput.encode(diff)
        // Values come from library files anyone can propose.
        case .text:
            return Sanitize.terminal(
                lines(diff, title: title, bullet: "  ").joined(separator: "\n") + "\n", multiline: true)
        case .markdown:
            return Sanitize.terminal(
                (["### " + (title ?? "library/\(diff.image)"), ""]
                    + lines(diff, title: nil, bullet: "- ")).joined(separator: "\n") + "\n", multiline: true)
        }
    }

    static func lines(_ d: LibraryDiff, title: String?, bullet: String) -> [String] {
        var out: [String] = []
        if let title { out.append(title) }
        if d.isEmpty { return out + ["\(bullet)no changes"] }
        out += d.tagsAdded.map { "\(bullet)+ tag \($0)" }
        out += d.tagsRemoved.map { "\(bullet)- tag \($0)" }
        for m in d.tagsMoved {
            let commits = m.changes.filter { $0.field == "GitCommit" }
            let summary = Set(commits.map { "\(short($0.old)) → \(short($0.new))" }).sorted().joined(separator: ", ")
            out.append(
                "\(bullet)~ tag \(m.tag) moved"
                    + (m.fromEntry == m.toEntry ? "" : " from entry \(m.fromEntry) to \(m.toEntry)")
                    + (summary.isEmpty ? "" : " (\(summary))"))
        }
        out += d.entriesAdded.map { "\(bullet)+ entry \($0.joined(separator: ", "))" }
        out += d.entriesRemoved.map { "\(bullet)- entry \($0.joined(separator: ", "))" }
        for e in d.entriesChanged {
            let name =
                e.oldTags == e.newTags
                ? e.newTags.joined(separator: ", ")
                : "\(e.newTags.joined(separator: ", ")) (was \(e.oldTags.joined(separator: ", ")))"
            out.append("\(bullet)entry \(name):")
            // The same change on several architectures is one line naming them.
            var groups: [(key: String, arches: [String])] = []
            for c in e.changes {
                let key = "\(c.field) \(c.old ?? "(none)") → \(c.new ?? "(none)")"
                if c.field != "Architectures", let i = groups.firstIndex(where: { $0.key == key }), let a = c.arch {
                    groups[i].arches.append(a)
                } else {
                    groups.append((key, c.arch.map { [$0] } ?? []))
                }
            }
            for g in groups {
                out.append("\(bullet)    \(g.arches.isEmpty ? "" : g.arches.joined(separator: ", ") + ": ")\(g.key)")
            }
        }
        out += d.maintainersChanged.map { "\(bullet)Maintainers \($0.old ?? "") → \($0.new ?? "")" }
        return out
    }

    private static func short(_ s: String?) -> String {
        guard let s else { return "(none)" }
        return s.count == 40 || s.count == 64 ? String(s.prefix(7)) : s
    }
}
