import GitMirror

/// Where the numbers of the open pull requests of official-images come from. The GitHub API
/// (`GET /repos/{o}/{r}/pulls?state=open`) is the truth; `RemoteMergeRefs` is the guess that needs
/// no API. A GitHub-API implementation only has to conform and be passed to `PullRequestsCommand.run`.
public protocol OpenPullRequestSource: Sendable {
    /// For the report: `GitHub API`, `remote merge refs`, …
    var name: String { get }
    /// True when the list may hold merged or closed pull requests (or miss open ones).
    var isApproximate: Bool { get }
    /// The numbers of the open pull requests, ascending.
    func openPullRequests() async throws -> [Int]
}

/// The pull requests that still advertise `refs/pull/N/merge`: GitHub keeps that ref for open,
/// mergeable pull requests only, so this is approximate (conflicting open ones have none, and a
/// stale one can linger). Lists refs without cloning.
public struct RemoteMergeRefs: OpenPullRequestSource {
    public let cache: MirrorCache
    public let url: String

    public init(cache: MirrorCache, url: String) {
        self.cache = cache
        self.url = url
    }

    public var name: String { "remote merge refs" }
    public var isApproximate: Bool { true }

    public func openPullRequests() async throws -> [Int] {
        try await cache.remotePullRequests(url, isUserOwned: true).filter { $0.merge != nil && $0.head != nil }.map(
            \.number)
    }
}

/// Pull requests named on the command line (`--pr N`): looked at whatever their state.
public struct GivenPullRequests: OpenPullRequestSource {
    public let numbers: [Int]
    public init(numbers: [Int]) { self.numbers = numbers }
    public var name: String { "--pr" }
    public var isApproximate: Bool { false }
    public func openPullRequests() async throws -> [Int] { Array(Set(numbers)).sorted() }
}
