import TrackbotCore
import Tracking

/// The body a `[[notify]]` webhook receives (see docs/notifications.md): the alerts that are new
/// or changed since that webhook was last sent them, as JSON, and with `slack-text` a `text`
/// field that Slack-compatible incoming webhooks show.
public struct WebhookPayload: Encodable, Sendable {
    public struct Alert: Encodable, Sendable {
        /// The alert's id in the state (kind, image, tag, arch).
        public var id: String
        /// `new` (never sent to this webhook) or `changed` (its status or values moved).
        public var change: String
        public var kind: String
        public var severity: String
        public var status: String
        public var image: String
        public var tag: String?
        public var arch: String?
        public var message: String
        public var expected: String?
        public var actual: String?
        public var firstSeen: String
        public var lastSeen: String
        public var issue: Int?
    }

    public var source = "trackbot"
    public var alerts: [Alert]
    public var text: String?

    /// What a webhook is sent about an alert: a different value means the alert changed (status,
    /// and with it the severity, or the values compared, such as a digest).
    public static func fingerprint(_ record: AlertRecord, status: AlertStatus) -> String {
        [status.rawValue, record.expected ?? "", record.actual ?? ""].joined(separator: "\n")
    }

    /// - Parameter alerts: each record with its status now and whether the webhook saw it before.
    public init(alerts: [(record: AlertRecord, status: AlertStatus, seenBefore: Bool)], slackText: Bool) {
        self.alerts = alerts.map { a in
            Alert(
                id: a.record.id, change: a.seenBefore ? "changed" : "new", kind: a.record.kind.rawValue,
                severity: (a.status == .open ? Severity.alert : .info).rawValue, status: a.status.rawValue,
                image: a.record.image, tag: a.record.tag, arch: a.record.arch, message: a.record.message,
                expected: a.record.expected, actual: a.record.actual, firstSeen: a.record.firstSeen,
                lastSeen: a.record.lastSeen, issue: a.record.issue)
        }
        if slackText {
            text =
                (["trackbot: \(alerts.count) alert\(alerts.count == 1 ? "" : "s") new or changed"]
                + self.alerts.map {
                    "• \($0.change) (\($0.status)): \(Self.slackEscaped(Self.label($0))): \(Self.slackEscaped($0.message))"
                })
                .joined(separator: "\n")
        }
    }

    /// The body as sent: compact JSON, every string made safe as in the JSON report.
    public func body() throws -> [UInt8] {
        Array(JSONOutput.safe(String(decoding: try JSONCoding.compactEncoder().encode(self), as: UTF8.self)).utf8)
    }

    static func label(_ a: Alert) -> String {
        "\(a.kind) \(a.image)\(a.tag.map { ":\($0)" } ?? "")\(a.arch.map { " \($0)" } ?? "")"
    }

    /// Slack's message text treats `&`, `<` and `>` as markup (links, mentions): escaped, as
    /// Slack's formatting guide asks, so a value from a library file cannot ping a channel.
    static func slackEscaped(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }
}
