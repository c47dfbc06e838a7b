/// How much a finding needs a person: `alert` sets exit status 1.
public enum Severity: String, Codable, Sendable, Comparable, CaseIterable {
    case info, warn, alert

    private var rank: Int { self == .info ? 0 : self == .warn ? 1 : 2 }
    public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
}

/// Every kind of finding trackbot reports (see docs/findings.md).
public enum FindingKind: String, Codable, Sendable, CaseIterable {
    case checksumMismatch = "checksum-mismatch"
    case checksumMissing = "checksum-missing"
    case layoutInvalid = "layout-invalid"
    case manifestInvalid = "manifest-invalid"
    case expectedDigestMismatch = "expected-digest-mismatch"
    case provenanceMismatch = "provenance-mismatch"
    case attestationMismatch = "attestation-mismatch"
    case attestationMissing = "attestation-missing"
    case contentMismatch = "content-mismatch"
    case digestDrift = "digest-drift"
    case rebuilt
    case indexChanged = "index-changed"
    case tagAdded = "tag-added"
    case tagRemoved = "tag-removed"
    case tagMoved = "tag-moved"
    case tagUnpublished = "tag-unpublished"
    case platformMissing = "platform-missing"
    case commitNotInRef = "commit-not-in-ref"
    case upstreamRewritten = "upstream-rewritten"
    case upstreamAhead = "upstream-ahead"
    case pullRequest = "pull-request"
    case historyMismatch = "history-mismatch"
    case pinMismatch = "pin-mismatch"
    case platformMismatch = "platform-mismatch"
    case aliasMismatch = "alias-mismatch"
    case parentMismatch = "parent-mismatch"
    case parentUnverified = "parent-unverified"
    case unsafeEntry = "unsafe-entry"
    case checkFailed = "check-failed"
}

/// One thing trackbot noticed, with the two values it compared when there are two.
public struct Finding: Hashable, Codable, Sendable {
    public var kind: FindingKind
    public var severity: Severity
    public var image: String?
    public var tag: String?
    public var arch: String?
    public var message: String
    public var expected: String?
    public var actual: String?
    /// For an alert kept in the state: when it was first raised (RFC 3339).
    public var openSince: String?
    /// How the alert stands: `open`, `muted`, `acknowledged`, `resolved`; nil for findings that
    /// are not alerts kept in the state.
    public var alertStatus: AlertStatus?

    public init(
        kind: FindingKind, severity: Severity, image: String? = nil, tag: String? = nil,
        arch: String? = nil, message: String, expected: String? = nil, actual: String? = nil,
        openSince: String? = nil, alertStatus: AlertStatus? = nil
    ) {
        self.openSince = openSince
        self.alertStatus = alertStatus
        self.kind = kind
        self.severity = severity
        self.image = image
        self.tag = tag
        self.arch = arch
        self.message = message
        self.expected = expected
        self.actual = actual
    }
}

/// Where an alert stands in its life (see docs/findings.md, "The life of an alert").
public enum AlertStatus: String, Codable, Sendable {
    /// Raised and not answered: counts (exit status 1) on every run.
    case open
    /// Matched by a `[[mute]]` of the configuration that has not expired: reported as info.
    case muted
    /// Answered by a person (`trackbot ack`, or the GitHub issue closed by someone else).
    case acknowledged
    /// Explained (a library or parent change, or the trusted value is back) on this run.
    case resolved
}
