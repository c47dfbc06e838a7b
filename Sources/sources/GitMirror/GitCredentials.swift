import TrackbotCore

/// Tokens per host for HTTPS fetches. A token is only ever offered to its own host, once per
/// connection, as HTTP basic credentials `x-access-token:<token>` (what GitHub accepts).
public struct GitCredentials: Sendable {
    /// Keyed by `host` or `host:port`, lowercased; `host:port` wins over `host`.
    public var tokens: [String: Secret]
    /// The user name sent with a token.
    public var username: String

    public init(tokens: [String: Secret] = [:], username: String = "x-access-token") {
        self.tokens = Dictionary(tokens.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { $1 })
        self.username = username
    }

    /// The caller's default: `GITHUB_TOKEN` for github.com, when set.
    public static func fromEnvironment(_ environment: [String: String]) -> GitCredentials {
        guard let token = environment["GITHUB_TOKEN"], !token.isEmpty else { return GitCredentials() }
        return GitCredentials(tokens: ["github.com": Secret(token)])
    }

    /// The token for a `host[:port]`, if any.
    func token(for host: String?) -> Secret? {
        guard let host = host?.lowercased() else { return nil }
        if let exact = tokens[host] { return exact }
        guard let parsed = URLAuthority(authority: host, scheme: "https"), parsed.host != host else { return nil }
        return tokens[parsed.host]
    }

    /// Every token, for scrubbing messages.
    var secrets: [Secret] { Array(tokens.values) }
}
