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
public struct IgnoredBody: Decodable, Sendable {}

/// `POST /repos/{o}/{r}/issues`.
public struct NewIssue: Encodable, Sendable {
    public var title: String
    public var body: String
    public var labels: [String]

    public init(title: String, body: String, labels: [String]) {
        self.title = title
        self.body = body
        self.labels = labels
    }
}

/// `PATCH /repos/{o}/{r}/issues/{n}`: absolute values only, so sending it twice is the same
/// as sending it once (the client may retry it).
public struct IssueEdit: Encodable, Sendable {
    public var title: String?
    public var body: String?
    public var state: String?

    public init(title: String? = nil, body: String? = nil, state: String? = nil) {
        self.title = title
        self.body = body
        self.state = state
    }
}

/// `POST /repos/{o}/{r}/issues/{n}/comments`.
public struct NewComment: Encodable, Sendable {
    public var body: String

    public init(body: String) { self.body = body }
}

/// One issue as `GET /repos/{o}/{r}/issues/{n}` gives it: who closed it and when.
public struct ClosedIssue: Decodable, Sendable {
    public struct User: Decodable, Sendable { public var login: String }
    public var closedBy: User?
    public var closedAt: String?

    enum CodingKeys: String, CodingKey {
        case closedBy = "closed_by"
        case closedAt = "closed_at"
    }
}
