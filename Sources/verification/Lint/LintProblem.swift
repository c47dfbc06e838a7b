import TrackbotCore

/// The official-images CI rules (`.github/workflows/naughty.sh` and the scripts it runs), by the
/// names trackbot reports them under.
public enum LintRule: String, Codable, Sendable, CaseIterable, Comparable {
    /// naughty-from.sh: what each entry's Dockerfiles build FROM, per architecture.
    case naughtyFrom = "naughty-from"
    /// naughty-constraints.sh: `Constraints` against what the FROM images need.
    case naughtyConstraints = "naughty-constraints"
    /// naughty-sharedtags.sh: a shared tag giving one architecture twice.
    case naughtySharedTags = "naughty-sharedtags"
    /// naughty.sh's `latest` check: no `latest-*`, `*-latest` style tags.
    case latestTag = "latest-tag"
    /// naughty-commits.sh: large binary tarballs modified in upstream history.
    case naughtyCommits = "naughty-commits"
    /// naughty-commits.sh: the GitCommit is not in the GitFetch ref (or the ref cannot be fetched).
    case commitNotInRef = "commit-not-in-ref"

    public static func < (a: LintRule, b: LintRule) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }

    /// The rules that need only the library files (no Dockerfile, registry or upstream history).
    public static let libraryOnly: Set<LintRule> = [.naughtySharedTags, .latestTag]
}

/// One rule broken by one entry: where (`library/IMAGE:LINE`), what, and what to do.
public struct LintProblem: Codable, Sendable, Hashable {
    public var rule: LintRule
    public var image: String
    /// The entry's line in the library file (its first paragraph's).
    public var line: Int
    /// The entry's first tag, or the shared tag concerned.
    public var tag: String
    /// The architectures concerned (empty when the rule is not per architecture).
    public var architectures: [String]
    /// The FROM image concerned, as bashbrew lists it (`debian:bookworm`, `scratch`).
    public var from: String?
    /// The upstream commit concerned (naughty-commits, commit-not-in-ref).
    public var commit: String?
    /// What is wrong.
    public var message: String
    /// What to do about it.
    public var fix: String

    public init(
        rule: LintRule, image: String, line: Int, tag: String, architectures: [String] = [], from: String? = nil,
        commit: String? = nil, message: String, fix: String
    ) {
        self.rule = rule
        self.image = image
        self.line = line
        self.tag = tag
        self.architectures = architectures
        self.from = from
        self.commit = commit
        self.message = message
        self.fix = fix
    }

    /// `library/IMAGE:LINE`.
    public var location: String { "library/\(image):\(line)" }
}

/// A rule that could not be decided for one entry (never a silent pass): why, and where.
public struct LintNotChecked: Codable, Sendable, Hashable {
    public var rule: LintRule
    public var image: String
    public var line: Int
    public var tag: String
    public var architectures: [String]
    public var from: String?
    public var reason: String

    public init(
        rule: LintRule, image: String, line: Int, tag: String, architectures: [String] = [], from: String? = nil,
        reason: String
    ) {
        self.rule = rule
        self.image = image
        self.line = line
        self.tag = tag
        self.architectures = architectures
        self.from = from
        self.reason = reason
    }

    public var location: String { "library/\(image):\(line)" }
}

/// The verdict over some images: every problem, what could not be checked, and how much was looked at.
public struct LintResult: Codable, Sendable, Hashable {
    /// The images linted, in the order asked.
    public var images: [String]
    public var rules: [LintRule]
    /// Entries and tags (tags plus shared tags) looked at.
    public var entries: Int
    public var tags: Int
    public var problems: [LintProblem]
    public var notChecked: [LintNotChecked]
    /// How far upstream history was read for naughty-commits, when it was bounded (see `LintFacts`).
    public var notes: [String]

    public init(
        images: [String], rules: [LintRule], entries: Int, tags: Int, problems: [LintProblem],
        notChecked: [LintNotChecked], notes: [String] = []
    ) {
        self.images = images
        self.rules = rules
        self.entries = entries
        self.tags = tags
        self.problems = problems
        self.notChecked = notChecked
        self.notes = notes
    }

    /// Whether official-images CI would fail.
    public var failed: Bool { !problems.isEmpty }
}
