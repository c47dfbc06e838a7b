import TrackbotCore

/// The JSON shape of `trackbot library --format json`.
public struct LibraryFileJSON: Codable, Sendable, Equatable {
    public struct EntryJSON: Codable, Sendable, Equatable {
        public var tags: [String]
        public var sharedTags: [String]
        public var architectures: [String]
        public var gitRepo: String
        public var gitFetch: String
        public var gitCommit: String
        public var directory: String
        public var file: String
        public var builder: String
        public var constraints: [String]
        public var maintainers: [String]
        /// Fully resolved values for every listed architecture.
        public var arches: [String: ArchitectureSource]
        /// Line of the entry's paragraph in the library file.
        public var line: Int
    }

    public var name: String
    public var format: String
    public var maintainers: [String]
    public var entries: [EntryJSON]
    /// What the reader noted about the whole file (a legacy tag repeated on a later line, which
    /// wins; credentials removed from a URL), each naming file and line; empty when none.
    public var warnings: [String]

    public init(_ file: LibraryFile, only: [Entry]? = nil) {
        name = file.name
        format = file.format.rawValue
        maintainers = file.maintainers.map(\.description)
        warnings = file.warnings
        entries = (only ?? file.entries).map { e in
            EntryJSON(
                tags: e.tags, sharedTags: e.sharedTags, architectures: e.architectures.map(\.rawValue),
                gitRepo: e.gitRepo, gitFetch: e.gitFetch, gitCommit: e.gitCommit, directory: e.directory,
                file: e.file, builder: e.builder, constraints: e.constraints,
                maintainers: e.maintainers.map(\.description),
                arches: Dictionary(uniqueKeysWithValues: e.architectures.map { ($0.rawValue, e.source(for: $0)) }),
                line: e.line)
        }
    }
}
