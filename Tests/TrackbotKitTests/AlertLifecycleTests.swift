import Foundation
import TestSupport
import Testing
import TrackbotCore
import Tracking

@testable import TrackbotKit

/// An alert is a promise: end to end against a real git daemon and registry, an unexplained
/// change stays an alert on the second and third run, whatever runs in between (partial,
/// `--arch`, offline), until a person answers it.
@Suite("alerts that survive", .serialized)
struct AlertLifecycleTests {
    static let rootfsFiles = ["bin/sh": "#!fake shell\n", "etc/os-release": "ID=demo\n"]

    /// A world with `library/demo`: tags `1.0, 1` (one entry) and `2` (another), amd64 and
    /// arm64v8, built FROM scratch, published.
    struct Demo {
        let world: SyntheticWorld
        let rootfs: URL

        init() throws {
            world = try SyntheticWorld()
            let commit = try world.commit("demo", files: ["Dockerfile": "FROM scratch\nCMD [\"/bin/sh\"]\n"])
            try world.upstreamGit("demo", ["push", "--quiet", "origin", "main"])
            try world.library(
                "demo",
                SyntheticWorld.libraryFile(
                    repo: "demo",
                    entries: [
                        ("1.0, 1", "refs/heads/main", commit, "Architectures: amd64, arm64v8\n"),
                        (
                            "2", "refs/heads/main", commit,
                            "Architectures: amd64, arm64v8\nDirectory: .\nFile: Dockerfile\nBuilder: buildkit\n"
                        ),
                    ]))
            rootfs = try world.rootfs(AlertLifecycleTests.rootfsFiles)
            for tag in ["1.0", "1", "2"] { try publish(tag) }
        }

        /// Publishes `tag` with `extra` files on the given architectures (a re-push).
        @discardableResult
        func publish(_ tag: String, amd64Extra: String? = nil, arm64Extra: String? = nil) throws -> [String] {
            try world.publish(
                "demo", tag: tag, platforms: [("amd64", rootfs, amd64Extra, nil), ("arm64v8", rootfs, arm64Extra, nil)])
        }

        func state() throws -> State { try StateStore(path: world.statePath).load() }
    }

    @Test func aDriftStaysAnAlertOnEveryRunUntilAcknowledged() async throws {
        let demo = try await offPool { try Demo() }
        let (first, r1) = try await demo.world.check(["demo"])
        #expect(first.exitCode == 0, "\(first.output)")
        #expect(r1.platform("demo", "1.0", "amd64")?.status == "baseline-recorded")

        try demo.publish("1.0", amd64Extra: "etc/tampered")
        var since: String?
        for run in 1...3 {
            let (result, report) = try await demo.world.check(["demo"])
            #expect(result.exitCode == 1, "run \(run): \(result.output)")
            let drift = report.alerts.filter { $0.kind == "digest-drift" }
            #expect(drift.count == 1, "run \(run): \(report.findings)")
            #expect(drift.first?.tag == "1.0" && drift.first?.arch == "amd64")
            #expect(drift.first?.alertStatus == "open")
            if since == nil {
                since = drift.first?.openSince
            } else {
                #expect(drift.first?.openSince == since, "run \(run)")
            }
            #expect(report.platform("demo", "1.0", "amd64")?.status == "mismatch")
            // Untouched platforms were compared with their trusted digests, and matched.
            #expect(report.platform("demo", "1.0", "arm64v8")?.status == "verified")
        }
        #expect(try demo.state().images["demo"]?.alerts.count == 1)
        // The open alert, read from the state without checking anything.
        var text = demo.world.options(.text)
        let listed = try AlertsCommand.run(.init(images: ["demo"]), options: text)
        #expect(listed.exitCode == 1)
        #expect(listed.output.hasPrefix("open         digest-drift demo:1.0 amd64"), "\(listed.output)")
        #expect(listed.output.contains("since \(since ?? "?")"))
        #expect(throws: UsageError.self) { _ = try AlertsCommand.run(.init(images: ["nope"]), options: text) }

        let ack = try await AckCommand.run(
            .init(
                reference: "demo:1.0", kind: "digest-drift", reason: "the maintainers re-pushed 1.0 (INC-7)",
                by: "ana"), options: demo.world.options())
        #expect(ack.output.contains("acknowledged digest-drift demo:1.0 amd64"))
        text.format = .json
        let acknowledged = try AlertsCommand.run(.init(images: []), options: text)
        #expect(acknowledged.exitCode == 0)
        #expect(acknowledged.output.contains("\"status\" : \"acknowledged\""), "\(acknowledged.output)")

        let (answered, ra) = try await demo.world.check(["demo"])
        #expect(answered.exitCode == 0, "\(answered.output)")
        let shown = ra.findings.filter { $0.alertStatus == "acknowledged" }
        #expect(shown.count == 1)
        #expect(shown.first?.severity == "info")
        #expect(shown.first?.message.contains("acknowledged by ana") == true)
        #expect(shown.first?.message.contains("INC-7") == true)
        #expect(ra.platform("demo", "1.0", "amd64")?.status == "verified")

        // Shown once; after that the platform is simply verified against the accepted digest.
        let (quiet, rq) = try await demo.world.check(["demo"])
        #expect(quiet.exitCode == 0)
        #expect(rq.findings.filter { $0.kind == "digest-drift" }.isEmpty, "\(rq.findings)")
        #expect(try demo.state().images["demo"]?.alerts.isEmpty == true)

        // Nothing open: ack has nothing to answer, and says what is open.
        await #expect(throws: UsageError.self) {
            _ = try await AckCommand.run(
                .init(reference: "demo:1.0", kind: "digest-drift", reason: "again"), options: demo.world.options())
        }
    }

    /// A partial check between two full checks changes nothing for the tags and architectures it
    /// did not check, and a pending alert on them is still reported.
    @Test func partialChecksKeepEverythingElse() async throws {
        let demo = try await offPool { try Demo() }
        _ = try await demo.world.check(["demo"])
        let recorded = try demo.state().images["demo"]
        try demo.publish("2", arm64Extra: "etc/tampered")
        let (full, rf) = try await demo.world.check(["demo"])
        #expect(full.exitCode == 1)
        #expect(rf.alerts.map { "\($0.tag ?? "") \($0.arch ?? "")" } == ["2 arm64v8"])

        // One tag: the other tags' records are kept as they were, the alert on 2 is still reported.
        let (oneTag, r1) = try await demo.world.check(["demo:1.0"])
        #expect(oneTag.exitCode == 1, "\(oneTag.output)")
        #expect(r1.alerts.count == 1 && r1.alerts.first?.message.contains("still open") == true)
        let afterOneTag = try demo.state().images["demo"]
        #expect(afterOneTag?.tags["1"] == recorded?.tags["1"])
        #expect(
            afterOneTag?.tags["2"]?.platforms["arm64v8"]?.trusted == recorded?.tags["2"]?.platforms["arm64v8"]?.trusted)

        // One architecture of the drifted tag: arm64v8's drift and record are kept.
        let (oneArch, ra) = try await demo.world.check(["demo:2"], arch: [.amd64])
        #expect(oneArch.exitCode == 1, "\(oneArch.output)")
        #expect(ra.alerts.count == 1)
        let afterOneArch = try demo.state().images["demo"]
        #expect(afterOneArch?.tags["2"]?.platforms["arm64v8"] == afterOneTag?.tags["2"]?.platforms["arm64v8"])
        #expect(Set(afterOneArch?.tags.keys.map { $0 } ?? []) == ["1.0", "1", "2"])

        // Offline: the registry is not asked, nothing is marked verified by it, the alert stays.
        let (offline, ro) = try await demo.world.check(["demo"], noRegistry: true)
        #expect(offline.exitCode == 1)
        #expect(ro.alerts.count == 1)
        #expect(ro.platform("demo", "1.0", "amd64")?.status == "registry-not-asked")
        #expect(ro.platform("demo", "2", "amd64")?.verified.isEmpty == true)

        // The next full run still finds the drift (it was not recorded away by any of them).
        let (again, rg) = try await demo.world.check(["demo"])
        #expect(again.exitCode == 1)
        #expect(rg.alerts.map { "\($0.tag ?? "") \($0.arch ?? "")" } == ["2 arm64v8"])
        #expect(rg.alerts.first?.message.contains("still open") == false)
    }

    /// An `--arch amd64` run sees the new index after an arm64 drift: it must not record it as
    /// the baseline of the platforms it did not compare.
    @Test func anArchSubsetRunAfterADriftElsewhereKeepsThatDrift() async throws {
        let demo = try await offPool { try Demo() }
        _ = try await demo.world.check(["demo"])
        try demo.publish("1.0", arm64Extra: "etc/tampered")
        let (subset, rs) = try await demo.world.check(["demo"], arch: [.amd64])
        #expect(subset.exitCode == 0, "\(subset.output)")
        #expect(rs.alerts.isEmpty)
        let (full, rf) = try await demo.world.check(["demo"])
        #expect(full.exitCode == 1, "\(full.output)")
        #expect(rf.alerts.map(\.kind) == ["digest-drift"])
        #expect(rf.alerts.first?.arch == "arm64v8")
        #expect(rf.findings.filter { $0.kind == "platform-missing" }.isEmpty)
    }

    /// The registry keeps the recorded amd64 descriptor (annotated amd64) but relabels its
    /// platform, and publishes a changed manifest as the real linux/amd64.
    @Test func aRelabelledPlatformIsAnAlertNeverATick() async throws {
        let demo = try await offPool { try Demo() }
        _ = try await demo.world.check(["demo:1.0"])
        let before = try #require(try demo.state().images["demo"]?.tags["1.0"]?.platforms["amd64"]?.digest)
        let digests = try demo.world.publish(
            "demo", tag: "1.0",
            platforms: [
                ("amd64", demo.rootfs, nil, "linux/amd64/v3"),
                ("amd64", demo.rootfs, "etc/tampered", nil),
                ("arm64v8", demo.rootfs, nil, nil),
            ])
        #expect(digests.first == before.description)  // the recorded manifest, relabelled
        let (result, report) = try await demo.world.check(["demo:1.0"])
        #expect(result.exitCode == 1, "\(result.output)")
        #expect(Set(report.alerts.map(\.kind)) == ["digest-drift", "platform-mismatch"])
        #expect(report.platform("demo", "1.0", "amd64")?.digest == digests[1])
        #expect(report.platform("demo", "1.0", "amd64")?.status == "mismatch")
    }

    /// A Dockerfile image whose parent cannot be looked up cannot be explained: exit 2, the
    /// recorded state kept, never a `rebuilt` from the image's own annotation.
    @Test func aParentThatCannotBeLookedUpIsCouldNotBeChecked() async throws {
        let world = try await offPool { try SyntheticWorld() }
        let commit = try world.commit("child", files: ["Dockerfile": "FROM missingbase:1\nCMD [\"true\"]\n"])
        try world.upstreamGit("child", ["push", "--quiet", "origin", "main"])
        try world.library(
            "child", SyntheticWorld.libraryFile(repo: "child", entries: [("1", "refs/heads/main", commit, "")]))
        let rootfs = try world.rootfs(Self.rootfsFiles)
        try world.publish("child", tag: "1", rootfs: rootfs)
        let (result, report) = try await world.check(["child"])
        #expect(result.exitCode == 2, "\(result.output)")
        #expect(report.images.first?.error?.contains("parent missingbase:1") == true, "\(report.images)")
        #expect(report.platform("child", "1", "amd64")?.status == "could-not-be-checked")
        #expect(!result.output.contains("\"status\" : \"verified\""))
        #expect(try StateStore(path: world.statePath).load().images["child"]?.tags["1"] == nil)
    }

    /// Nothing to verify at the source and a first sighting are said as such, never as ✓.
    @Test func theTextReportSaysWhatWasChecked() async throws {
        let demo = try await offPool { try Demo() }
        var options = demo.world.options(.text)
        let first = try await CheckCommand.run(.init(references: ["demo:1.0"]), options: options)
        #expect(first.output.contains("baseline recorded (first sighting)"), "\(first.output)")
        #expect(!first.output.contains("✓"), "\(first.output)")
        let second = try await CheckCommand.run(.init(references: ["demo:1.0"]), options: options)
        #expect(second.output.contains("✓ amd64"), "\(second.output)")
        #expect(second.output.contains("verified registry: digest is the trusted one"), "\(second.output)")
        options.noRegistry = true
        let offline = try await CheckCommand.run(.init(references: ["demo:1.0"]), options: options)
        #expect(offline.output.contains("registry not asked"), "\(offline.output)")
        #expect(!offline.output.contains("✓"), "\(offline.output)")
    }

    /// A state file that cannot be written never hides the report: printed in full, exit 2.
    @Test func anUnwritableStateStillPrintsTheWholeReport() async throws {
        let demo = try await offPool { try Demo() }
        _ = try await demo.world.check(["demo:1.0"])
        try demo.publish("1.0", amd64Extra: "etc/tampered")
        // The state's folder becomes a file's name: the lock cannot be created.
        var options = demo.world.options()
        let blocker = demo.world.dir.appending("blocked")
        try Data("x".utf8).write(to: blocker)
        options.statePath = blocker.appendingPathComponent("state.json").path
        let result = try await CheckCommand.run(.init(references: ["demo:1.0"]), options: options)
        #expect(result.exitCode == 2)
        #expect(result.diagnostics.contains { $0.contains("the state was not written") }, "\(result.diagnostics)")
        #expect(result.output.contains("\"findings\""))
        var quiet = options
        quiet.format = .text
        quiet.verbosity = -1
        let q = try await CheckCommand.run(.init(references: ["demo:1.0"]), options: quiet)
        #expect(q.exitCode == 2)
        #expect(!q.output.isEmpty)
    }

    /// `--output FORMAT=FILE`: one run, several renderings of the same report.
    @Test func oneRunWritesEveryOutput() async throws {
        let demo = try await offPool { try Demo() }
        let json = demo.world.dir.appending("out/report.json").path
        let markdown = demo.world.dir.appending("out/summary.md").path
        let request = CheckCommand.Request(
            references: ["demo"], outputs: [.init(format: .json, path: json), .init(format: .markdown, path: markdown)])
        let result = try await CheckCommand.run(request, options: demo.world.options(.text))
        #expect(result.exitCode == 0)
        let written = try String(contentsOfFile: json, encoding: .utf8)
        #expect(written.contains("\"baseline-recorded\""))
        #expect(try String(contentsOfFile: markdown, encoding: .utf8).hasPrefix("## trackbot"))
        #expect(result.output.contains("demo (library at"))
        #expect(try ReportDestination.parse("sarif=x") == .init(format: .sarif, path: "x"))
        #expect(throws: UsageError.self) { _ = try ReportDestination.parse("html=x") }
        #expect(throws: UsageError.self) { _ = try ReportDestination.parse("json") }
        #expect(try ReportDestination.parse("markdown=a=b.md") == .init(format: .markdown, path: "a=b.md"))
    }

    @Test func muteFromTheConfigurationAndItsExpiry() async throws {
        let demo = try await offPool { try Demo() }
        _ = try await demo.world.check(["demo:1.0"])
        try demo.publish("1.0", amd64Extra: "etc/tampered")
        let base = try String(contentsOfFile: demo.world.configPath, encoding: .utf8)
        try
            (base
            + "\n[[mute]]\nimage = \"demo\"\ntag = \"1.0\"\nkind = \"digest-drift\"\nreason = \"INC-9 re-push\"\nuntil = \"2999-01-01\"\n")
            .write(toFile: demo.world.configPath, atomically: true, encoding: .utf8)
        let (muted, rm) = try await demo.world.check(["demo:1.0"])
        #expect(muted.exitCode == 0, "\(muted.output)")
        #expect(rm.findings.first { $0.kind == "digest-drift" }?.alertStatus == "muted")
        try
            (base
            + "\n[[mute]]\nimage = \"demo\"\nkind = \"digest-drift\"\nreason = \"INC-9 re-push\"\nuntil = \"2020-01-01\"\n")
            .write(toFile: demo.world.configPath, atomically: true, encoding: .utf8)
        let (expired, re) = try await demo.world.check(["demo:1.0"])
        #expect(expired.exitCode == 1)
        #expect(re.alerts.count == 1)
        #expect(expired.output.contains("expired"))
        // A mute without a reason or an end is refused, naming the line.
        try (base + "\n[[mute]]\nimage = \"demo\"\nuntil = \"2999-01-01\"\n").write(
            toFile: demo.world.configPath, atomically: true, encoding: .utf8)
        await #expect(throws: ConfigurationError.self) { _ = try await demo.world.check(["demo:1.0"]) }
    }
}
