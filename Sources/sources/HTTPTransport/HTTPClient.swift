import CCurl
import Foundation
import TrackbotCore

/// An HTTP client on libcurl: one pool of easy handles per host (each keeps its connections
/// alive), DNS and TLS sessions shared, HTTP/2 when the server offers it over TLS, certificates
/// checked against the system store, proxies taken from `http_proxy`/`https_proxy`/`no_proxy` by
/// libcurl itself. Redirects are followed here, hop by hop, so that `Authorization` is dropped as
/// soon as a hop leaves the original scheme, host and port. Blocking transfers run on the
/// blocking pool (`BlockingPool.shared`), at most `maxPerHost` at once per host; cancelling the calling task aborts the transfer
/// (within about a second) with `CancellationError`.
public final class HTTPClient: Sendable {
    /// Upper bound on redirects followed for one request.
    public let maxRedirects: Int
    public let maxPerHost: Int
    private let limiter: HostLimiter
    private let pool: EasyPool

    /// Told one line per request (method, URL without credentials, status, duration) for `-v`.
    public let log: (@Sendable (String) -> Void)?

    public init(maxPerHost: Int = 8, maxRedirects: Int = 10, log: (@Sendable (String) -> Void)? = nil) {
        HTTPClient.globalInit
        self.maxPerHost = maxPerHost
        self.maxRedirects = maxRedirects
        self.log = log
        limiter = HostLimiter(limit: maxPerHost)
        pool = EasyPool(idlePerHost: maxPerHost)
    }

    private static let globalInit: Void = { _ = curl_global_init(Int(CURL_GLOBAL_DEFAULT)) }()

    /// Sends `request` and collects the body (up to `request.bodyLimit`; beyond it the transfer
    /// is aborted with `HTTPError.bodyTooLarge`).
    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        try await exchange(request, sink: nil)
    }

    /// Sends `request` and streams a 2xx body to `sink` as it arrives (on the transfer's thread);
    /// any other status has its body collected, capped, into the response instead.
    public func stream(_ request: HTTPRequest, into sink: @escaping BodySink) async throws -> HTTPResponse {
        try await exchange(request, sink: sink)
    }

    private func exchange(_ request: HTTPRequest, sink: BodySink?) async throws -> HTTPResponse {
        guard let origin = Origin(request.url) else {
            throw HTTPError.invalidURL(displayURL(request.url, request.secrets))
        }
        let key = origin.key
        await limiter.acquire(key)
        let started = ContinuousClock.now
        do {
            let response = try await runOnThread(request, origin: origin, sink: sink)
            await limiter.release(key)
            logExchange(request, started: started, outcome: "\(response.status)")
            return response
        } catch {
            await limiter.release(key)
            logExchange(request, started: started, outcome: "failed")
            throw error
        }
    }

    private func logExchange(_ request: HTTPRequest, started: ContinuousClock.Instant, outcome: String) {
        guard let log = self.log else { return }
        log(
            "\(request.method.rawValue) \(displayURL(request.url, request.secrets)): \(outcome) in "
                + Elapsed.milliseconds(since: started))
    }

    private func runOnThread(_ request: HTTPRequest, origin: Origin, sink: BodySink?) async throws -> HTTPResponse {
        // The sink is only called during the transfer, which this call awaits.
        nonisolated(unsafe) let sink = sink
        let pool = self.pool, maxRedirects = self.maxRedirects
        let cancel = CancelFlag()
        return try await withTaskCancellationHandler {
            try await runBlocking("trackbot.http") {
                guard let easy = pool.take(origin.key) else {
                    throw HTTPError.transport(
                        method: request.method.rawValue, url: displayURL(request.url, request.secrets),
                        code: 2, message: "curl_easy_init failed")
                }
                defer { pool.give(easy, origin.key) }
                return try HTTPClient.follow(
                    request, origin: origin, easy: easy, share: pool.share, sink: sink,
                    maxRedirects: maxRedirects, cancel: cancel)
            }
        } onCancel: {
            cancel.set()
        }
    }

    /// Performs the request and its redirects on one handle.
    static func follow(
        _ original: HTTPRequest, origin: Origin, easy: CurlEasy,
        share: UnsafeMutablePointer<trackbot_curl_share>?, sink: BodySink?, maxRedirects: Int,
        cancel: CancelFlag
    ) throws -> HTTPResponse {
        var request = original
        var url = original.url
        var headers = original.headers
        var hops = 0
        var connections = 0
        while true {
            let hop = try easy.perform(request, url: url, headers: headers, share: share, sink: sink, cancel: cancel)
            connections += hop.newConnections
            let isRedirect = [301, 302, 303, 307, 308].contains(hop.status)
            guard isRedirect, let next = hop.redirectURL, !next.isEmpty else {
                return HTTPResponse(
                    status: hop.status, headers: hop.headers,
                    finalURL: displayURL(hop.effectiveURL, request.secrets), body: hop.body, redirects: hops,
                    newConnections: connections)
            }
            hops += 1
            guard hops <= maxRedirects else {
                throw HTTPError.tooManyRedirects(
                    method: request.method.rawValue,
                    url: displayURL(original.url, request.secrets), limit: maxRedirects)
            }
            guard let nextOrigin = Origin(next) else {
                throw HTTPError.redirectRefused(
                    method: request.method.rawValue, from: displayURL(url, request.secrets),
                    to: displayURL(next, request.secrets))
            }
            // Credentials stay with the origin they were meant for (as libcurl's
            // CURLOPT_UNRESTRICTED_AUTH=0 intends); once dropped they are not restored.
            if nextOrigin != origin {
                headers.remove("Authorization")
                headers.remove("Cookie")
            }
            if hop.status == 303 && request.method != .head {
                request.method = .get
                request.body = nil
            }
            url = next
        }
    }
}

/// scheme://host:port of an http(s) URL (`URLAuthority`): lowercased, the default port filled in.
struct Origin: Hashable, Sendable {
    let authority: URLAuthority

    init?(_ url: String) {
        guard let authority = URLAuthority(url: url), authority.scheme == "http" || authority.scheme == "https" else {
            return nil
        }
        self.authority = authority
    }

    var key: String { authority.key }
}

/// Idle easy handles per host, and the DNS/TLS share handle they all use.
final class EasyPool: @unchecked Sendable {
    private let lock = NSLock()
    private var idle: [String: [CurlEasy]] = [:]
    private let idlePerHost: Int
    let share: UnsafeMutablePointer<trackbot_curl_share>?

    init(idlePerHost: Int) {
        self.idlePerHost = idlePerHost
        share = trackbot_curl_share_create()
    }

    deinit {
        lock.withLock { idle.removeAll() }
        trackbot_curl_share_destroy(share)
    }

    func take(_ key: String) -> CurlEasy? {
        if let easy = lock.withLock({ idle[key]?.popLast() }) { return easy }
        return CurlEasy()
    }

    func give(_ easy: CurlEasy, _ key: String) {
        lock.withLock {
            if idle[key, default: []].count < idlePerHost { idle[key, default: []].append(easy) }
        }
    }
}
