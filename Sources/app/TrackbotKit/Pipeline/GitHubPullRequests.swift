import Foundation
import GitHub
import TrackbotCore

/// The open pull requests as the GitHub API lists them (`GET /repos/{o}/{r}/pulls?state=open`,
/// every page): the truth, where the merge refs are only an approximation.
public struct GitHubPullRequests: OpenPullRequestSource {
    public let settings: GitHubSettings
    /// `OWNER/NAME` of official-images on GitHub.
    public let repository: String

    public init(settings: GitHubSettings, repository: String) {
        self.settings = settings
        self.repository = repository
    }

    public var name: String { "GitHub API" }
    public var isApproximate: Bool { false }

    public func openPullRequests() async throws -> [Int] {
        struct Pull: Decodable, Sendable { var number: Int }
        let client = GitHubClient(settings: settings)
        return try await client.getAll("/repos/\(repository)/pulls?state=open&per_page=100", as: [Pull].self)
            .map(\.number).sorted()
    }

    /// `OWNER/NAME` when `url` is a github.com repository URL (before rewrites), else official-images.
    static func repository(of url: String) -> String {
        // The host, not a substring: `https://mirror.example/github.com/o/r` is not on github.com.
        guard URLAuthority(url: url)?.host == "github.com", let range = URLAuthority.authorityRange(in: url)
        else { return "docker-library/official-images" }
        let parts = url[range.upperBound...].split(separator: "/").prefix(2)
        guard parts.count == 2 else { return "docker-library/official-images" }
        var name = String(parts[1])
        if name.hasSuffix(".git") { name.removeLast(4) }
        return "\(parts[0])/\(name)"
    }
}
