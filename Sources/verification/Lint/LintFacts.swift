import OfficialImages
import TrackbotCore

/// Everything the rules look at, gathered beforehand (the rules themselves read nothing).
public struct LintFacts: Sendable {
    /// `library/<name>` at the ref: every image linted and every official image a FROM names.
    /// A name absent here has no library file at the ref.
    public var libraryFiles: [String: LibraryFile]
    /// The files under `.external-pins/` at the ref, by path below it (`redhat/ubi9___latest`),
    /// with their content (trailing newlines removed, as `$(< file)` reads it).
    public var externalPins: [String: String]
    /// Architectures published by each pinned external image (`repo/x:tag@sha256:…`).
    public var externalArchitectures: [String: ArchitecturesFact]
    /// What each architecture's Dockerfile builds FROM (bashbrew's `DockerFroms`), by its source.
    public var froms: [ArchitectureSource: FromsFact]
    /// Whether each GitCommit is in its GitFetch ref.
    public var refChecks: [UpstreamCommit: RefFact]
    /// Tarball changes in each entry's upstream history (see `NaughtyCommits.range`).
    public var tarballHistories: [TarballRange: TarballHistoryFact]
    /// `library/<name>` at the base (a pull request's merge base): where naughty-commits starts
    /// walking back from. Empty: walk the whole history, bounded.
    public var baseFiles: [String: LibraryFile]

    public init(
        libraryFiles: [String: LibraryFile], externalPins: [String: String] = [:],
        externalArchitectures: [String: ArchitecturesFact] = [:], froms: [ArchitectureSource: FromsFact] = [:],
        refChecks: [UpstreamCommit: RefFact] = [:], tarballHistories: [TarballRange: TarballHistoryFact] = [:],
        baseFiles: [String: LibraryFile] = [:]
    ) {
        self.libraryFiles = libraryFiles
        self.externalPins = externalPins
        self.externalArchitectures = externalArchitectures
        self.froms = froms
        self.refChecks = refChecks
        self.tarballHistories = tarballHistories
        self.baseFiles = baseFiles
    }
}

/// The architectures a registry publishes an image for.
public enum ArchitecturesFact: Sendable, Hashable {
    /// bashbrew names of the published platforms.
    case published(Set<String>)
    /// The registry was not asked (`--offline`, none configured) or did not answer.
    case notChecked(String)
}

/// The FROMs of one architecture of an entry.
public enum FromsFact: Sendable, Hashable {
    case froms([String])
    /// The Dockerfile is not at the commit or cannot be parsed (naughty.sh's `bashbrew from` fails).
    case unreadable(String)
    /// The upstream could not be fetched (the network, the server): nothing is known.
    case notChecked(String)
}

/// An entry's upstream commit and the ref it must be in.
public struct UpstreamCommit: Sendable, Hashable, Codable {
    public var gitRepo: String
    public var gitFetch: String
    public var gitCommit: String

    public init(gitRepo: String, gitFetch: String, gitCommit: String) {
        self.gitRepo = gitRepo
        self.gitFetch = gitFetch
        self.gitCommit = gitCommit
    }
}

public enum RefFact: Sendable, Hashable {
    case inRef
    /// The commit exists but the ref's history does not hold it.
    case notInRef(refTip: String)
    /// The remote does not have the ref (naughty-commits.sh: "unable to fetch specified GitFetch").
    case unfetchable(String)
    /// The remote could not be reached: nothing is known.
    case notChecked(String)
}

/// History to read for naughty-commits: from `commit` back to `since` (excluded), or the whole
/// history (bounded) when `since` is nil.
public struct TarballRange: Sendable, Hashable, Codable {
    public var gitRepo: String
    public var commit: String
    public var since: String?

    public init(gitRepo: String, commit: String, since: String?) {
        self.gitRepo = gitRepo
        self.commit = commit
        self.since = since
    }
}

/// A file a commit modified, deleted or changed the type of.
public struct TarballChange: Sendable, Hashable, Codable {
    public var commit: String
    public var summary: String
    public var path: String
    public var isBinary: Bool
    /// Its size at that commit (0 when deleted there).
    public var size: Int

    public init(commit: String, summary: String, path: String, isBinary: Bool, size: Int) {
        self.commit = commit
        self.summary = summary
        self.path = path
        self.isBinary = isBinary
        self.size = size
    }
}

public enum TarballHistoryFact: Sendable, Hashable {
    /// The changes to paths containing `.tar`, and whether the walk stopped at its bound.
    case walked(changes: [TarballChange], visited: Int, truncated: Bool)
    case notChecked(String)
}
