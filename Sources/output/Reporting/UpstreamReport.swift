import TrackbotCore

/// What `trackbot upstream` found: per image, upstream tags newer than the library references.
public struct UpstreamReport: Codable, Sendable, Hashable {
    public struct Image: Codable, Sendable, Hashable {
        public var name: String
        public var repository: String
        public var tagPattern: String?
        /// Upstream tags the library references (by GitFetch or by commit), oldest first.
        public var referencedTags: [String]
        /// Upstream tags newer than the newest referenced one, newest first.
        public var newerTags: [String]
        public var error: String?

        public init(
            name: String, repository: String, tagPattern: String?, referencedTags: [String] = [],
            newerTags: [String] = [], error: String? = nil
        ) {
            self.name = name
            self.repository = repository
            self.tagPattern = tagPattern
            self.referencedTags = referencedTags
            self.newerTags = newerTags
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
            out.append(
                image.newerTags.isEmpty
                    ? "\(b)no newer tags"
                    : "\(b)upstream-ahead: \(image.newerTags.count) newer tag(s): \(image.newerTags.joined(separator: ", "))"
            )
            if md { out.append("") }
        }
        return out.joined(separator: "\n") + "\n"
    }
}
