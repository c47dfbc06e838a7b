import Foundation
import GitMirror
import HTTPTransport
import TestSupport
import Testing
import TrackbotCore

@testable import TrackbotKit

/// What `-q`, the default and `-v` write on stderr. libgit2 reports progress once per object:
/// what is drawn must be bounded by (fake) elapsed time × rate, never by the object count.
@Suite struct ProgressAndLoggingTests {
    /// A clock that moves `step` seconds each time it is read: no real time is measured.
    final class FakeClock: @unchecked Sendable {
        let step: Double
        private let lock = NSLock()
        private(set) var reads = 0
        init(step: Double) { self.step = step }
        func now() -> Double {
            lock.withLock {
                reads += 1
                return Double(reads) * step
            }
        }
        var elapsed: Double { lock.withLock { Double(reads) * step } }
    }

    final class Lines: @unchecked Sendable {
        private let lock = NSLock()
        private var stored: [String] = []
        func append(_ s: String) { lock.withLock { stored.append(s) } }
        var all: [String] { lock.withLock { stored } }
    }

    /// official-images (the corpus subset) served by a real git daemon.
    static func servedOfficialImages(_ dir: TemporaryDirectory) async throws -> (GitDaemon, String) {
        let served = dir.appending("served")
        try FileManager.default.createDirectory(at: served, withIntermediateDirectories: true)
        _ = try GitRepositories.fromBundle("official-images-subset.bundle", into: served, name: "official-images.git")
        let daemon = try await GitDaemon.start(base: served, logDirectory: dir.url)
        return (daemon, daemon.url("official-images.git"))
    }

    @Test(arguments: [true, false])
    func progress_corpusFetch_boundedByElapsedTimeTimesRate_notByObjects(terminal: Bool) async throws {
        let dir = try TemporaryDirectory("progress")
        let (daemon, url) = try await Self.servedOfficialImages(dir)
        let clock = FakeClock(step: 0.001)  // 1 ms between libgit2's reports
        let interval = terminal ? ProgressThrottle.terminalInterval : ProgressThrottle.logInterval
        let lines = Lines()
        let handler = Progress.gitHandler(
            verbosity: terminal ? 0 : 1, terminal: terminal,
            throttle: ProgressThrottle(interval: interval, now: { clock.now() }), write: { lines.append($0) })
        let cache = MirrorCache(directory: dir.appending("cache"), progress: handler)
        let result = try await cache.fetch(url, refs: ["refs/heads/master"])
        withExtendedLifetime(daemon) {}

        let reports = clock.reads
        #expect(result.receivedObjects > 1000)
        #expect(reports >= result.receivedObjects, "libgit2 reports at least once per object")
        let written = lines.all
        // One per interval of the fake clock, plus the first and the finished one.
        #expect(written.count <= Int(clock.elapsed / interval) + 2, "\(written.count) writes for \(reports) reports")
        #expect(written.count >= 2)
        #expect(written.count * 10 < result.receivedObjects, "never one write per object")
        let n = result.receivedObjects
        #expect(written.last?.contains("\(n)/\(n) objects") == true, "the last line is the finished transfer")
        #expect(written.allSatisfy { terminal ? $0.hasPrefix("\r") : $0.hasSuffix("\n") })
    }

    @Test func progressThrottle_injectedClock_admitsOnePerIntervalAndEachFinishOnce() {
        final class Box: @unchecked Sendable { var t = 0.0 }
        let box = Box()
        let th = ProgressThrottle(interval: 0.25, now: { box.t })
        var admitted: [Double] = []
        for step in 0..<20 {
            box.t = Double(step) * 0.1
            if th.admit(TransferProgress(totalObjects: 100, receivedObjects: step)) { admitted.append(box.t) }
        }
        #expect(admitted.map { ($0 * 10).rounded() } == [0, 3, 6, 9, 12, 15, 18])
        let done = TransferProgress(totalObjects: 100, receivedObjects: 100, indexedObjects: 100)
        #expect(th.admit(done), "the finished transfer is drawn even within the interval")
        #expect(!th.admit(done), "and only once")
        let other = TransferProgress(totalObjects: 7, receivedObjects: 7, indexedObjects: 7)
        #expect(th.admit(other), "another fetch's end is drawn too")
    }

    @Test func quiet_writesNoProgressAndNoLog_normalWritesNoLog() throws {
        #expect(Progress.gitHandler(verbosity: -1, terminal: true) == nil)
        #expect(Progress.gitHandler(verbosity: -1, terminal: false) == nil)
        #expect(Progress.gitHandler(verbosity: 0, terminal: false) == nil, "a log gets progress only with -v")
        #expect(Log.handler(verbosity: -1) == nil && Log.handler(verbosity: 0) == nil)
        var options = GlobalOptions()
        options.environment = [:]
        options.verbosity = -1
        let quiet = RunContext(configuration: Configuration(), options: options)
        #expect(quiet.sources.cache.progress == nil && quiet.sources.cache.fetchLog == nil)
        #expect(try quiet.registryConfiguration().requestLog == nil)
        options.verbosity = 1
        let verbose = RunContext(configuration: Configuration(), options: options)
        #expect(verbose.sources.cache.fetchLog != nil)
        #expect(try verbose.registryConfiguration().requestLog != nil)
    }

    @Test func verbose_oneLinePerFetchWithItsDuration() async throws {
        let dir = try TemporaryDirectory("verbose-fetch")
        let (daemon, url) = try await Self.servedOfficialImages(dir)
        let lines = Lines()
        var cache = MirrorCache(directory: dir.appending("cache"))
        cache.fetchLog = Log.handler(verbosity: 1, write: { lines.append($0) })
        _ = try await cache.fetch(url, refs: ["refs/heads/master"])
        _ = try await cache.fetch(url, refs: ["refs/heads/master"])
        withExtendedLifetime(daemon) {}
        #expect(lines.all.count == 2)
        for line in lines.all {
            #expect(line.hasPrefix("trackbot: git fetch \(url) refs/heads/master: "), "\(line)")
            #expect(line.range(of: #" in \d+ ms\n$"#, options: .regularExpression) != nil, "\(line)")
        }
    }

    @Test func verbose_oneLinePerHTTPRequestWithStatusAndDuration() async throws {
        let dir = try TemporaryDirectory("verbose-http")
        let files = dir.appending("files")
        try FileManager.default.createDirectory(at: files, withIntermediateDirectories: true)
        try Data("x".utf8).write(to: files.appendingPathComponent("a"))
        let server = try await ServerProcess.staticFiles(files, logDirectory: dir.url)
        let lines = Lines()
        let http = HTTPClient(log: Log.handler(verbosity: 1, write: { lines.append($0) }))
        let base = "http://127.0.0.1:\(server.port)"
        _ = try await http.send(HTTPRequest(.get, base + "/a"))
        _ = try await http.send(HTTPRequest(.head, base + "/missing"))
        withExtendedLifetime(server) {}
        #expect(lines.all.count == 2)
        #expect(lines.all.first?.hasPrefix("trackbot: GET \(base)/a: 200 in ") == true, "\(lines.all)")
        #expect(lines.all.last?.hasPrefix("trackbot: HEAD \(base)/missing: 404 in ") == true, "\(lines.all)")
    }

    /// `check -v`: each stage of the run, of the image and of each tag is one line with its
    /// duration in milliseconds (what it took is not asserted: only that it is said).
    @Test func verbose_check_oneLinePerStageWithMilliseconds() async throws {
        let world = try await OfflineCheckTests.world()
        let lines = Lines()
        var options = world.options(noRegistry: true)
        options.verbosity = 1
        options.logSink = { lines.append($0) }
        let result = try await CheckCommand.run(.init(references: ["distro:good"]), options: options)
        #expect(result.exitCode == 0, "\(result.output)")
        let all = lines.all
        for line in all {
            #expect(line.range(of: #"^trackbot: .* in \d+ ms\n$"#, options: .regularExpression) != nil, "\(line)")
        }
        let stages = [
            "official-images: https://github.com/docker-library/official-images.git main fetched and resolved in ",
            "distro: library read (library/distro at ",
            "distro:good: source verification in ",
            "distro:good: registry index and platforms (registry not asked) in ",
            "distro:good: parent images in ",
            "check: traced, verified and compared 1 image(s) in ",
            "check: state write \(world.statePath) in ",
        ]
        for stage in stages {
            #expect(all.filter { $0.hasPrefix("trackbot: " + stage) }.count == 1, "\(stage) in \(all)")
        }
        // Each repository's fetch: official-images and the upstream.
        #expect(all.filter { $0.hasPrefix("trackbot: git fetch ") }.count == 2, "\(all)")
        options.verbosity = 0
        let before = lines.all.count
        _ = try await CheckCommand.run(.init(references: ["distro:good"]), options: options)
        #expect(lines.all.count == before, "no -v: no lines")
    }
}
