/// The fields of a GitHub issue trackbot reads.
public struct GitHubIssue: Decodable, Sendable, Equatable {
    public var number: Int
    public var title: String
    public var body: String?
    public var state: String
    /// Present when the "issue" is a pull request (the issues API lists both).
    public var pullRequest: PullRequestLink?

    public struct PullRequestLink: Decodable, Sendable, Equatable {
        public var url: String?
    }

    enum CodingKeys: String, CodingKey {
        case number, title, body, state
        case pullRequest = "pull_request"
    }

    public var isOpen: Bool { state == "open" }
}

/// `{}` answers we do not look into (comments).
struct IgnoredBody: Decodable, Sendable {}

struct NewIssue: Encodable, Sendable {
    var title: String
    var body: String
    var labels: [String]
}

struct IssueEdit: Encodable, Sendable {
    var title: String?
    var body: String?
    var state: String?
}

struct NewComment: Encodable, Sendable {
    var body: String
}

/// One issue as `GET /repos/{o}/{r}/issues/{n}` gives it: who closed it and when.
struct ClosedIssue: Decodable, Sendable {
    struct User: Decodable, Sendable { var login: String }
    var closedBy: User?
    var closedAt: String?

    enum CodingKeys: String, CodingKey {
        case closedBy = "closed_by"
        case closedAt = "closed_at"
    }
}
