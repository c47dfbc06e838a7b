import Foundation
import TrackbotCore

/// The life of alerts across runs: an alert a run finds is recorded; it is reported again on
/// every later run until it is explained (what it compared matches again, or a library or parent
/// change explains it), acknowledged, or muted. A run that did not check what an alert is about
/// (another tag or architecture, `--offline`, a failure) leaves it as it was. Pure.
public enum AlertLedger {
    /// What one run checked of one image, so that only those alerts can be resolved.
    public struct Scope: Sendable, Equatable {
        /// Tag → architectures checked without failure.
        public var platforms: [String: Set<String>]
        /// Every selected tag was checked without failure (alerts about the whole image).
        public var imageComplete: Bool
        /// The registry was asked (digests, annotations).
        public var registry: Bool
        /// `--deep` ran (layer content, pinned downloads).
        public var deep: Bool
        /// Tags whose attestations were read this run (their index was fetched, not unchanged).
        public var attestations: Set<String>

        public init(
            platforms: [String: Set<String>] = [:], imageComplete: Bool = false, registry: Bool = false,
            deep: Bool = false, attestations: Set<String> = []
        ) {
            self.attestations = attestations
            self.platforms = platforms
            self.imageComplete = imageComplete
            self.registry = registry
            self.deep = deep
        }

        /// Nothing was checked (the image could not be checked at all).
        public static let none = Scope()

        func covers(_ r: AlertRecord) -> Bool {
            switch AlertLedger.family(r.kind) {
            case .event: return false
            case .registry: guard registry else { return false }
            case .deep: guard deep else { return false }
            case .attestation: guard registry, let tag = r.tag, attestations.contains(tag) else { return false }
            case .source: break
            }
            guard let tag = r.tag else { return imageComplete }
            guard let arches = platforms[tag] else { return false }
            return r.arch.map(arches.contains) ?? true
        }
    }

    enum Family { case source, registry, deep, attestation, event }

    /// Which part of a run finds an alert kind again while its cause lasts; an event (a moved
    /// upstream tag) is seen once and is kept until a person answers it.
    static func family(_ kind: FindingKind) -> Family {
        switch kind {
        // A published document is content-addressed: the same digest is always as invalid, and
        // an index not fetched again (its digest unchanged) is not validated again.
        case .upstreamRewritten, .manifestInvalid: return .event
        case .digestDrift, .expectedDigestMismatch, .provenanceMismatch, .platformMismatch, .indexChanged, .rebuilt,
            .tagUnpublished, .platformMissing, .aliasMismatch, .parentMismatch, .parentUnverified:
            return .registry
        case .contentMismatch, .pinMismatch, .historyMismatch: return .deep
        // Read only when the index is fetched: an unchanged index keeps the alert as it was.
        case .attestationMismatch, .attestationMissing: return .attestation
        default: return .source
        }
    }

    public struct Outcome: Sendable, Equatable {
        /// The image's alert records after this run.
        public var records: [AlertRecord]
        /// The run's findings with every alert given its status, plus the recorded alerts this run
        /// did not find again (still open, or resolved now).
        public var findings: [Finding]
        /// Expired mutes and the like.
        public var notes: [String]
    }

    public static func update(
        image: String, previous: [AlertRecord], findings: [Finding], scope: Scope,
        mutes: [Mute], now: Date, nowText: String
    ) -> Outcome {
        var byID = Dictionary(previous.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var records: [String: AlertRecord] = [:]
        var out: [Finding] = []
        var notes: [String] = []
        let mutesHere = mutes.filter { $0.image == image }

        func activeMute(_ f: Finding) -> Mute? {
            mutesHere.first { $0.isActive(at: now) && $0.matches(f, image: image) }
        }

        for f in findings {
            guard f.severity == .alert else {
                out.append(f)
                continue
            }
            let id = AlertRecord.id(of: f, image: image)
            guard records[id] == nil else { continue }  // the same alert twice in one run
            var record: AlertRecord
            if let old = byID.removeValue(forKey: id), !(old.isAcknowledged && !old.sameValues(as: f)) {
                record = old
                record.message = f.message
                record.expected = f.expected
                record.actual = f.actual
                record.lastSeen = nowText
            } else {
                record = AlertRecord(f, image: image, now: nowText)
            }
            if var ack = record.acknowledgement {
                if !ack.reported {
                    out.append(
                        record.finding(
                            severity: .info, message: acknowledged(record.message, ack), status: .acknowledged))
                    ack.reported = true
                    record.acknowledgement = ack
                }
            } else if let mute = activeMute(f) {
                out.append(record.finding(severity: .info, message: muted(record.message, mute), status: .muted))
            } else {
                out.append(record.finding(severity: .alert, status: .open))
            }
            records[id] = record
        }

        // Recorded alerts this run did not find.
        for old in byID.values.sorted(by: { $0.id < $1.id }) {
            if scope.covers(old) {
                if var ack = old.acknowledgement, !ack.reported {
                    ack.reported = true
                    out.append(
                        old.finding(
                            severity: .info, message: acknowledged(old.message, ack) + "; no longer found",
                            status: .acknowledged))
                } else if old.acknowledgement == nil {
                    out.append(
                        old.finding(
                            severity: .info, message: "resolved: \(old.message) — \(explanation(old, findings))",
                            status: .resolved))
                }
                continue  // explained or answered: the record ends here
            }
            var kept = old
            if var ack = kept.acknowledgement {
                if !ack.reported {
                    out.append(
                        kept.finding(severity: .info, message: acknowledged(kept.message, ack), status: .acknowledged))
                    ack.reported = true
                    kept.acknowledgement = ack
                }
            } else if let mute = activeMute(kept.asFinding) {
                out.append(kept.finding(severity: .info, message: muted(kept.message, mute), status: .muted))
            } else {
                out.append(
                    kept.finding(
                        severity: .alert, message: "\(kept.message) (still open: not checked again by this run)",
                        status: .open))
            }
            records[kept.id] = kept
        }

        for mute in mutesHere where !mute.isActive(at: now) {
            let matched = records.values.contains {
                $0.acknowledgement == nil && mute.matches($0.asFinding, image: image)
            }
            if matched {
                notes.append(
                    "the mute of \(mute.scope) expired at \(mute.untilText) (\(mute.reason)): its alerts count again")
            }
        }
        return Outcome(records: records.values.sorted { $0.id < $1.id }, findings: out, notes: notes)
    }

    /// How a record stands now, for issue sync: muted and acknowledged alerts open no issue.
    public static func status(of r: AlertRecord, mutes: [Mute], now: Date) -> AlertStatus {
        if r.isAcknowledged { return .acknowledged }
        if mutes.contains(where: { $0.isActive(at: now) && $0.matches(r.asFinding, image: r.image) }) { return .muted }
        return .open
    }

    static func acknowledged(_ message: String, _ ack: Acknowledgement) -> String {
        "\(message) — acknowledged by \(ack.by) at \(ack.at) (\(ack.via)): \(ack.reason)"
    }

    static func muted(_ message: String, _ mute: Mute) -> String {
        "\(message) — muted until \(mute.untilText): \(mute.reason)"
    }

    /// Why a recorded alert was not found again by a run that checked what it is about.
    static func explanation(_ r: AlertRecord, _ findings: [Finding]) -> String {
        if let rebuilt = findings.first(where: { $0.kind == .rebuilt && $0.tag == r.tag && $0.arch == r.arch }) {
            return "explained: \(rebuilt.message)"
        }
        switch r.kind {
        case .digestDrift:
            return "the published digest is the trusted one again (\(r.expected ?? "?"))"
        default:
            return "no longer found: what it compared matches now"
        }
    }
}

extension AlertRecord {
    var asFinding: Finding {
        Finding(
            kind: kind, severity: .alert, image: image, tag: tag, arch: arch, message: message, expected: expected,
            actual: actual)
    }
}
