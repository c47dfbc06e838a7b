import Lint
import OfficialImages
import TrackbotCore

/// What `trackbot prs` found: each open pull request reduced to the library diff of the watched images.
public struct PullRequestsReport: Codable, Sendable, Hashable {
    /// The upstream history between a commit the library used and the one a pull request proposes.
    public struct UpstreamLog: Codable, Sendable, Hashable {
        public var gitRepo: String
        public var old: String
        public var new: String
        public var directories: [String]
        /// `<short id> <subject>`, newest first, at most `PullRequestsReport.logLimit`.
        public var commits: [String]
        /// How many commits the range holds in all (more than `commits.count` when capped).
        public var total: Int
        /// Why the log could not be read (the upstream could not be fetched, a commit is missing).
        public var error: String?

        public init(
            gitRepo: String, old: String, new: String, directories: [String], commits: [String] = [],
            total: Int = 0, error: String? = nil
        ) {
            self.gitRepo = gitRepo
            self.old = old
            self.new = new
            self.directories = directories
            self.commits = commits
            self.total = total
            self.error = error
        }
    }

    /// One image's library file from the merge base to the pull request's head.
    public struct ImageChange: Codable, Sendable, Hashable {
        public var image: String
        public var diff: LibraryDiff
        public var upstream: [UpstreamLog]

        public init(image: String, diff: LibraryDiff, upstream: [UpstreamLog]) {
            self.image = image
            self.diff = diff
            self.upstream = upstream
        }
    }

    public struct PullRequest: Codable, Sendable, Hashable {
        public var number: Int
        public var head: String
        public var mergeBase: String
        public var images: [ImageChange]
        public var finding: Finding
        /// official-images CI's verdict on the changed images at the head (`trackbot lint --pr N`);
        /// nil when not run (`--no-lint`) or when it could not run (`lintError`).
        public var lint: LintResult?
        public var lintError: String?

        public init(
            number: Int, head: String, mergeBase: String, images: [ImageChange], finding: Finding,
            lint: LintResult? = nil, lintError: String? = nil
        ) {
            self.number = number
            self.head = head
            self.mergeBase = mergeBase
            self.images = images
            self.finding = finding
            self.lint = lint
            self.lintError = lintError
        }
    }

    public static let logLimit = 20

    /// Where the list of open pull requests came from (`remote merge refs`, `GitHub API`, `--pr`).
    public var source: String
    /// True when the list is a guess (merge refs): official-images squash-merges, so ancestry cannot tell.
    public var approximate: Bool
    public var libraryCommit: String
    /// How many pull requests were looked at (those not touching the images are left out of `pullRequests`).
    public var examined: Int
    public var pullRequests: [PullRequest]
    /// Pull requests or images that could not be read.
    public var errors: [String]

    public init(
        source: String, approximate: Bool, libraryCommit: String, examined: Int,
        pullRequests: [PullRequest], errors: [String]
    ) {
        self.source = source
        self.approximate = approximate
        self.libraryCommit = libraryCommit
        self.examined = examined
        self.pullRequests = pullRequests
        self.errors = errors
    }

    public var findings: [Finding] { pullRequests.map(\.finding) }
}
