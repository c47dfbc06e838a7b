import TrackbotCore

/// An alert kept in the state: raised by a run, and reported on every later run until it is
/// explained, acknowledged or muted (see docs/findings.md, "The life of an alert").
public struct AlertRecord: Codable, Equatable, Sendable {
    /// What makes two findings the same alert: kind, image, tag, arch (and, for an alert about the
    /// whole image, its message, which names the ref or file).
    public var id: String
    public var kind: FindingKind
    public var image: String
    public var tag: String?
    public var arch: String?
    public var message: String
    public var expected: String?
    public var actual: String?
    /// When a run first and last found it (RFC 3339).
    public var firstSeen: String
    public var lastSeen: String
    /// Set when a person answered it; the record stays while what it is about is still found
    /// with the same values, so the answer is not asked for again.
    public var acknowledgement: Acknowledgement?
    /// The GitHub issue that reports it; nil while it is not in an issue yet (not synced).
    public var issue: Int?
    /// What each `[[notify]]` webhook (by name) was last sent about it: `WebhookPayload.fingerprint`
    /// (status and values). Recorded only after the endpoint accepted the POST, so an unchanged
    /// alert is not sent twice and a failed POST is sent again by the next run.
    public var notified: [String: String]?

    public init(_ finding: Finding, image: String, now: String) {
        id = Self.id(of: finding, image: image)
        kind = finding.kind
        self.image = image
        tag = finding.tag
        arch = finding.arch
        message = finding.message
        expected = finding.expected
        actual = finding.actual
        firstSeen = now
        lastSeen = now
    }

    public static func id(of f: Finding, image: String) -> String {
        var parts = [f.kind.rawValue, image, f.tag ?? "-", f.arch ?? "-"]
        if f.tag == nil && f.arch == nil { parts.append(f.message) }
        return parts.joined(separator: " ")
    }

    /// The same thing found with the same values (an acknowledgement holds only for those).
    func sameValues(as f: Finding) -> Bool { f.expected == expected && f.actual == actual }

    public var isAcknowledged: Bool { acknowledgement != nil }

    /// As a finding for a report, with its life so far.
    public func finding(severity: Severity, message: String? = nil, status: AlertStatus) -> Finding {
        Finding(
            kind: kind, severity: severity, image: image, tag: tag, arch: arch, message: message ?? self.message,
            expected: expected, actual: actual, openSince: firstSeen, alertStatus: status)
    }

    /// `digest-drift demo:1.0 amd64`.
    public var label: String {
        "\(kind.rawValue) \(image)\(tag.map { ":\($0)" } ?? "")\(arch.map { " \($0)" } ?? "")"
    }
}

/// A person's answer to an alert.
public struct Acknowledgement: Codable, Equatable, Sendable {
    /// The user name (`USER`, `--by`) or the GitHub login that closed the issue.
    public var by: String
    /// RFC 3339.
    public var at: String
    public var reason: String
    /// `trackbot ack`, or `GitHub issue #N closed`.
    public var via: String
    /// Whether a run has reported the acknowledgement yet (it is shown once).
    public var reported: Bool

    public init(by: String, at: String, reason: String, via: String, reported: Bool = false) {
        self.by = by
        self.at = at
        self.reason = reason
        self.via = via
        self.reported = reported
    }
}
