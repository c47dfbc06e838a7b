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
                (["### " + MarkdownText.escaped(title ?? "library/\(diff.image)"), ""] + markdownLines(diff))
                    .joined(separator: "\n") + "\n", multiline: true)
        }
    }

    /// The diff as a fenced `diff` block, so GitHub shows added and removed lines apart (a `+`
    /// or `-` bullet would render as an empty nested list) and values keep every character.
    static func markdownLines(_ d: LibraryDiff) -> [String] {
        d.isEmpty ? ["no changes"] : MarkdownText.fenced(diffLines(d), info: "diff")
    }

    /// `+`/`-` for what was added and removed, a space for context (a moved tag, the entry a
    /// field change belongs to); a changed field is its old value removed and its new added.
    static func diffLines(_ d: LibraryDiff) -> [String] {
        var out = tagsAndEntries(d, bullet: "", moved: " ")
        for e in d.entriesChanged {
            out.append("  entry \(entryName(e)):")
            for g in groups(e.changes) {
                let arches = g.arches.isEmpty ? "" : g.arches.joined(separator: ", ") + ": "
                if let old = g.old { out.append("-     \(arches)\(g.field) \(old)") }
                if let new = g.new { out.append("+     \(arches)\(g.field) \(new)") }
            }
        }
        for m in d.maintainersChanged {
            if let old = m.old { out.append("- Maintainers \(old)") }
            if let new = m.new { out.append("+ Maintainers \(new)") }
        }
        return out
    }

    static func lines(_ d: LibraryDiff, title: String?, bullet: String) -> [String] {
        var out: [String] = []
        if let title { out.append(title) }
        if d.isEmpty { return out + ["\(bullet)no changes"] }
        out += tagsAndEntries(d, bullet: bullet, moved: "~")
        for e in d.entriesChanged {
            out.append("\(bullet)entry \(entryName(e)):")
            for g in groups(e.changes) {
                out.append(
                    "\(bullet)    \(g.arches.isEmpty ? "" : g.arches.joined(separator: ", ") + ": ")"
                        + "\(g.field) \(g.old ?? "(none)") → \(g.new ?? "(none)")")
            }
        }
        out += d.maintainersChanged.map { "\(bullet)Maintainers \($0.old ?? "") → \($0.new ?? "")" }
        return out
    }

    /// Tags and entries added (`+`), removed (`-`) and moved (`moved`: `~` in text, a space,
    /// which is context, in a `diff` block), the part both renderings share.
    static func tagsAndEntries(_ d: LibraryDiff, bullet: String, moved mark: String) -> [String] {
        d.tagsAdded.map { "\(bullet)+ tag \($0)" } + d.tagsRemoved.map { "\(bullet)- tag \($0)" }
            + d.tagsMoved.map { "\(bullet)\(mark) " + moved($0) }
            + d.entriesAdded.map { "\(bullet)+ entry \($0.joined(separator: ", "))" }
            + d.entriesRemoved.map { "\(bullet)- entry \($0.joined(separator: ", "))" }
    }

    /// `tag 3.20 moved from entry 3.20.3 to 3.20.4 (7d63673 → 570fbc0)`
    static func moved(_ m: LibraryDiff.TagMove) -> String {
        let commits = m.changes.filter { $0.field == "GitCommit" }
        let summary = Set(commits.map { "\(short($0.old)) → \(short($0.new))" }).sorted().joined(separator: ", ")
        return "tag \(m.tag) moved"
            + (m.fromEntry == m.toEntry ? "" : " from entry \(m.fromEntry) to \(m.toEntry)")
            + (summary.isEmpty ? "" : " (\(summary))")
    }

    static func entryName(_ e: LibraryDiff.EntryChange) -> String {
        e.oldTags == e.newTags
            ? e.newTags.joined(separator: ", ")
            : "\(e.newTags.joined(separator: ", ")) (was \(e.oldTags.joined(separator: ", ")))"
    }

    /// The same change on several architectures is one group naming them.
    static func groups(_ changes: [LibraryDiff.FieldChange]) -> [(
        field: String, old: String?, new: String?, arches: [String]
    )] {
        var out: [(field: String, old: String?, new: String?, arches: [String])] = []
        for c in changes {
            if c.field != "Architectures", let a = c.arch,
                let i = out.firstIndex(where: { ($0.field, $0.old, $0.new) == (c.field, c.old, c.new) })
            {
                out[i].arches.append(a)
            } else {
                out.append((c.field, c.old, c.new, c.arch.map { [$0] } ?? []))
            }
        }
        return out
    }

    private static func short(_ s: String?) -> String {
        guard let s else { return "(none)" }
        return s.count == 40 || s.count == 64 ? String(s.prefix(7)) : s
    }
}
