import Foundation

/// How hard to try, for every HTTP client trackbot has (the registry and GitHub): attempts and a
/// total time bound every request; the delay doubles from `baseDelay` with jitter (50–100 %),
/// capped at `maxDelay`, unless the server says `Retry-After`.
///
/// What may be retried is decided here too, so the clients agree: 429 and the transient 5xx
/// statuses (500, 502, 503, 504; not 501 or 505, which say the request will never work), and
/// transport failures the transport calls transient. A request that is not idempotent (POST,
/// PATCH) is retried only when the failure proves it was never sent (the connection was
/// refused); after anything else it may have taken effect, and the caller must look first.
public struct RetryPolicy: Sendable {
    public var maxAttempts: Int
    /// Total time allowed for one request, waits included.
    public var budget: Double
    public var baseDelay: Double
    public var maxDelay: Double
    /// How waiting happens (tests record the delays instead of sleeping).
    public var sleep: @Sendable (Double) async throws -> Void

    public init(
        maxAttempts: Int = 5, budget: Double = 120, baseDelay: Double = 0.5, maxDelay: Double = 30,
        sleep: @escaping @Sendable (Double) async throws -> Void = RetryPolicy.taskSleep
    ) {
        self.maxAttempts = max(1, maxAttempts)
        self.budget = budget
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.sleep = sleep
    }

    public static let taskSleep: @Sendable (Double) async throws -> Void = { seconds in
        if seconds > 0 { try await Task.sleep(nanoseconds: UInt64(seconds * 1_000_000_000)) }
    }

    /// The wait before attempt `attempt + 1` (attempt counts from 1).
    public func backoff(after attempt: Int) -> Double {
        let exponential = baseDelay * pow(2, Double(max(1, attempt) - 1))
        return min(maxDelay, exponential) * Double.random(in: 0.5...1.0)
    }

    /// Whether another attempt fits: attempts left, and `wait` more seconds within the budget
    /// after `elapsed`.
    public func allowsAnother(after attempt: Int, elapsed: Double, wait: Double) -> Bool {
        attempt < maxAttempts && elapsed + wait <= budget
    }

    /// Statuses worth another attempt: too many requests, and the transient server errors.
    public static func isRetryable(status: Int) -> Bool {
        status == 429 || status == 500 || status == 502 || status == 503 || status == 504
    }

    /// GET, HEAD, PUT, DELETE, OPTIONS and TRACE (RFC 9110 9.2.2). Not POST or PATCH.
    public static func isIdempotent(method: String) -> Bool {
        ["GET", "HEAD", "PUT", "DELETE", "OPTIONS", "TRACE"].contains(method.uppercased())
    }

    /// Whether a failed attempt may be repeated. `idempotent` is the request's own property
    /// (`isIdempotent(method:)`, or the caller's word for a request it built to be repeatable);
    /// `neverSent` is true only when the failure proves nothing reached the server.
    public static func mayRetry(idempotent: Bool, status: Int?, transientTransport: Bool, neverSent: Bool) -> Bool {
        if let status {
            return idempotent && isRetryable(status: status)
        }
        return transientTransport && (idempotent || neverSent)
    }

    /// `Retry-After` as seconds from `now`: delta-seconds (digits only, RFC 9110 10.2.3) or an
    /// HTTP date (IMF-fixdate, RFC 850 or asctime); a date in the past is 0; nil for anything
    /// else (`1.5`, `-3`, `soon`), so the caller falls back to its own backoff.
    public static func retryAfter(_ value: String?, now: Date = Date()) -> Double? {
        guard let value = value?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        if value.utf8.allSatisfy({ (0x30...0x39).contains($0) }) {
            return Double(value.utf8.count > 9 ? "999999999" : value)
        }
        for format in ["EEE, dd MMM yyyy HH:mm:ss zzz", "EEEE, dd-MMM-yy HH:mm:ss zzz", "EEE MMM d HH:mm:ss yyyy"] {
            let f = DateFormatter()
            f.locale = Locale(identifier: "en_US_POSIX")
            f.timeZone = TimeZone(identifier: "GMT")
            f.dateFormat = format
            if let date = f.date(from: value) { return max(0, date.timeIntervalSince(now)) }
        }
        return nil
    }
}
