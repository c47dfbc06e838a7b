import Foundation

/// How hard to try: attempts and total time bound every request; the delay doubles from
/// `baseDelay` with jitter (50–100 %), capped at `maxDelay`, unless the server says `Retry-After`.
public struct RetryPolicy: Sendable {
    public var maxAttempts: Int
    /// Total time allowed for one request, waits included.
    public var budget: Double
    public var baseDelay: Double
    public var maxDelay: Double
    /// How waiting happens (tests record the delays instead of sleeping).
    public var sleep: @Sendable (Double) async throws -> Void

    public init(maxAttempts: Int = 5, budget: Double = 120, baseDelay: Double = 0.5, maxDelay: Double = 30,
                sleep: @escaping @Sendable (Double) async throws -> Void = RetryPolicy.taskSleep) {
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
        let exponential = baseDelay * pow(2, Double(attempt - 1))
        return min(maxDelay, exponential) * Double.random(in: 0.5...1.0)
    }

    /// `Retry-After` as seconds from `now`: delta-seconds or an HTTP date.
    public static func retryAfter(_ value: String?, now: Date = Date()) -> Double? {
        guard let value = value?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        if let seconds = Double(value) { return max(0, seconds) }
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

/// `ratelimit-limit` / `ratelimit-remaining` as Docker Hub sends them (`100;w=21600`).
public struct RateLimit: Sendable, Hashable, Codable {
    public var limit: Int?
    public var remaining: Int
    /// The window in seconds, when given.
    public var window: Int?

    /// Reads the two headers; nil when `ratelimit-remaining` is absent or unreadable.
    public init?(limit: String?, remaining: String?) {
        guard let remaining, let r = RateLimit.count(remaining) else { return nil }
        self.remaining = r
        self.limit = limit.flatMap(RateLimit.count)
        window = (remaining.split(separator: ";").dropFirst() + (limit?.split(separator: ";").dropFirst() ?? []))
            .compactMap { part -> Int? in
                let kv = part.split(separator: "=")
                return kv.count == 2 && kv[0].trimmingSpaces() == "w" ? Int(kv[1].trimmingSpaces()) : nil
            }.first
    }

    private static func count(_ s: String) -> Int? { Int(s.split(separator: ";").first.map { $0.trimmingSpaces() } ?? "") }
}
