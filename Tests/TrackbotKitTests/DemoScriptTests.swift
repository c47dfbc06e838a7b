import Foundation
import TestSupport
import Testing

/// `scripts/demo`, the README's first command, run whole against the debug `trackbot` that
/// `swift build --build-tests` (and so `swift test`) builds beside the test bundle.
@Suite("scripts/demo (the offline demo)")
struct DemoScriptTests {
    @Test func demoChecksCleanTwiceTracesNodeToItsRootsThenReportsTheRePushAsDriftAndCleansUp() async throws {
        for (tool, package) in [
            ("git", "git"), ("docker-registry", "docker-registry"), ("skopeo", "skopeo"),
            ("python3", "python3"), ("bash", "bash"),
        ] {
            _ = try registryTool(tool, package: package)
        }
        let binary = try TestPaths.trackbotBinary()
        let tmp = try TemporaryDirectory("demo-script")

        let (status, output) = try await Self.runDemo(binary: binary, tmpdir: tmp.url)
        #expect(status == 0, "scripts/demo exited \(status):\n\(output)")
        #expect(output.contains("demo: OK"), "\(output)")

        // The digests the script read from the OCI layouts it pushed (not from trackbot).
        let published = try #require(Self.firstMatch(#"amd64    (sha256:[0-9a-f]{64})"#, in: output), "\(output)")
        let drifted = try #require(Self.firstMatch(#"digest is now (sha256:[0-9a-f]{64})"#, in: output), "\(output)")
        #expect(published != drifted)

        // The third `trackbot check demo` (the one after the re-push) is the drift alert, exit 1;
        // the next run still has it; after `trackbot ack` the fourth check exits 0 and shows the answer.
        let checks = output.components(separatedBy: "$ trackbot check demo\n").dropFirst()
        #expect(checks.count == 4, "\(output)")
        let stillOpen =
            output.components(separatedBy: "$ trackbot check demo --format markdown --dry-run\n").dropFirst().first
            ?? ""
        #expect(stillOpen.contains("(exit status 1)") && stillOpen.contains(drifted), "\(stillOpen)")
        let acked = checks.dropFirst(3).first ?? ""
        #expect(acked.contains("(exit status 0)") && acked.contains("acknowledged by demo-user"), "\(acked)")
        let first = checks.first ?? "", drift = checks.dropFirst(2).first ?? ""
        #expect(first.contains("(exit status 0)"))
        #expect(first.contains(published))
        #expect(!first.contains("digest-drift"))
        let driftRun = drift.components(separatedBy: "(exit status").first ?? ""
        #expect(drift.contains("(exit status 1)"), "\(drift)")
        #expect(driftRun.contains("digest-drift"), "\(driftRun)")
        #expect(driftRun.contains(published), "the alert should name the recorded digest \(published):\n\(driftRun)")
        #expect(driftRun.contains(drifted), "the alert should name the new digest \(drifted):\n\(driftRun)")

        // node (FROM demo:1.0): each platform built on demo:1.0's platform of its architecture and
        // traced through it to the rootfs tarball's checksum and scratch, each architecture's pin
        // shown and, with --deep, downloaded from the world's server (its log) and matching.
        let arm64 = try #require(Self.firstMatch(#"arm64v8  (sha256:[0-9a-f]{64})"#, in: output), "\(output)")
        let nodeCheck =
            output.components(
                separatedBy: "$ trackbot check node --deep --rewrite https://unofficial-builds.nodejs.org/="
            )
            .dropFirst().first ?? ""
        let nodeRun = nodeCheck.components(separatedBy: "(exit status").first ?? ""
        #expect(nodeCheck.contains("(exit status 0)"), "\(nodeCheck)")
        for (base, dir, nodeArch) in [(published, "x86_64", "x64"), (arm64, "aarch64", "arm64")] {
            #expect(nodeRun.contains("built on demo:1.0 \(base)"), "\(nodeRun)")
            #expect(nodeRun.contains("→ demo:1.0 \(base) (demo-rootfs@"), "\(nodeRun)")
            #expect(nodeRun.contains("\(dir)): ✓ \(dir)/rootfs-\(dir).tar.gz sha512"), "\(nodeRun)")
            let tarball = "download/release/v22.11.0/node-v22.11.0-linux-\(nodeArch)-musl.tar.xz"
            #expect(nodeRun.contains("pin https://unofficial-builds.nodejs.org/\(tarball) sha256:"), "\(nodeRun)")
            #expect(output.contains("\"GET /\(tarball) HTTP/1.1\" 200"), "--deep should download \(tarball)")
        }
        #expect(nodeRun.contains("→ scratch") && !nodeRun.contains("pin-mismatch"), "\(nodeRun)")

        // Cleaned up: no process still runs from the world (both servers name its directory in
        // their arguments; ports are not checked, another suite may reuse them), and it is gone.
        #expect(
            output.contains("git daemon        git://127.0.0.1:")
                && output.contains("docker-registry   http://127.0.0.1:")
                && output.contains("downloads         http://127.0.0.1:"))
        let survivors = Self.processes(mentioning: tmp.path)
        #expect(survivors.isEmpty, "scripts/demo left these running: \(survivors)")
        let left = try FileManager.default.contentsOfDirectory(atPath: tmp.path)
        #expect(left.isEmpty, "scripts/demo left \(left) in its TMPDIR")
    }

    /// Runs `bash scripts/demo` with TRACKBOT_DEMO_BIN and TMPDIR set; stdout and stderr together.
    /// After five minutes it is interrupted (its trap still cleans up) and the test fails.
    static func runDemo(binary: String, tmpdir: URL) async throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try registryTool("bash", package: "bash"))
        process.arguments = [TestPaths.packageRoot.appendingPathComponent("scripts/demo").path]
        process.environment = ProcessInfo.processInfo.environment.merging(
            ["TRACKBOT_DEMO_BIN": binary, "TMPDIR": tmpdir.path]) { $1 }
        process.standardInput = FileHandle.nullDevice
        let pipe = try spawn {
            let pipe = Pipe()
            process.standardOutput = pipe
            process.standardError = pipe
            try process.run()
            return pipe
        }
        // The output is read on a thread of its own; a watchdog task interrupts the script after
        // five minutes (nothing holds a cooperative thread meanwhile).
        let pid = process.processIdentifier
        let watchdog = Task<Bool, Never> {
            do { try await Task.sleep(for: .seconds(300)) } catch { return false }
            kill(pid, SIGINT)
            return true
        }
        let data = await readToEnd(pipe.fileHandleForReading)
        await waitForExit(process)
        watchdog.cancel()
        if await watchdog.value {
            throw TestSupportError.timeout("scripts/demo (5 minutes): \(String(decoding: data, as: UTF8.self))")
        }
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// Command lines of running processes (from /proc) that contain `text`.
    static func processes(mentioning text: String) -> [String] {
        let pids =
            (try? FileManager.default.contentsOfDirectory(atPath: "/proc"))?.filter { $0.allSatisfy(\.isNumber) } ?? []
        return pids.compactMap { pid in
            guard let raw = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline"), !raw.isEmpty else {
                return nil
            }
            let line = String(decoding: raw.map { $0 == 0 ? UInt8(ascii: " ") : $0 }, as: UTF8.self)
            return line.contains(text) ? "\(pid): \(line)" : nil
        }
    }

    static func firstMatch(_ pattern: String, in text: String) -> String? {
        guard let regex = try? NSRegularExpression(pattern: pattern),
            let match = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)),
            let range = Range(match.range(at: 1), in: text)
        else { return nil }
        return String(text[range])
    }
}
