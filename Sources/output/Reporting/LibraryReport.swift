import OfficialImages
import TrackbotCore

/// `trackbot library` output: bashbrew-cat text, JSON, or Markdown.
public enum LibraryReport {
    /// Every value comes from the library file: none of its control characters or escape
    /// sequences reach the output.
    public static func render(_ file: LibraryFile, only: [Entry]? = nil, format: OutputFormat) throws -> String {
        switch format {
        case .text:
            // Warnings as comment lines, so that the output is still a library file bashbrew reads.
            let warnings = file.warnings.map { "# warning: \($0)\n" }.joined()
            return Sanitize.terminal(warnings + LibraryFileWriter.render(file, only: only), multiline: true)
        case .json:
            return try JSONOutput.encode(LibraryFileJSON(file, only: only))
        case .markdown:
            var lines = [
                "## library/\(file.name)", "",
                "Maintainers: " + file.maintainers.map(\.description).joined(separator: ", "), "",
            ]
            if !file.warnings.isEmpty {
                lines += ["Warnings:", ""] + file.warnings.map { "- \($0)" } + [""]
            }
            lines += ["| Tags | Shared tags | Architectures | Commit | Directory |", "| --- | --- | --- | --- | --- |"]
            for e in only ?? file.entries {
                let commits = Set(e.architectures.map { e.source(for: $0).gitCommit })
                let dirs = Set(e.architectures.map { e.source(for: $0).directory })
                lines.append(
                    "| \(e.tags.joined(separator: ", ")) | \(e.sharedTags.joined(separator: ", ")) | "
                        + "\(e.architectures.map(\.rawValue).joined(separator: ", ")) | "
                        + "\(commits.sorted().map { "`\($0.prefix(12))`" }.joined(separator: " ")) | "
                        + "\(dirs.sorted().joined(separator: ", ")) |")
            }
            return Sanitize.terminal(lines.joined(separator: "\n") + "\n", multiline: true)
        }
    }
}
