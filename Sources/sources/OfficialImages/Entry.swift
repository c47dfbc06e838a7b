import TrackbotCore

/// The fields an architecture can override (`<arch>-<Field>` keys).
public enum SourceField: String, CaseIterable, Codable, Sendable {
    case gitRepo = "GitRepo", gitFetch = "GitFetch", gitCommit = "GitCommit"
    case directory = "Directory", file = "File", builder = "Builder"
}

/// Where one architecture of an entry is built from, fully resolved.
public struct ArchitectureSource: Hashable, Codable, Sendable {
    public var gitRepo: String
    public var gitFetch: String
    public var gitCommit: String
    public var directory: String
    public var file: String
    public var builder: String

    public init(gitRepo: String, gitFetch: String, gitCommit: String, directory: String, file: String, builder: String)
    {
        self.gitRepo = gitRepo
        self.gitFetch = gitFetch
        self.gitCommit = gitCommit
        self.directory = directory
        self.file = file
        self.builder = builder
    }

    public subscript(field: SourceField) -> String {
        switch field {
        case .gitRepo: gitRepo
        case .gitFetch: gitFetch
        case .gitCommit: gitCommit
        case .directory: directory
        case .file: file
        case .builder: builder
        }
    }
}

/// One paragraph of a library file (after inheriting from the global paragraph), or the global
/// paragraph itself. Several paragraphs with the same build inputs are merged into one entry.
public struct Entry: Hashable, Codable, Sendable {
    public var maintainers: [Maintainer] = []
    public var tags: [String] = []
    public var sharedTags: [String] = []
    public var architectures: [Architecture] = [.amd64]
    public var gitRepo = ""
    public var gitFetch = "refs/heads/master"
    public var gitCommit = ""
    public var directory = "."
    public var file = "Dockerfile"
    public var builder = ""
    /// `<arch>-<Field>` values, keyed as written (`arm64v8-Directory`). bashbrew keeps any prefix.
    public var archValues: [String: String] = [:]
    public var constraints: [String] = []
    /// Line of the (first) paragraph in the file; 0 when not read from a file.
    public var line = 0

    public init() {}

    /// The default global paragraph: `Architectures: amd64`, `GitFetch: refs/heads/master`,
    /// `Directory: .`, `File: Dockerfile`, `Builder:` empty.
    public static let defaults = Entry()

    public func value(_ field: SourceField) -> String {
        switch field {
        case .gitRepo: gitRepo
        case .gitFetch: gitFetch
        case .gitCommit: gitCommit
        case .directory: directory
        case .file: file
        case .builder: builder
        }
    }

    public mutating func set(_ field: SourceField, _ value: String) {
        switch field {
        case .gitRepo: gitRepo = value
        case .gitFetch: gitFetch = value
        case .gitCommit: gitCommit = value
        case .directory: directory = value
        case .file: file = value
        case .builder: builder = value
        }
    }

    /// The arch-specific value when there is a non-empty one, else the entry's (bashbrew's ArchGitRepo etc.).
    public func value(_ field: SourceField, for arch: String) -> String {
        if let v = archValues["\(arch)-\(field.rawValue)"], !v.isEmpty { return v }
        return value(field)
    }

    public func source(for arch: Architecture) -> ArchitectureSource {
        let a = arch.rawValue
        return ArchitectureSource(
            gitRepo: value(.gitRepo, for: a), gitFetch: value(.gitFetch, for: a),
            gitCommit: value(.gitCommit, for: a), directory: value(.directory, for: a),
            file: value(.file, for: a), builder: value(.builder, for: a))
    }

    /// Every pullable name of this entry: its tags, then its shared tags.
    public var allTags: [String] { tags + sharedTags }

    public var tagsString: String { tags.joined(separator: ", ") }

    /// The constraints as bashbrew compares them (ConstraintsString): joined, so that a
    /// `Constraints:` left empty (one empty constraint) builds the same as no constraints.
    public var constraintsString: String { constraints.joined(separator: ", ") }

    /// Whether two entries build the same thing, so their tags can be merged (bashbrew's SameBuildArtifacts).
    public func sameBuildInputs(as other: Entry) -> Bool {
        // The cheap comparisons first (EntryCollector compares only entries whose inputs hash alike).
        guard
            gitCommit == other.gitCommit && directory == other.directory && architectures == other.architectures
                && gitRepo == other.gitRepo && gitFetch == other.gitFetch && file == other.file
                && builder == other.builder && constraintsString == other.constraintsString
        else { return false }
        // Every non-empty arch value on either side must be the same on the other (missing = empty).
        for (key, value) in archValues where !value.isEmpty && other.archValues[key] ?? "" != value { return false }
        for (key, value) in other.archValues where !value.isEmpty && archValues[key] ?? "" != value { return false }
        return true
    }
}
