import Foundation

/// The GitHub API stand-in (Tests/Fixtures/github/github_standin.py) on a free loopback port,
/// with its control endpoints: recorded requests, stored issues, seeding and failure injection.
public final class GitHubStandIn: @unchecked Sendable {
    public let server: ServerProcess
    public let token: String
    public var url: String { "http://127.0.0.1:\(server.port)" }
    private let curl: String

    public init(token: String, logDirectory: URL) throws {
        self.token = token
        curl = try requireTool("curl", package: "curl")
        let python = try requireTool("python3", package: "python3")
        server = try ServerProcess.launch(
            name: "github-standin-\(UUID().uuidString.prefix(8))", executable: python,
            arguments: [TestPaths.fixture("github/github_standin.py").path, "0", token],
            port: 0, logDirectory: logDirectory,
            readiness: .announcedPort(prefix: "listening on 127.0.0.1:"))
    }

    /// `init` on a thread of its own (not one of Swift's cooperative threads).
    public static func start(token: String, logDirectory: URL) async throws -> GitHubStandIn {
        try await offPool { try GitHubStandIn(token: token, logDirectory: logDirectory) }
    }

    /// One recorded API request (control requests are not recorded).
    public struct Request: Decodable, Sendable {
        public var method: String
        public var path: String
        public var body: String
        public var authorized: Bool
        /// When the stand-in received it (seconds since 1970).
        public var time: Double
        /// Serial number of the TCP connection it came on (equal numbers: a kept-alive connection).
        public var connection: Int
    }

    /// A stored issue as the stand-in keeps it, with its comments.
    public struct Issue: Decodable, Sendable {
        public var number: Int
        public var title: String
        public var body: String
        public var state: String
        public var comments: [String]
    }

    public func requests() throws -> [Request] {
        try JSONDecoder().decode([Request].self, from: Data(control("GET", "/_control/requests").utf8))
    }

    public func issues(repo: String) throws -> [Issue] {
        try JSONDecoder().decode([Issue].self, from: Data(control("GET", "/_control/issues?repo=\(repo)").utf8))
    }

    /// Adds issues directly (not recorded): `(title, body, state, labels)`.
    public func seed(repo: String, _ issues: [(title: String, body: String, state: String, labels: [String])]) throws {
        let list = issues.map {
            ["title": $0.title, "body": $0.body, "state": $0.state, "labels": $0.labels] as [String: Any]
        }
        let json = try JSONSerialization.data(withJSONObject: ["repo": repo, "issues": list])
        _ = try control("POST", "/_control/seed", body: String(decoding: json, as: UTF8.self))
    }

    /// Closes an issue as another user would (a person answering the alert).
    public func close(repo: String, number: Int, by: String) throws {
        let json = try JSONSerialization.data(
            withJSONObject: ["repo": repo, "number": number, "by": by] as [String: Any])
        _ = try control("POST", "/_control/close", body: String(decoding: json, as: UTF8.self))
    }

    /// Sets the pull requests `GET /repos/REPO/pulls` answers with: `(number, state)`.
    public func setPulls(repo: String, _ pulls: [(number: Int, state: String)]) throws {
        let list = pulls.map { ["number": $0.number, "state": $0.state] as [String: Any] }
        let json = try JSONSerialization.data(withJSONObject: ["repo": repo, "pulls": list])
        _ = try control("POST", "/_control/pulls", body: String(decoding: json, as: UTF8.self))
    }

    /// Makes the next `count` API requests with `method` (any when nil) fail in `mode`:
    /// create-then-stall, create-then-502, create-then-drop (takes effect, then the connection is
    /// closed without any answer, as GitHub may do to a kept-alive connection), rate-limit
    /// (`retry-after: retry`), primary-rate-limit (`x-ratelimit-reset` `retry` seconds from now),
    /// 502, foreign-link.
    public func fail(_ mode: String, method: String? = nil, count: Int = 1, stall: Double = 5, retry: Int = 1) throws {
        var rule: [String: Any] = ["mode": mode, "count": count, "stall": stall, "retry": retry]
        if let method { rule["method"] = method }
        let json = try JSONSerialization.data(withJSONObject: rule)
        _ = try control("POST", "/_control/fail", body: String(decoding: json, as: UTF8.self))
    }

    private func control(_ method: String, _ path: String, body: String? = nil) throws -> String {
        var args = ["-sS", "--fail", "-X", method, url + path]
        if let body { args += ["-H", "Content-Type: application/json", "--data-binary", body] }
        return try run(curl, args)
    }
}
