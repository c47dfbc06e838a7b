import TrackbotCore

/// Why a GitHub API call failed. Every message is scrubbed of the token before it is stored.
public enum GitHubError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `GITHUB_TOKEN` is missing and the run would change issues.
    case missingToken
    case invalidRepository(String)
    /// The server answered with a status that retrying will not fix.
    case status(method: String, path: String, status: Int, body: String)
    /// Rate limited for longer than we are willing to wait.
    case rateLimited(method: String, path: String, waitSeconds: Int)
    /// The request may or may not have taken effect (timeout, dropped connection, 5xx on a POST).
    case uncertain(method: String, path: String, reason: String)
    /// The connection failed before anything could have been sent, even after retries.
    case transport(method: String, path: String, reason: String)
    case invalidResponse(method: String, path: String, reason: String)
    /// A `Link: rel="next"` pointed away from the API host; the token is not sent there.
    case foreignPageLink(String)

    public var description: String {
        switch self {
        case .missingToken:
            return "GITHUB_TOKEN is not set; opening issues needs a token with issues: write (or use --dry-run)"
        case .invalidRepository(let r):
            return
                "GitHub repository \"\(r)\" is not OWNER/NAME; set github.repository in the config or pass --github-repo"
        case .status(let method, let path, let status, let body):
            let hint =
                status == 401
                ? " (check GITHUB_TOKEN)"
                : status == 403 || status == 404 ? " (does the token have issues: write on this repository?)" : ""
            return "GitHub \(method) \(path) answered \(status)\(hint): \(body)"
        case .rateLimited(let method, let path, let wait):
            return
                "GitHub \(method) \(path) is rate limited for another \(wait) s, longer than trackbot waits; run again later"
        case .uncertain(let method, let path, let reason):
            return "GitHub \(method) \(path) may not have completed: \(reason)"
        case .transport(let method, let path, let reason):
            return "GitHub \(method) \(path) failed: \(reason)"
        case .invalidResponse(let method, let path, let reason):
            return "GitHub \(method) \(path) returned an unexpected body: \(reason)"
        case .foreignPageLink(let url):
            return
                "GitHub pagination pointed to \(url), outside GITHUB_API_URL; refused so the token stays with the API host"
        }
    }
}
