import Foundation
import TestSupport
import Testing
import Tracking

@testable import TrackbotKit

@Suite struct WatchLoopTests {
    @Test func durations() throws {
        #expect(try WatchLoop.parseDuration("90s") == .seconds(90))
        #expect(try WatchLoop.parseDuration("30m") == .seconds(1800))
        #expect(try WatchLoop.parseDuration("6h") == .seconds(21_600))
        #expect(try WatchLoop.parseDuration("1h30m") == .seconds(5400))
        #expect(try WatchLoop.parseDuration("1d2h3m4s") == .seconds(93_784))
        for bad in ["", "30", "m", "0s", "1h30", "1.5h", "-5m", "5 m", "5x", "99999999999999999999d"] {
            #expect(throws: UsageError.self, "\(bad)") { try WatchLoop.parseDuration(bad) }
        }
        for _ in 0..<200 {
            let d = WatchLoop.jittered(.seconds(100))
            #expect(d >= .seconds(90) && d <= .seconds(110))
        }
    }

    /// A signal stops the loop between runs: the run in progress finishes (complete output, state
    /// written) and the process exits promptly with that run's status.
    @Test(arguments: [(SIGTERM, 2_500_000 as useconds_t), (SIGINT, 300_000 as useconds_t)])
    func signalStopsBetweenRuns(signo: Int32, after delay: useconds_t) async throws {
        let binary = try TestPaths.trackbotBinary()
        let world = try await offPool { try AlpineWorld() }
        let libraryDir = world.dir.appending("official-images")
        try FileManager.default.createDirectory(
            at: libraryDir.appendingPathComponent("library"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            at: TestPaths.fixture("library/alpine@87b6256"),
            to: libraryDir.appendingPathComponent("library/alpine"))
        let common = ["--library", libraryDir.path, "--config", world.configPath, "--no-registry", "--format", "json"]

        // One plain run first: it fills the mirror cache, so the loop's runs are quick, and gives
        // the status every run of this unchanged world has.
        let warm = Process()
        warm.executableURL = URL(fileURLWithPath: binary)
        warm.arguments = ["watch"] + common
        warm.standardOutput = FileHandle.nullDevice
        warm.standardError = FileHandle.nullDevice
        try spawn { try warm.run() }
        await waitForExit(warm)
        #expect(warm.terminationStatus != 2, "the warm-up run could not check alpine")
        try FileManager.default.removeItem(atPath: world.statePath)

        let outURL = world.dir.appending("loop.out"), errURL = world.dir.appending("loop.err")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: binary)
        p.arguments = ["watch", "--every", "1s"] + common
        p.standardOutput = try FileHandle(forWritingTo: outURL)
        p.standardError = try FileHandle(forWritingTo: errURL)
        try spawn { try p.run() }
        // The delay counts from when the loop handles the signal (it sets it to SIG_IGN and
        // watches it with a dispatch source): on a loaded machine the binary can take longer than
        // the delay to start, and a signal before that would kill it outright.
        let installed = Date().addingTimeInterval(20)
        while p.isRunning, !Self.ignores(signo, pid: p.processIdentifier), Date() < installed {
            try await Task.sleep(for: .milliseconds(5))
        }
        try await Task.sleep(for: .microseconds(Int(delay)))
        #expect(p.isRunning, "the loop ended before the signal")
        kill(p.processIdentifier, signo)
        let deadline = Date().addingTimeInterval(20)
        while p.isRunning, Date() < deadline { try await Task.sleep(for: .milliseconds(50)) }
        if p.isRunning {
            kill(p.processIdentifier, SIGKILL)
            Issue.record("still running 20 s after the signal")
        }
        await waitForExit(p)

        let out = try String(contentsOf: outURL, encoding: .utf8)
        let err = try String(contentsOf: errURL, encoding: .utf8)
        #expect(p.terminationReason == .exit, "killed by the signal instead of stopping: \(err)")
        #expect(p.terminationStatus == warm.terminationStatus, "\(err)")
        #expect(err.contains("stopping"), "\(err)")
        // Every run printed a whole JSON report; the signal never cut one short.
        let runs = out.components(separatedBy: "\"findings\"").count - 1
        #expect(runs >= 1, "no run finished: \(out.prefix(500))")
        #expect(out.trimmingCharacters(in: .whitespacesAndNewlines).hasSuffix("}"))
        let state = try StateStore(path: world.statePath).load()
        #expect(state.images["alpine"] != nil, "the run in progress did not write its state")
        let raw = try Data(contentsOf: URL(fileURLWithPath: world.statePath))
        #expect((try? JSONSerialization.jsonObject(with: raw)) != nil)
    }

    /// Whether process `pid` ignores `signo` (`SigIgn` in /proc/PID/status).
    static func ignores(_ signo: Int32, pid: Int32) -> Bool {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("SigIgn:") }),
            let mask = UInt64(line.dropFirst("SigIgn:".count).trimmingCharacters(in: .whitespaces), radix: 16)
        else { return false }
        return mask & (1 << UInt64(signo - 1)) != 0
    }
}
