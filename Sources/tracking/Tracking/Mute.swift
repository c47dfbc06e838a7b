import Foundation
import TrackbotCore

/// A `[[mute]]` of the configuration: alerts it matches are reported as info until `until`.
public struct Mute: Sendable, Equatable {
    public var image: String
    public var tag: String?
    public var arch: String?
    public var kind: FindingKind?
    public var reason: String
    /// The instant the mute stops (a date alone means the end of that day, UTC).
    public var until: Date
    /// As written in the configuration, for messages.
    public var untilText: String

    public init(
        image: String, tag: String? = nil, arch: String? = nil, kind: FindingKind? = nil, reason: String,
        until: Date, untilText: String
    ) {
        self.image = image
        self.tag = tag
        self.arch = arch
        self.kind = kind
        self.reason = reason
        self.until = until
        self.untilText = untilText
    }

    /// `2026-12-31` (through the end of that day, UTC) or an RFC 3339 date-time.
    public static func parseUntil(_ text: String) -> Date? {
        let full = ISO8601DateFormatter()
        if let d = full.date(from: text) { return d }
        let day = ISO8601DateFormatter()
        day.formatOptions = [.withFullDate]
        return day.date(from: text).map { $0.addingTimeInterval(86_400) }
    }

    public func matches(_ f: Finding, image: String) -> Bool {
        self.image == image && (tag == nil || tag == f.tag) && (arch == nil || arch == f.arch)
            && (kind == nil || kind == f.kind)
    }

    public func isActive(at now: Date) -> Bool { now < until }

    public var scope: String {
        "\(image)\(tag.map { ":\($0)" } ?? "")\(arch.map { " \($0)" } ?? "")\(kind.map { " \($0.rawValue)" } ?? "")"
    }
}
