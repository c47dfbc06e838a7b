import Foundation

/// How old a git mirror read without fetching is (`--offline`): its URL and when it last fetched,
/// as the report and the stderr notes say it.
public struct MirrorAge: Encodable, Sendable, Equatable {
    /// The repository's URL, without credentials.
    public var url: String
    /// RFC 3339; nil when the mirror was fetched before trackbot recorded the time.
    public var fetchedAt: String?
    /// Seconds since that fetch; nil when it is not recorded.
    public var age: Int?

    public init(url: String, fetchedAt: Date?, now: Date = Date()) {
        self.url = url
        self.fetchedAt = fetchedAt.map { ISO8601DateFormatter().string(from: $0) }
        age = fetchedAt.map { max(0, Int(now.timeIntervalSince($0))) }
    }

    /// `URL as of 2026-12-02T05:00:00Z (3 h old)`.
    public var line: String {
        guard let fetchedAt, let age else { return "\(url) as last fetched (when is not recorded)" }
        return "\(url) as of \(fetchedAt) (\(Self.words(age)) old)"
    }

    /// `45 s`, `12 min`, `3 h`, `4 days`.
    public static func words(_ seconds: Int) -> String {
        let s = max(0, seconds)
        if s < 120 { return "\(s) s" }
        if s < 2 * 3600 { return "\(s / 60) min" }
        if s < 2 * 86400 { return "\(s / 3600) h" }
        return "\(s / 86400) days"
    }
}
