import Foundation
import TrackbotCore

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

    /// Each mirror read and how old it is, as the report lists them.
    public func reported(now: Date = Date()) -> [MirrorAge] {
        used.map { MirrorAge(url: $0.url, fetchedAt: $0.fetchedAt, now: now) }
    }

    /// One line per mirror: "offline: URL as of 2026-12-02T05:00:00Z (3 h old)".
    public func notes(now: Date = Date()) -> [String] { reported(now: now).map { "offline: \($0.line)" } }
}
