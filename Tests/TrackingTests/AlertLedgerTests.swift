import Foundation
import OfficialImages
import Testing
import TrackbotCore

@testable import Tracking

/// The life of an alert across runs, one rule per test, second and third runs included.
@Suite struct AlertLedgerTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    static func drift(_ tag: String = "3.20", arch: String = "amd64", actual: String = "sha256:bb") -> Finding {
        Finding(
            kind: .digestDrift, severity: .alert, image: "alpine", tag: tag, arch: arch,
            message: "the published amd64 digest changed", expected: "sha256:aa", actual: actual)
    }

    static let full = AlertLedger.Scope(
        platforms: ["3.20": ["amd64", "arm64v8"], "3.21": ["amd64"]], imageComplete: true,
        registry: true, deep: false)

    func run(
        _ previous: [AlertRecord], _ findings: [Finding], scope: AlertLedger.Scope = AlertLedgerTests.full,
        mutes: [Mute] = [], at offset: TimeInterval = 0
    ) -> AlertLedger.Outcome {
        let now = Self.t0.addingTimeInterval(offset)
        return AlertLedger.update(
            image: "alpine", previous: previous, findings: findings, scope: scope, mutes: mutes,
            now: now, nowText: ISO8601DateFormatter().string(from: now))
    }

    @Test func anAlertFoundAgainKeepsItsFirstSightingAndCountsEveryRun() {
        let first = run([], [Self.drift()])
        let second = run(first.records, [Self.drift()], at: 3600)
        let third = run(second.records, [Self.drift()], at: 7200)
        for out in [first, second, third] {
            #expect(out.records.count == 1)
            #expect(out.findings.filter { $0.severity == .alert }.count == 1)
            #expect(out.findings.first?.alertStatus == .open)
        }
        #expect(third.records[0].firstSeen == first.records[0].firstSeen)
        #expect(third.records[0].lastSeen != first.records[0].lastSeen)
    }

    /// A run that did not check the tag (a partial check), or the registry (`--offline`), keeps
    /// the alert open and still reports it.
    @Test func aRunThatDidNotCheckItKeepsItOpenAndReportsIt() {
        let first = run([], [Self.drift()])
        let otherTag = run(
            first.records, [], scope: .init(platforms: ["3.21": ["amd64"]], imageComplete: true, registry: true))
        let otherArch = run(
            otherTag.records, [], scope: .init(platforms: ["3.20": ["arm64v8"]], imageComplete: true, registry: true))
        let offline = run(
            otherArch.records, [], scope: .init(platforms: ["3.20": ["amd64"]], imageComplete: true, registry: false))
        let failed = run(offline.records, [], scope: .none)
        for out in [otherTag, otherArch, offline, failed] {
            #expect(out.records == first.records)
            let alerts = out.findings.filter { $0.severity == .alert }
            #expect(alerts.count == 1)
            #expect(alerts.first?.message.contains("still open") == true)
        }
    }

    /// Not found again by a run that checked it: resolved, with the explanation the run found.
    @Test func aRebuildOnTheSamePlatformExplainsIt() {
        let first = run([], [Self.drift()])
        let rebuilt = Finding(
            kind: .rebuilt, severity: .info, image: "alpine", tag: "3.20", arch: "amd64",
            message: "rebuilt because the library entry changed: GitCommit a → b")
        let out = run(first.records, [rebuilt])
        #expect(out.records.isEmpty)
        let resolved = out.findings.first { $0.alertStatus == .resolved }
        #expect(resolved?.severity == .info)
        #expect(resolved?.message.contains("explained: rebuilt because the library entry changed") == true)
        #expect(out.findings.filter { $0.severity == .alert }.isEmpty)
    }

    @Test func anAcknowledgementIsShownOnceThenTheRecordEnds() {
        var first = run([], [Self.drift()]).records
        first[0].acknowledgement = Acknowledgement(
            by: "ana", at: "2027-01-01T00:00:00Z", reason: "re-push confirmed by the maintainers",
            via: "trackbot ack")
        // The drift is not found any more (its digest became the trusted one).
        let shown = run(first, [])
        #expect(shown.findings.count == 1)
        #expect(shown.findings[0].severity == .info)
        #expect(shown.findings[0].alertStatus == .acknowledged)
        #expect(shown.findings[0].message.contains("acknowledged by ana"))
        #expect(shown.findings[0].message.contains("re-push confirmed by the maintainers"))
        #expect(shown.records.isEmpty)
    }

    /// A persistent alert that a person acknowledged stays answered while it is found with the
    /// same values; with other values it is a new alert.
    @Test func anAcknowledgedAlertFoundAgainStaysQuietUntilItsValuesChange() {
        var records = run([], [Self.drift()]).records
        records[0].acknowledgement = Acknowledgement(
            by: "ana", at: "2027-01-01T00:00:00Z", reason: "ok", via: "trackbot ack")
        let once = run(records, [Self.drift()])
        #expect(once.findings.map(\.alertStatus) == [.acknowledged])
        let quiet = run(once.records, [Self.drift()])
        #expect(quiet.findings.isEmpty)
        #expect(quiet.records.count == 1)
        let changed = run(quiet.records, [Self.drift(actual: "sha256:cc")], at: 60)
        #expect(changed.findings.map(\.severity) == [.alert])
        #expect(changed.records[0].acknowledgement == nil)
        #expect(changed.records[0].firstSeen != records[0].firstSeen)
    }

    @Test func aMuteTurnsItIntoInfoUntilItExpiresAndSaysSo() throws {
        let until = Self.t0.addingTimeInterval(86_400)
        let mute = Mute(
            image: "alpine", tag: "3.20", kind: .digestDrift, reason: "known re-push, INC-42", until: until,
            untilText: "2027-01-16")
        let muted = run([], [Self.drift()], mutes: [mute])
        #expect(muted.findings.map(\.severity) == [.info])
        #expect(muted.findings[0].alertStatus == .muted)
        #expect(muted.findings[0].message.contains("INC-42"))
        #expect(muted.records.count == 1)  // kept: it counts again when the mute ends
        let expired = run(muted.records, [Self.drift()], mutes: [mute], at: 2 * 86_400)
        #expect(expired.findings.map(\.severity) == [.alert])
        #expect(expired.notes.contains { $0.contains("expired") && $0.contains("INC-42") })
        #expect(expired.records[0].firstSeen == muted.records[0].firstSeen)
        #expect(AlertLedger.status(of: expired.records[0], mutes: [mute], now: Self.t0) == .muted)
        #expect(AlertLedger.status(of: expired.records[0], mutes: [mute], now: until) == .open)
    }

    /// A moved upstream tag is seen once: it stays open until answered, whatever runs follow.
    @Test func anEventAlertStaysOpenThroughFullRuns() {
        let moved = Finding(
            kind: .upstreamRewritten, severity: .alert, image: "alpine",
            message: "tag refs/tags/v3.20.3 of https://example.com/up.git was moved", expected: "1111", actual: "2222")
        let first = run([], [moved])
        let second = run(first.records, [])
        let third = run(second.records, [])
        #expect(third.records == first.records)
        #expect(third.findings.filter { $0.severity == .alert }.count == 1)
    }

    @Test func theSameAlertTwiceInOneRunIsOneRecord() {
        let out = run([], [Self.drift(), Self.drift()])
        #expect(out.records.count == 1)
        #expect(out.findings.count == 1)
    }

    @Test func otherImagesMutesAndNonAlertsPassThrough() {
        let info = Finding(kind: .tagAdded, severity: .info, image: "alpine", tag: "3.22", message: "tag added")
        let mute = Mute(image: "node", reason: "other image", until: .distantFuture, untilText: "never")
        let out = run([], [info, Self.drift()], mutes: [mute])
        #expect(out.findings.map(\.kind) == [.tagAdded, .digestDrift])
        #expect(out.findings[1].severity == .alert)
    }

    @Test func untilParsesADateAsTheEndOfThatDayOrAnExactTime() throws {
        let day = try #require(Mute.parseUntil("2027-01-16"))
        #expect(ISO8601DateFormatter().string(from: day) == "2027-01-17T00:00:00Z")
        let exact = try #require(Mute.parseUntil("2027-01-16T12:00:00Z"))
        #expect(ISO8601DateFormatter().string(from: exact) == "2027-01-16T12:00:00Z")
        #expect(Mute.parseUntil("next week") == nil)
    }

    @Test func acknowledgingADriftMakesItsDigestTrusted() throws {
        let source = ArchitectureSource(
            gitRepo: "https://example.com/up.git", gitFetch: "refs/heads/main",
            gitCommit: String(repeating: "7", count: 40), directory: ".", file: "Dockerfile", builder: "")
        let a = try Digest(parsing: "sha256:" + String(repeating: "a", count: 64))
        let b = try Digest(parsing: "sha256:" + String(repeating: "b", count: 64))
        var platform = PlatformState(digest: b, source: source)
        platform.trusted = TrustedBuild(
            digest: a, source: source, parentDigest: nil, since: "t0", reason: "first sighting")
        let drift = Finding(
            kind: .digestDrift, severity: .alert, image: "alpine", tag: "3.20", arch: "amd64",
            message: "changed", expected: a.description, actual: b.description)
        var state = State(images: [
            "alpine": ImageState(
                libraryCommit: nil, checkedAt: "t1",
                tags: ["3.20": TagState(indexDigest: a, platforms: ["amd64": platform])],
                alerts: [AlertRecord(drift, image: "alpine", now: "t1")])
        ])
        let ack = Acknowledgement(by: "ana", at: "t2", reason: "confirmed", via: "trackbot ack")
        let none = state.acknowledge(image: "alpine", ack) { $0.kind == .checksumMismatch }
        #expect(none.isEmpty)
        let answered = state.acknowledge(image: "alpine", ack) { $0.kind == .digestDrift }
        #expect(answered.count == 1)
        #expect(state.images["alpine"]?.tags["3.20"]?.platforms["amd64"]?.trusted?.digest == b)
        #expect(
            state.images["alpine"]?.tags["3.20"]?.platforms["amd64"]?.trusted?.reason.contains("acknowledged by ana")
                == true)
        #expect(state.images["alpine"]?.alerts.first?.acknowledgement == ack)
        // Answered once: a second ack finds nothing open.
        #expect(state.acknowledge(image: "alpine", ack) { $0.kind == .digestDrift }.isEmpty)
    }

    @Test func aPartialRunKeepsThePlatformsAndIndexItDidNotCompare() throws {
        let source = ArchitectureSource(
            gitRepo: "r", gitFetch: "refs/heads/main", gitCommit: String(repeating: "7", count: 40),
            directory: ".", file: "Dockerfile", builder: "")
        let d = { (c: Character) in try! Digest(parsing: "sha256:" + String(repeating: c, count: 64)) }
        let previous = TagState(
            indexDigest: d("1"),
            platforms: [
                "amd64": PlatformState(digest: d("a"), source: source),
                "arm64v8": PlatformState(digest: d("b"), source: source),
            ])
        var checked = TagState(indexDigest: d("2"), platforms: ["amd64": PlatformState(digest: d("c"), source: source)])
        checked.indexPlatforms = [
            "amd64": RecordedDescriptor(digest: d("c"), annotations: nil),
            "arm64v8": RecordedDescriptor(digest: d("e"), annotations: nil),
        ]
        let merged = TagState.recording(checked, over: previous, architectures: ["amd64"], complete: false)
        #expect(merged.platforms["amd64"]?.digest == d("c"))
        #expect(merged.platforms["arm64v8"]?.digest == d("b"))  // not compared: its record is kept
        // The whole index is recorded, so an unchanged index still brings arm64v8's new digest back.
        #expect(merged.indexDigest == d("2"))
        #expect(PublishedIndex(recorded: merged)?.platform(.arm64v8)?.digest == d("e"))
        #expect(TagState.recording(checked, over: previous, architectures: ["amd64"], complete: true) == checked)
    }
}
