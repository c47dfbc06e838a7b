import TrackbotCore

/// Prints a library file in the format it was read in; for RFC 2822 the output reads like
/// `bashbrew cat` (defaults left out, entries showing only what differs from the global paragraph).
/// Reading the output back gives the same model.
public enum LibraryFileWriter {
    /// - Parameter only: print just these entries (with the global paragraph), as `IMAGE:TAG` does.
    public static func render(_ file: LibraryFile, only: [Entry]? = nil) -> String {
        let entries = only ?? file.entries
        switch file.format {
        case .rfc2822:
            let paragraphs =
                [paragraph(file.global, against: .defaults, isGlobal: true)]
                + entries.map { paragraph($0, against: file.global, isGlobal: false) }
            return paragraphs.map { $0.joined(separator: "\n") }.joined(separator: "\n\n") + "\n"
        case .lineBased:
            var lines = file.global.maintainers.map { "# maintainer: \($0)" }
            for entry in entries {
                lines.append("")
                for tag in entry.tags {
                    let ref =
                        entry.gitCommit == "FETCH_HEAD" && entry.gitFetch.hasPrefix("refs/tags/")
                        ? String(entry.gitFetch.dropFirst("refs/tags/".count)) : entry.gitCommit
                    lines.append(
                        "\(tag): \(entry.gitRepo)@\(ref)" + (entry.directory == "." ? "" : " \(entry.directory)"))
                }
            }
            return lines.joined(separator: "\n") + "\n"
        case .stackbrew:
            var lines: [String] = []
            for entry in entries {
                let spec: String
                if entry.gitCommit != "FETCH_HEAD" {
                    spec = "\tC:\(entry.gitCommit)"
                } else if entry.gitFetch != Entry.defaults.gitFetch {
                    spec = "\tB:\(entry.gitFetch.dropFirst("refs/heads/".count))"
                } else {
                    spec = ""
                }
                lines += entry.tags.map { "\($0)\t\(entry.gitRepo)\(spec)" }
            }
            return lines.joined(separator: "\n") + "\n"
        }
    }

    private static func paragraph(_ e: Entry, against base: Entry, isGlobal: Bool) -> [String] {
        var out: [String] = []
        func field(_ key: String, _ value: String) {
            // Multi-line values as continuation lines; an empty line is " .".
            let lines = value.split(separator: "\n", omittingEmptySubsequences: false)
            out.append("\(key): \(lines[0])")
            out += lines.dropFirst().map { $0.isEmpty ? " ." : " \($0)" }
        }
        // Maintainers and Constraints are appended to the global ones, so an entry prints its own.
        let maintainers = isGlobal ? e.maintainers : Array(e.maintainers.dropFirst(base.maintainers.count))
        if !maintainers.isEmpty { field("Maintainers", maintainers.map(\.description).joined(separator: ", ")) }
        if !e.tags.isEmpty { field("Tags", e.tags.joined(separator: ", ")) }
        if e.sharedTags != base.sharedTags { field("SharedTags", e.sharedTags.joined(separator: ", ")) }
        if e.architectures != base.architectures {
            field("Architectures", e.architectures.map(\.rawValue).joined(separator: ", "))
        }
        for f in SourceField.allCases where e.value(f) != base.value(f) { field(f.rawValue, e.value(f)) }
        for key in e.archValues.keys.sorted() where e.archValues[key] != base.archValues[key] {
            field(key, e.archValues[key]!)
        }
        let constraints = isGlobal ? e.constraints : Array(e.constraints.dropFirst(base.constraints.count))
        if !constraints.isEmpty { field("Constraints", constraints.joined(separator: ", ")) }
        return out
    }
}
