import TrackbotCore
import Tracking

/// What `trackbot upstream` found: per image and release line, upstream tags newer than the library references.
public struct UpstreamReport: Codable, Sendable, Hashable {
    public struct Image: Codable, Sendable, Hashable {
        public var name: String
        public var repository: String
        public var tagPattern: String?
        /// Upstream tags the library references (by GitFetch or by commit), oldest first.
        public var referencedTags: [String]
        /// Upstream tags newer than the newest referenced one, newest first (pre-releases only with `--pre`).
        public var newerTags: [String]
        /// The configured `line-depth`; nil when each tag's line is all its numbers but the last.
        public var lineDepth: Int?
        /// The release lines the library references, newest first, each with its newer tags.
        public var lines: [ReleaseLines.Line]
        /// Lines newer than every line the library references, newest first.
        public var newLines: [ReleaseLines.Line]
        /// Whether pre-release tags were counted (`--pre`).
        public var preReleases: Bool
        /// Pre-release tags left out that would have been reported, newest first.
        public var skippedPreReleases: [String]
        public var error: String?

        public init(
            name: String, repository: String, tagPattern: String?, referencedTags: [String] = [],
            newerTags: [String] = [], lineDepth: Int? = nil, lines: [ReleaseLines.Line] = [],
            newLines: [ReleaseLines.Line] = [], preReleases: Bool = false, skippedPreReleases: [String] = [],
            error: String? = nil
        ) {
            self.name = name
            self.repository = repository
            self.tagPattern = tagPattern
            self.referencedTags = referencedTags
            self.newerTags = newerTags
            self.lineDepth = lineDepth
            self.lines = lines
            self.newLines = newLines
            self.preReleases = preReleases
            self.skippedPreReleases = skippedPreReleases
            self.error = error
        }
    }

    public var libraryCommit: String
    public var images: [Image]
    public var findings: [Finding]

    public init(libraryCommit: String, images: [Image], findings: [Finding]) {
        self.libraryCommit = libraryCommit
        self.images = images
        self.findings = findings
    }
}

/// `trackbot upstream` as text, Markdown or JSON.
public enum UpstreamRenderer {
    public static func render(_ report: UpstreamReport, format: OutputFormat) throws -> String {
        if format == .json { return try JSONOutput.encode(report) }
        // Tag names and errors come from upstream repositories.
        return Sanitize.terminal(lines(report, markdown: format == .markdown), multiline: true)
    }

    private static func lines(_ report: UpstreamReport, markdown md: Bool) -> String {
        var out = md ? ["## Upstream tags", ""] : []
        for image in report.images {
            out.append(md ? "### \(image.name)" : image.name)
            let b = md ? "- " : "  "
            out.append("\(b)repository \(image.repository)" + (image.tagPattern.map { " tags matching \($0)" } ?? ""))
            if let error = image.error {
                out.append("\(b)error: \(error)")
                continue
            }
            out.append("\(b)newest referenced: \(image.referencedTags.last ?? "(none)")")
            for line in image.newLines {
                out.append(
                    "\(b)new line \(line.name): \(line.newer.count) tag(s): \(line.newer.joined(separator: ", "))")
            }
            for line in image.lines {
                let referenced = line.referenced ?? ""
                out.append(
                    line.newer.isEmpty
                        ? "\(b)line \(line.name): \(referenced) is the newest"
                        : "\(b)line \(line.name): upstream-ahead of \(referenced): \(line.newer.count) newer tag(s): \(line.newer.joined(separator: ", "))"
                )
            }
            if image.newLines.isEmpty && image.lines.allSatisfy(\.newer.isEmpty) { out.append("\(b)no newer tags") }
            if !image.skippedPreReleases.isEmpty {
                out.append(
                    "\(b)skipped \(image.skippedPreReleases.count) pre-release tag(s) (--pre to include): \(image.skippedPreReleases.joined(separator: ", "))"
                )
            }
            if md { out.append("") }
        }
        return out.joined(separator: "\n") + "\n"
    }
}
