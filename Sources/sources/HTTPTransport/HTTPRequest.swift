import TrackbotCore

/// One HTTP request: what to send, how long to wait, and how much body to accept.
public struct HTTPRequest: Sendable {
    public enum Method: String, Sendable {
        case get = "GET", head = "HEAD", post = "POST", put = "PUT", patch = "PATCH", delete = "DELETE"
    }

    public var method: Method
    public var url: String
    public var headers: HTTPHeaders
    public var body: [UInt8]?
    /// Credentials that went into the headers or URL: scrubbed from every error message.
    public var secrets: [Secret]
    /// Largest body accepted when it is collected in memory (manifests, JSON, error bodies).
    public var bodyLimit: Int
    public var connectTimeout: Double
    /// The whole exchange, redirects included.
    public var totalTimeout: Double
    /// For a request that must not be sent twice: it goes out on a new connection, which is not
    /// kept afterwards. libcurl silently resends a request whose reused connection died before
    /// any answer; on a fresh connection the dropped answer reaches the caller instead.
    /// Defaults to true for POST (not idempotent).
    public var freshConnection: Bool

    public static let defaultBodyLimit = 4 << 20

    public init(
        _ method: Method = .get, _ url: String, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8]? = nil,
        secrets: [Secret] = [], bodyLimit: Int = HTTPRequest.defaultBodyLimit,
        connectTimeout: Double = 10, totalTimeout: Double = 60, freshConnection: Bool? = nil
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.secrets = secrets
        self.bodyLimit = bodyLimit
        self.connectTimeout = connectTimeout
        self.totalTimeout = totalTimeout
        self.freshConnection = freshConnection ?? (method == .post)
    }

    /// Sets `Authorization` and remembers the credential so that errors never show it.
    public mutating func authorize(_ scheme: String, _ credential: Secret) {
        headers.set("Authorization", "\(scheme) \(credential.value)")
        secrets.append(credential)
    }
}

/// What came back: status, headers, the URL that answered (after redirects) and, when collected,
/// the body.
public struct HTTPResponse: Sendable {
    public var status: Int
    public var headers: HTTPHeaders
    /// The URL of the last hop, credentials stripped.
    public var finalURL: String
    /// The collected body; empty when the body went to a sink.
    public var body: [UInt8]
    /// How many redirects were followed.
    public var redirects: Int
    /// How many new connections the exchange opened (0 when a kept-alive one was reused).
    public var newConnections: Int

    public init(
        status: Int, headers: HTTPHeaders, finalURL: String, body: [UInt8], redirects: Int, newConnections: Int = 0
    ) {
        self.status = status
        self.headers = headers
        self.finalURL = finalURL
        self.body = body
        self.redirects = redirects
        self.newConnections = newConnections
    }

    public var isSuccess: Bool { (200..<300).contains(status) }

    /// The body as text for an error message: one line, without control characters or escape
    /// sequences (the server chose every byte), scrubbed of `secrets` in every form, cut to
    /// `limit` characters. Scrubbed before the cut, so a secret across it cannot leave half of
    /// itself behind.
    public func bodyText(limit: Int = 300, scrubbing secrets: [Secret] = []) -> String {
        let whole = String(decoding: body.prefix(max(limit * 4, 64 << 10)), as: UTF8.self)
        let text = Redaction.scrub(Sanitize.terminal(whole), secrets: secrets)
        return text.count > limit ? String(text.prefix(limit)) + "…" : text
    }
}
