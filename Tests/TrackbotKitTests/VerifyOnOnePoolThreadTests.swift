import Foundation
import TestSupport
import Testing
import TrackbotCore
import Verification

@testable import GitMirror
@testable import TrackbotKit

/// Verification of a directory in a git mirror is one blocking job over one opened repository:
/// it completes on a pool of one thread (the old sync → semaphore → async → thread bridge per
/// read would wait there for a job queued behind itself, for ever).
@Suite struct VerifyOnOnePoolThreadTests {
    final class Done: @unchecked Sendable {
        private let lock = NSLock()
        private var value = false
        var isSet: Bool {
            lock.lock()
            defer { lock.unlock() }
            return value
        }
        func set() {
            lock.lock()
            value = true
            lock.unlock()
        }
    }

    @Test func verifyAndListingCompleteOnAPoolOfOne() async throws {
        let dir = try TemporaryDirectory("verify-pool-one")
        let bare = try GitRepositories.fromBundle(
            "docker-alpine-v3.20.bundle", into: dir.url, name: "docker-alpine.git")
        let mirror = Mirror(directory: bare, url: "test://docker-alpine")
        let commit = "7d63673353bd39d92ba42f6effcc199aeebd45ee"
        let pool = BlockingPool(width: 1)
        let done = Done()
        let task = Task {
            defer { done.set() }
            let report = try await GitSourceTree.with(mirror: mirror, commit: commit, on: pool) { tree in
                try Verifier(tree: tree).verify(directory: "aarch64", file: nil, builder: "")
            }
            let listing = try await GitSourceTree.with(mirror: mirror, commit: commit, on: pool) { tree in
                try Verifier(tree: tree).listing(of: "aarch64/alpine-minirootfs-3.20.3-aarch64.tar.gz")
            }
            return (report, listing)
        }
        // A deadlock never finishes; a busy machine only delays. The bound is generous (the job
        // takes about a second alone, and was seen to take 81 s amid the whole suite on 2 cores).
        let deadline = ContinuousClock.now + .seconds(600)
        while !done.isSet && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        #expect(done.isSet, "verification on a pool of one thread did not finish within 600 s (deadlock?)")
        guard done.isSet else { return }
        let (report, listing) = try await task.value
        #expect(report.artefacts.map(\.path) == ["aarch64/alpine-minirootfs-3.20.3-aarch64.tar.gz"])
        #expect(report.artefacts.map(\.status) == [.verified])
        #expect(listing.entries.count > 50)
        #expect(pool.threadCount == 1)
    }
}
