import Foundation
import HTTPTransport
import TrackbotCore

/// How to reach the GitHub REST API and how patiently.
public struct GitHubSettings: Sendable {
    /// `GITHUB_API_URL` without a trailing slash.
    public var apiURL: String
    public var token: Secret?
    /// Seconds between two mutations (GitHub asks integrations not to burst writes).
    public var mutationSpacing: Double = 1
    /// Total time allowed for one request.
    public var requestTimeout: Double = 30
    /// Longest single wait for `retry-after` / `x-ratelimit-reset` before giving up.
    public var maxRateLimitWait: Double = 120
    /// Rate-limit waits allowed for one request.
    public var rateLimitRetries = 3
    /// Attempts and backoff for a read or an update after a 429 without a rate-limit wait, a
    /// transient 5xx or a dropped connection (the policy the registry client uses; three
    /// attempts, 0.5 s doubling up to 4 s). A POST is only retried when its connection was refused.
    public var retry = RetryPolicy(maxAttempts: 3, budget: 300, baseDelay: 0.5, maxDelay: 4)

    public init(apiURL: String = "https://api.github.com", token: Secret? = nil) {
        self.apiURL = apiURL.hasSuffix("/") ? String(apiURL.dropLast()) : apiURL
        self.token = token
    }

    /// `GITHUB_API_URL` (default https://api.github.com) and `GITHUB_TOKEN`.
    public static func fromEnvironment(_ environment: [String: String]) -> GitHubSettings {
        let url = environment["GITHUB_API_URL"].flatMap { $0.isEmpty ? nil : $0 } ?? "https://api.github.com"
        let token = environment["GITHUB_TOKEN"].flatMap { $0.isEmpty ? nil : Secret($0) }
        return GitHubSettings(apiURL: url, token: token)
    }
}

/// A small GitHub REST client: JSON in and out, `Link` pagination, spaced mutations, rate-limit
/// waits and bounded retries. Mutations go one at a time (the actor serialises them).
public actor GitHubClient {
    public nonisolated let settings: GitHubSettings
    private let http: HTTPClient
    private var lastMutation: ContinuousClock.Instant?

    public init(settings: GitHubSettings, http: HTTPClient = HTTPClient(maxPerHost: 4)) {
        self.settings = settings
        self.http = http
    }

    /// Every page of a list endpoint (`path` relative to the API URL, query included).
    public func getAll<T: Decodable & Sendable>(_ path: String, as type: [T].Type) async throws -> [T] {
        var url: String? = settings.apiURL + path
        var all: [T] = []
        while let next = url {
            guard next.hasPrefix(settings.apiURL + "/") else {
                throw GitHubError.foreignPageLink(scrub(Redaction.stripCredentials(next)))
            }
            let response = try await exchange(.get, url: next, body: nil, path: displayPath(next))
            all += try decode([T].self, response.body, method: "GET", path: displayPath(next))
            url = Self.nextLink(response.headers["Link"])
        }
        return all
    }

    /// One GET of a single resource.
    public func get<T: Decodable & Sendable>(_ path: String, as type: T.Type) async throws -> T {
        let response = try await exchange(.get, url: settings.apiURL + path, body: nil, path: path)
        return try decode(T.self, response.body, method: "GET", path: path)
    }

    /// One POST or PATCH with a JSON body; decodes the answer.
    public func mutate<T: Decodable & Sendable, B: Encodable & Sendable>(
        _ method: HTTPRequest.Method, _ path: String, body: B, as type: T.Type
    ) async throws -> T {
        if let last = lastMutation {
            let due = last.advanced(by: .milliseconds(Int(settings.mutationSpacing * 1000)))
            if due > .now { try await Task.sleep(until: due, clock: .continuous) }
        }
        defer { lastMutation = .now }
        let data = try JSONCoding.compactEncoder().encode(body)
        let response = try await exchange(method, url: settings.apiURL + path, body: Array(data), path: path)
        return try decode(T.self, response.body, method: method.rawValue, path: path)
    }

    private func exchange(_ method: HTTPRequest.Method, url: String, body: [UInt8]?, path: String) async throws
        -> HTTPResponse
    {
        // A POST is not idempotent: after a timeout or 5xx it may have taken effect, so the caller
        // must look before it tries again. A PATCH here sets absolute fields (`IssueEdit`):
        // sending it twice is sending it once, so it is retried like a read.
        let idempotent = RetryPolicy.isIdempotent(method: method.rawValue) || method == .patch
        let policy = settings.retry
        let started = ContinuousClock.now
        var attempts = 0, rateWaits = 0
        while true {
            attempts += 1
            // A POST goes out on a new connection: libcurl would otherwise resend it, unseen, when a
            // kept-alive connection dies before the answer (a duplicate issue); this way the drop
            // surfaces (curl error 52 or 56) and becomes `uncertain` below.
            var request = HTTPRequest(
                method, url, body: body, connectTimeout: min(10, settings.requestTimeout),
                totalTimeout: settings.requestTimeout, freshConnection: !idempotent)
            request.headers.set("Accept", "application/vnd.github+json")
            request.headers.set("X-GitHub-Api-Version", "2022-11-28")
            request.headers.set("User-Agent", "trackbot")
            if body != nil { request.headers.set("Content-Type", "application/json") }
            if let token = settings.token { request.authorize("Bearer", token) }

            let response: HTTPResponse
            do {
                response = try await http.send(request)
            } catch let error as HTTPError {
                let reason = scrub(error.description)
                let refused: Bool = if case .transport(_, _, 7, _) = error { true } else { false }
                if !idempotent && !refused {
                    throw GitHubError.uncertain(method: method.rawValue, path: path, reason: reason)
                }
                if RetryPolicy.mayRetry(
                    idempotent: idempotent, status: nil, transientTransport: error.isRetryable, neverSent: refused),
                    try await retried(after: attempts, started: started, policy: policy)
                {
                    continue
                }
                throw GitHubError.transport(method: method.rawValue, path: path, reason: reason)
            }
            if response.isSuccess { return response }

            if response.status == 403 || response.status == 429, let wait = rateLimitWait(response.headers) {
                guard Double(wait) <= settings.maxRateLimitWait, rateWaits < settings.rateLimitRetries else {
                    throw GitHubError.rateLimited(method: method.rawValue, path: path, waitSeconds: wait)
                }
                rateWaits += 1
                try await Task.sleep(for: .seconds(wait))
                continue
            }
            if response.status >= 500 && !idempotent {
                throw GitHubError.uncertain(method: method.rawValue, path: path, reason: "status \(response.status)")
            }
            if RetryPolicy.mayRetry(
                idempotent: idempotent, status: response.status, transientTransport: false, neverSent: false),
                try await retried(after: attempts, started: started, policy: policy)
            {
                continue
            }
            throw GitHubError.status(
                method: method.rawValue, path: path, status: response.status,
                body: response.bodyText(limit: 300, scrubbing: settings.token.map { [$0] } ?? []))
        }
    }

    /// Waits the policy's backoff and says true, or says false when no attempt is left.
    private func retried(after attempt: Int, started: ContinuousClock.Instant, policy: RetryPolicy) async throws -> Bool
    {
        let wait = policy.backoff(after: attempt)
        let elapsed = Double((ContinuousClock.now - started).components.seconds)
        guard policy.allowsAnother(after: attempt, elapsed: elapsed, wait: wait) else { return false }
        try await policy.sleep(wait)
        return true
    }

    /// Seconds to wait from `retry-after` (seconds or an HTTP date), or from
    /// `x-ratelimit-reset` when nothing remains.
    private func rateLimitWait(_ headers: HTTPHeaders) -> Int? {
        if let seconds = RetryPolicy.retryAfter(headers["retry-after"]) {
            return Int(seconds.rounded(.up))
        }
        if headers["x-ratelimit-remaining"]?.trimmingCharacters(in: .whitespaces) == "0",
            let reset = headers["x-ratelimit-reset"].flatMap({ Double($0.trimmingCharacters(in: .whitespaces)) })
        {
            return max(1, Int((reset - Date().timeIntervalSince1970).rounded(.up)) + 1)
        }
        return nil
    }

    private func decode<T: Decodable>(_ type: T.Type, _ body: [UInt8], method: String, path: String) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Data(body))
        } catch {
            throw GitHubError.invalidResponse(method: method, path: path, reason: scrub("\(error)"))
        }
    }

    private func scrub(_ text: String) -> String {
        Redaction.scrub(text, secrets: settings.token.map { [$0] } ?? [])
    }

    private func displayPath(_ url: String) -> String {
        scrub(url.hasPrefix(settings.apiURL) ? String(url.dropFirst(settings.apiURL.count)) : url)
    }

    /// The `rel="next"` target of a `Link` header.
    static func nextLink(_ header: String?) -> String? {
        guard let header else { return nil }
        for part in header.split(separator: ",") {
            let pieces = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let first = pieces.first, first.hasPrefix("<"), first.hasSuffix(">") else { continue }
            if pieces.dropFirst().contains(where: { $0 == "rel=\"next\"" || $0 == "rel=next" }) {
                return String(first.dropFirst().dropLast())
            }
        }
        return nil
    }
}
