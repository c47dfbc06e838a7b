import Foundation
import HTTPTransport
import TrackbotCore

/// Settings for a `RegistryClient`.
public struct RegistryConfiguration: Sendable {
    public var rewriter: URLRewriter
    public var credentials: CredentialStore
    public var retry: RetryPolicy
    /// Stop (with `RegistryError.rateLimitFloor`) before a manifest GET when the registry said
    /// fewer than this many pulls remain. HEADs go on: Docker Hub does not count them.
    public var rateLimitFloor: Int
    public var maxConcurrentPerHost: Int
    public var connectTimeout: Double
    /// For manifests, configs and tokens.
    public var requestTimeout: Double
    /// For layer downloads.
    public var blobTimeout: Double
    /// Told one line per HTTP request with its status and duration (`-v`); nil for none.
    public var requestLog: (@Sendable (String) -> Void)?

    public init(
        rewriter: URLRewriter = URLRewriter(), credentials: CredentialStore = .anonymous,
        retry: RetryPolicy = RetryPolicy(), rateLimitFloor: Int = 1, maxConcurrentPerHost: Int = 8,
        connectTimeout: Double = 10, requestTimeout: Double = 60, blobTimeout: Double = 1800
    ) {
        self.rewriter = rewriter
        self.credentials = credentials
        self.retry = retry
        self.rateLimitFloor = rateLimitFloor
        self.maxConcurrentPerHost = maxConcurrentPerHost
        self.connectTimeout = connectTimeout
        self.requestTimeout = requestTimeout
        self.blobTimeout = blobTimeout
    }
}

/// A client for the distribution API (`/v2/`): authentication, retries, rate limits, and digest
/// verification of everything it returns.
public final class RegistryClient: Sendable {
    public let configuration: RegistryConfiguration
    /// Requests made, by kind.
    public let requests = RequestCounter()
    let http: HTTPClient
    private let state = ClientState()
    /// Concurrent requests for the same manifest digest share one GET.
    private let manifestFetches = TaskCache<Digest, FetchedManifest>(keep: .whileInFlight)

    public init(configuration: RegistryConfiguration = RegistryConfiguration(), http: HTTPClient? = nil) {
        self.configuration = configuration
        self.http = http ?? HTTPClient(maxPerHost: configuration.maxConcurrentPerHost, log: configuration.requestLog)
    }

    /// The endpoint a registry name resolves to (after rewriting).
    public func endpoint(_ registry: String) -> RegistryEndpoint {
        RegistryEndpoint(registry: registry, rewriter: configuration.rewriter)
    }

    /// The last rate limit the registry reported, if it reports one.
    public func rateLimit(registry: String) -> RateLimit? { state.rateLimit(endpoint(registry).baseURL) }

    /// `GET /v2/`: checks the registry answers the distribution API, and learns how it authenticates.
    public func ping(registry: String) async throws {
        _ = try await exchange(endpoint(registry), scope: "", .get, "/v2/", kind: "ping", accept: [])
    }

    /// The digest a tag (or digest) currently points at: one HEAD, no download.
    public func headDigest(_ reference: ImageReference) async throws -> ManifestHead {
        let ep = endpoint(reference.registry)
        let path = "/v2/\(reference.repository)/manifests/\(reference.manifestReference)"
        let response = try await exchange(
            ep, scope: reference.pullScope, .head, path, kind: "HEAD manifest",
            accept: MediaType.manifestAccept)
        guard let header = response.headers["Docker-Content-Digest"], let digest = try? Digest(parsing: header) else {
            throw RegistryError.missingDigest(registry: ep.description, request: "HEAD \(path)")
        }
        if let asked = reference.digest, asked != digest {
            throw RegistryError.digestMismatch(
                registry: ep.description, request: "HEAD \(path)", expected: asked, actual: digest,
                source: "Docker-Content-Digest differs from the digest asked for")
        }
        return ManifestHead(
            digest: digest, mediaType: response.headers["Content-Type"] ?? "",
            size: response.headers["Content-Length"].flatMap { Int64($0) })
    }

    /// The manifest at `reference` (by digest when it has one), verified: its bytes must hash to
    /// the digest asked for and to `Docker-Content-Digest`. Manifests fetched by digest are cached.
    public func manifest(_ reference: ImageReference) async throws -> FetchedManifest {
        guard let digest = reference.digest else { return try await fetchManifest(reference) }
        if let cached = state.cachedManifest(digest) { return cached }
        return try await manifestFetches.value(for: digest) { try await self.fetchManifest(reference) }
    }

    private func fetchManifest(_ reference: ImageReference) async throws -> FetchedManifest {
        let ep = endpoint(reference.registry)
        let path = "/v2/\(reference.repository)/manifests/\(reference.manifestReference)"
        let request = "GET \(path)"
        let response = try await exchange(
            ep, scope: reference.pullScope, .get, path, kind: "GET manifest",
            accept: MediaType.manifestAccept, countsAgainstLimit: true)
        let header = response.headers["Docker-Content-Digest"].flatMap { try? Digest(parsing: $0) }
        let algorithm = reference.digest?.algorithm ?? header?.algorithm ?? .sha256
        let actual = StreamingHasher.digest(response.body, algorithm)
        if let asked = reference.digest, asked != actual {
            throw RegistryError.digestMismatch(
                registry: ep.description, request: request, expected: asked, actual: actual,
                source: "the digest asked for")
        }
        if let header {
            let headerActual =
                header.algorithm == algorithm ? actual : StreamingHasher.digest(response.body, header.algorithm)
            if header != headerActual {
                throw RegistryError.digestMismatch(
                    registry: ep.description, request: request, expected: header, actual: headerActual,
                    source: "Docker-Content-Digest")
            }
        }
        let fetched = try Self.parse(
            response.body, digest: actual,
            contentType: response.headers["Content-Type"], registry: ep.description, request: request)
        state.cache(fetched)
        return fetched
    }

    /// The image config of an image manifest, verified against its descriptor.
    public func config(for manifest: ImageManifest, in reference: ImageReference) async throws -> ImageConfig {
        if let cached = state.cachedConfig(manifest.config.digest) { return cached }
        let bytes = try await blobBytes(reference.at(manifest.config.digest), limit: HTTPRequest.defaultBodyLimit)
        do {
            let config = try JSONDecoder().decode(ImageConfig.self, from: Data(bytes))
            state.cache(config, manifest.config.digest)
            return config
        } catch {
            throw RegistryError.malformedManifest(
                registry: endpoint(reference.registry).description,
                request: "GET config \(manifest.config.digest)", detail: "\(error)")
        }
    }

    /// Streams the blob `reference.digest` to `sink` as it arrives, hashing on the way; throws
    /// `digestMismatch` at the end if the bytes were not the blob asked for (the caller must then
    /// discard what it received). Retried only while nothing has reached the sink.
    public func blob(_ reference: ImageReference, into sink: @escaping BodySink) async throws -> Int64 {
        guard let digest = reference.digest else {
            throw RegistryError.invalidReference(reference.description, reason: "a blob is fetched by digest")
        }
        let ep = endpoint(reference.registry)
        let path = "/v2/\(reference.repository)/blobs/\(digest)"
        let progress = BlobProgress(algorithm: digest.algorithm, sink: sink)
        _ = try await exchange(
            ep, scope: reference.pullScope, .get, path, kind: "GET blob", accept: [],
            timeout: configuration.blobTimeout, progress: progress)
        let actual = progress.finalize()
        guard actual == digest else {
            throw RegistryError.digestMismatch(
                registry: ep.description, request: "GET \(path)", expected: digest, actual: actual,
                source: "the digest asked for")
        }
        return progress.bytes
    }

    /// A small blob (a config) in memory, verified.
    public func blobBytes(_ reference: ImageReference, limit: Int = HTTPRequest.defaultBodyLimit) async throws
        -> [UInt8]
    {
        let collector = ByteCollector(limit: limit)
        do {
            _ = try await blob(reference) { try collector.append($0) }
        } catch let error as ByteCollector.Overflow {
            throw RegistryError.transport(
                registry: endpoint(reference.registry).description,
                request: "GET blob \(reference.digest?.description ?? "")",
                .bodyTooLarge(method: "GET", url: reference.description, limit: error.limit))
        }
        return collector.bytes
    }

    static func parse(_ body: [UInt8], digest: Digest, contentType: String?, registry: String, request: String) throws
        -> FetchedManifest
    {
        struct Probe: Decodable {
            var mediaType: String?
            var manifests: [Descriptor]?
            var config: Descriptor?
        }
        let data = Data(body)
        let decoder = JSONDecoder()
        do {
            let probe = try decoder.decode(Probe.self, from: data)
            let type = probe.mediaType ?? contentType?.split(separator: ";").first.map { $0.trimmingSpaces() } ?? ""
            if MediaType.isIndex(type) || (type.isEmpty && probe.manifests != nil) {
                return FetchedManifest(
                    digest: digest, mediaType: type.ifEmpty(MediaType.ociIndex), bytes: body,
                    content: .index(try decoder.decode(ImageIndex.self, from: data)))
            }
            if MediaType.isImageManifest(type) || (type.isEmpty && probe.config != nil) {
                return FetchedManifest(
                    digest: digest, mediaType: type.ifEmpty(MediaType.ociManifest), bytes: body,
                    content: .image(try decoder.decode(ImageManifest.self, from: data)))
            }
            throw RegistryError.unsupportedMediaType(
                registry: registry, request: request, mediaType: type.ifEmpty("(none)"))
        } catch let error as RegistryError {
            throw error
        } catch {
            throw RegistryError.malformedManifest(registry: registry, request: request, detail: "\(error)")
        }
    }

    // MARK: - One request, with authentication and retries

    /// Performs `method path`, authenticating when asked (one re-authentication when a token is
    /// refused) and retrying 429, 5xx and transient transport failures within the retry budget.
    func exchange(
        _ ep: RegistryEndpoint, scope: String?, _ method: HTTPRequest.Method, _ path: String, kind: String,
        accept: [String], countsAgainstLimit: Bool = false, timeout: Double? = nil,
        progress: BlobProgress? = nil
    ) async throws -> HTTPResponse {
        let auth = state.authenticator(ep) {
            // Only the configured registry gets credentials (see CredentialStore).
            let store = configuration.credentials, rewriter = configuration.rewriter
            return Authenticator(
                endpoint: ep, credentials: store.credentials(for: ep, rewriter: rewriter),
                credentialRealms: store.credentialRealms(rewriter: rewriter), http: http, counter: requests)
        }
        let policy = configuration.retry
        // The distribution API is read here with GET and HEAD only.
        let idempotent = RetryPolicy.isIdempotent(method: method.rawValue)
        let what = "\(method.rawValue) \(path)"
        let started = Date()
        var attempts = 0
        var reauthenticated = false
        var lastProblem = ""
        while true {
            if countsAgainstLimit, let limit = state.rateLimit(ep.baseURL),
                limit.remaining < configuration.rateLimitFloor
            {
                throw RegistryError.rateLimitFloor(
                    registry: ep.description, remaining: limit.remaining,
                    floor: configuration.rateLimitFloor, limit: limit.limit)
            }
            attempts += 1
            var request = HTTPRequest(
                method, ep.url(path), connectTimeout: configuration.connectTimeout,
                totalTimeout: timeout ?? configuration.requestTimeout)
            if !accept.isEmpty { request.headers.add("Accept", accept.joined(separator: ", ")) }
            // A server may echo the password or `user:password` in any form: scrub them all.
            request.secrets += auth.secrets
            let sent = try await scope.asyncMap { try await auth.authorization(for: $0) } ?? nil
            if let sent { request.authorize(sent.scheme, sent.credential) }
            requests.count(kind)

            var delay: Double?
            do {
                let response: HTTPResponse
                if let progress {
                    response = try await http.stream(request) { try progress.write($0) }
                } else {
                    response = try await http.send(request)
                }
                if let limit = RateLimit(
                    limit: response.headers["ratelimit-limit"], remaining: response.headers["ratelimit-remaining"])
                {
                    state.record(limit, ep.baseURL)
                }
                switch response.status {
                case 200..<300:
                    return response
                case 401:
                    if sent == nil {
                        // The normal first contact: learn the challenge, then authenticate.
                        try await auth.learn(from: response.headers)
                        guard try await scope.asyncMap({ try await auth.authorization(for: $0) }) ?? nil != nil else {
                            let scoped = configuration.credentials.scopeAuthority(rewriter: configuration.rewriter)
                            let elsewhere =
                                CredentialStore.canonical(ep.authority) == scoped
                                ? ""
                                : " for it (registry credentials go to \(scoped) only; an image on another registry is pulled anonymously)"
                            throw RegistryError.unauthorized(
                                registry: ep.description, request: what,
                                detail: "the registry requires credentials and none are configured" + elsewhere)
                        }
                        attempts -= 1
                        continue
                    }
                    guard !reauthenticated, let scope else {
                        throw RegistryError.unauthorized(
                            registry: ep.description, request: what,
                            detail: "still refused after a fresh token: "
                                + response.bodyText(scrubbing: request.secrets))
                    }
                    // The token expired or was revoked early: one fresh token, once.
                    reauthenticated = true
                    try await auth.learn(from: response.headers)
                    await auth.invalidate(scope)
                    attempts -= 1
                    continue
                case 404:
                    throw RegistryError.notFound(registry: ep.description, request: what)
                case let status
                where RetryPolicy.mayRetry(
                    idempotent: idempotent, status: status, transientTransport: false, neverSent: false):
                    lastProblem =
                        "HTTP \(response.status)"
                        + (response.headers["Retry-After"].map { " (Retry-After: \($0))" } ?? "")
                    delay = RetryPolicy.retryAfter(response.headers["Retry-After"]) ?? policy.backoff(after: attempts)
                default:
                    throw RegistryError.unexpectedStatus(
                        registry: ep.description, request: what, status: response.status,
                        detail: response.bodyText(scrubbing: request.secrets))
                }
            } catch let error as HTTPError {
                guard
                    RetryPolicy.mayRetry(
                        idempotent: idempotent, status: nil, transientTransport: error.isRetryable, neverSent: false),
                    progress?.bytes ?? 0 == 0
                else {
                    throw RegistryError.transport(registry: ep.description, request: what, error)
                }
                lastProblem = error.description
                delay = policy.backoff(after: attempts)
            }
            let elapsed = Date().timeIntervalSince(started)
            guard let wait = delay, policy.allowsAnother(after: attempts, elapsed: elapsed, wait: wait) else {
                var last = lastProblem
                if let wait = delay, attempts < policy.maxAttempts {
                    last +=
                        "; waiting \(formatSeconds(wait)) s more would exceed the \(formatSeconds(policy.budget)) s budget"
                }
                throw RegistryError.gaveUp(
                    registry: ep.description, request: what, attempts: attempts, seconds: elapsed, last: last)
            }
            try await policy.sleep(wait)
        }
    }
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        switch self {
        case .some(let value): return try await transform(value)
        case .none: return nil
        }
    }
}

/// Hashes a blob as it streams to the caller's sink.
final class BlobProgress: @unchecked Sendable {
    private var hasher: StreamingHasher
    private let sink: BodySink
    private(set) var bytes: Int64 = 0

    init(algorithm: Digest.Algorithm, sink: @escaping BodySink) {
        hasher = StreamingHasher(algorithm)
        self.sink = sink
    }

    func write(_ chunk: UnsafeRawBufferPointer) throws {
        hasher.update(chunk)
        bytes += Int64(chunk.count)
        try sink(chunk)
    }

    func finalize() -> Digest { hasher.finalize() }
}

/// Collects a small body in memory, refusing more than `limit` bytes.
final class ByteCollector: @unchecked Sendable {
    struct Overflow: Error { let limit: Int }
    private(set) var bytes: [UInt8] = []
    let limit: Int

    init(limit: Int) { self.limit = limit }

    func append(_ chunk: UnsafeRawBufferPointer) throws {
        guard bytes.count + chunk.count <= limit else { throw Overflow(limit: limit) }
        bytes.append(contentsOf: chunk)
    }
}

/// Mutable, lock-protected state shared by a client's requests.
final class ClientState: @unchecked Sendable {
    private let lock = NSLock()
    private var authenticators: [String: Authenticator] = [:]
    private var limits: [String: RateLimit] = [:]
    private var manifests: [Digest: FetchedManifest] = [:]
    private var configs: [Digest: ImageConfig] = [:]
    private let cacheLimit = 1024

    func authenticator(_ ep: RegistryEndpoint, make: () -> Authenticator) -> Authenticator {
        lock.withLock {
            if let a = authenticators[ep.baseURL] { return a }
            let a = make()
            authenticators[ep.baseURL] = a
            return a
        }
    }

    func record(_ limit: RateLimit, _ key: String) { lock.withLock { limits[key] = limit } }
    func rateLimit(_ key: String) -> RateLimit? { lock.withLock { limits[key] } }

    func cachedManifest(_ d: Digest) -> FetchedManifest? { lock.withLock { manifests[d] } }
    func cache(_ m: FetchedManifest) {
        lock.withLock {
            if manifests.count >= cacheLimit { manifests.removeAll() }
            manifests[m.digest] = m
        }
    }

    func cachedConfig(_ d: Digest) -> ImageConfig? { lock.withLock { configs[d] } }
    func cache(_ c: ImageConfig, _ d: Digest) {
        lock.withLock {
            if configs.count >= cacheLimit { configs.removeAll() }
            configs[d] = c
        }
    }
}
