import Foundation

/// When a mirror last fetched from its remote, kept in `trackbot-fetched` inside the mirror so
/// that `--offline` can say how old what it reads is.
enum FetchTime {
    static let fileName = "trackbot-fetched"

    /// Records `date` (RFC 3339); a failure to record loses only the age, never the fetch.
    static func record(_ date: Date, in mirror: URL) {
        let text = ISO8601DateFormatter().string(from: date) + "\n"
        try? Data(text.utf8).write(to: mirror.appendingPathComponent(fileName), options: .atomic)
    }

    /// The recorded time; nil for a mirror fetched before it was recorded.
    static func recorded(in mirror: URL) -> Date? {
        guard let data = FileManager.default.contents(atPath: mirror.appendingPathComponent(fileName).path) else {
            return nil
        }
        return ISO8601DateFormatter().date(
            from: String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
