import TrackbotCore

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
        window =
            (remaining.split(separator: ";").dropFirst() + (limit?.split(separator: ";").dropFirst() ?? []))
            .compactMap { part -> Int? in
                let kv = part.split(separator: "=")
                return kv.count == 2 && kv[0].trimmingSpaces() == "w" ? Int(kv[1].trimmingSpaces()) : nil
            }.first
    }

    private static func count(_ s: String) -> Int? {
        Int(s.split(separator: ";").first.map { $0.trimmingSpaces() } ?? "")
    }
}
