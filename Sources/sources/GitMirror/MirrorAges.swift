import Foundation

/// The mirrors an `--offline` run read and when each last fetched, so the report can say how
/// old what it checked is. Shared by the copies of one `MirrorCache`; written from fetch jobs.
public final class MirrorAges: @unchecked Sendable {
    private let lock = NSLock()
    private var ages: [String: Date?] = [:]

    public init() {}

    func record(_ url: String, fetchedAt: Date?) {
        lock.withLock { ages[url] = fetchedAt }
    }

    /// Each mirror read (its URL, without credentials) and its last fetch; nil when the mirror
    /// was fetched before trackbot recorded the time.
    public var used: [(url: String, fetchedAt: Date?)] {
        lock.withLock { ages.sorted { $0.key < $1.key }.map { ($0.key, $0.value) } }
    }

    /// One line per mirror: "offline: URL as of 2026-12-02T05:00:00Z (3 h old)".
    public func notes(now: Date = Date()) -> [String] {
        used.map { url, date in
            guard let date else { return "offline: \(url) as last fetched (when is not recorded)" }
            return
                "offline: \(url) as of \(ISO8601DateFormatter().string(from: date)) (\(Self.age(now.timeIntervalSince(date))) old)"
        }
    }

    static func age(_ seconds: TimeInterval) -> String {
        let s = max(0, Int(seconds))
        if s < 120 { return "\(s) s" }
        if s < 2 * 3600 { return "\(s / 60) min" }
        if s < 2 * 86400 { return "\(s / 3600) h" }
        return "\(s / 86400) days"
    }
}
