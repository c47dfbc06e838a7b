import Foundation
import HTTPTransport
import TestSupport
import Testing
import TrackbotCore

@testable import Registry

/// The open registry behind the fault proxy.
final class FaultWorld: @unchecked Sendable {
    let world: RegistryWorld
    let proxy: FaultProxy
    let sleeps = RecordedSleeps()

    init() async throws {
        world = try await RegistryWorld.shared()
        proxy = try await FaultProxy.start(upstream: world.registry.url, workDirectory: world.directory.url)
    }

    func client(attempts: Int = 4, floor: Int = 1) -> RegistryClient {
        // The budget is wall-clock time and CI runs every suite at once on two cores: keep it far
        // above a slow first request; the waits themselves are recorded, not slept.
        RegistryWorld.client(
            proxy.url,
            retry: RetryPolicy(
                maxAttempts: attempts, budget: 600, baseDelay: 0.01, maxDelay: 0.05, sleep: sleeps.sleep),
            floor: floor)
    }

    func heads(_ path: String) throws -> Int {
        try proxy.requests().filter { $0.method == "HEAD" && $0.path == path }.count
    }
}

@Suite("Retries, rate limits and refused content, through a fault proxy", .serialized)
struct FaultTests {
    let f: FaultWorld
    let tagPath = "/v2/library/multi/manifests/1.0"

    init() async throws { f = try await FaultWorld() }

    @Test func retryAfterInSeconds() async throws {
        try f.proxy.rules(
            #"[{"action":"status","status":429,"times":1,"match":"/manifests/1.0","headers":{"Retry-After":"1"}}]"#)
        let head = try await f.client().headDigest(ImageReference(parsing: "multi:1.0"))
        #expect(head.digest == f.world.images.multiIndex)
        #expect(f.sleeps.all == [1.0])
        #expect(try f.heads(tagPath) == 2)
    }

    @Test func retryAfterAsHTTPDate() async throws {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        let date = formatter.string(from: Date().addingTimeInterval(20))
        try f.proxy.rules(
            #"[{"action":"status","status":429,"times":1,"match":"/manifests/1.0","headers":{"Retry-After":"\#(date)"}}]"#
        )
        _ = try await f.client().headDigest(ImageReference(parsing: "multi:1.0"))
        let waits = f.sleeps.all
        #expect(waits.count == 1)
        // The waits are recorded, not slept; the date has one-second resolution.
        #expect(waits.allSatisfy { $0 > 5 && $0 <= 20 })
    }

    @Test func twoServiceUnavailableThenSuccess() async throws {
        try f.proxy.rules(#"[{"action":"status","status":503,"times":2,"match":"/manifests/1.0"}]"#)
        let image = try await f.client().resolve("multi:1.0")
        #expect(image.digest == f.world.images.multiIndex)
        let waits = f.sleeps.all
        #expect(waits.count == 2)
        #expect(waits.allSatisfy { $0 >= 0.005 && $0 <= 0.05 })
        #expect(try f.heads(tagPath) == 3)
    }

    @Test func theBudgetEndsWithAClearError() async throws {
        try f.proxy.rules(#"[{"action":"status","status":503,"match":"/manifests/1.0"}]"#)
        do {
            _ = try await f.client(attempts: 3).headDigest(ImageReference(parsing: "multi:1.0"))
            Issue.record("expected gaveUp")
        } catch let error as RegistryError {
            guard case .gaveUp(let registry, let request, let attempts, _, let last) = error else {
                Issue.record("wrong error \(error)")
                return
            }
            #expect(registry.contains("docker.io") && registry.contains(f.proxy.host))
            #expect(request == "HEAD \(tagPath)")
            #expect(attempts == 3)
            #expect(last.contains("503"))
        }
        #expect(try f.heads(tagPath) == 3)
        // A Retry-After beyond the budget is not waited for.
        try f.proxy.rules(
            #"[{"action":"status","status":429,"match":"/manifests/1.0","headers":{"Retry-After":"3600"}}]"#)
        await #expect(throws: RegistryError.self) {
            _ = try await f.client().headDigest(ImageReference(parsing: "multi:1.0"))
        }
        #expect(!f.sleeps.all.contains(3600))
    }

    @Test func aTruncatedBodyIsRetriedThenReported() async throws {
        let digest = f.world.images.multiIndex
        try f.proxy.rules(#"[{"action":"truncate","method":"GET","match":"/manifests/"}]"#)
        do {
            _ = try await f.client(attempts: 2).manifest(ImageReference(parsing: "multi@\(digest)"))
            Issue.record("expected a failure")
        } catch let error as RegistryError {
            guard case .gaveUp(_, _, let attempts, _, let last) = error else {
                Issue.record("wrong error \(error)")
                return
            }
            #expect(attempts == 2)
            #expect(last.contains("curl error 18"))
        }
        // Truncated once, then whole: fine.
        try f.proxy.rules(#"[{"action":"truncate","method":"GET","times":1,"match":"/manifests/"}]"#)
        let m = try await f.client().manifest(ImageReference(parsing: "multi@\(digest)"))
        #expect(m.digest == digest)
    }

    @Test func aBodyThatDoesNotMatchItsDigestIsRefused() async throws {
        try f.proxy.rules(#"[{"action":"corrupt","method":"GET","match":"/manifests/"}]"#)
        // By tag: checked against Docker-Content-Digest.
        do {
            _ = try await f.client().manifest(ImageReference(parsing: "multi:1.0"))
            Issue.record("expected a mismatch")
        } catch let error as RegistryError {
            guard case .digestMismatch(_, _, let expected, _, let source) = error else {
                Issue.record("wrong error \(error)")
                return
            }
            #expect(expected == f.world.images.multiIndex)
            #expect(source == "Docker-Content-Digest")
        }
        // By digest: checked against the digest asked for.
        do {
            _ = try await f.client().resolve("multi:1.0")
            Issue.record("expected a mismatch")
        } catch let error as RegistryError {
            guard case .digestMismatch(_, _, let expected, _, let source) = error else {
                Issue.record("wrong error \(error)")
                return
            }
            #expect(expected == f.world.images.multiIndex)
            #expect(source == "the digest asked for")
        }
        // Blobs too.
        try f.proxy.rules(#"[{"action":"corrupt","method":"GET","match":"/blobs/"}]"#)
        let ref = try ImageReference(parsing: "single@\(f.world.images.single)")
        let manifest = try #require(try await f.client().manifest(ref).image)
        await #expect(throws: RegistryError.self) {
            _ = try await f.client().blobBytes(ref.at(manifest.layers[0].digest))
        }
    }

    @Test func aNineMebibyteManifestIsAborted() async throws {
        try f.proxy.rules(#"[{"action":"huge","method":"GET","match":"/manifests/"}]"#)
        do {
            _ = try await f.client().manifest(ImageReference(parsing: "multi:1.0"))
            Issue.record("expected bodyTooLarge")
        } catch let error as RegistryError {
            guard case .transport(_, _, let http) = error, case .bodyTooLarge(_, _, let limit) = http else {
                Issue.record("wrong error \(error)")
                return
            }
            #expect(limit == 4 << 20)
            #expect(error.description.contains("larger than the 4096 KiB"))
        }
    }

    @Test func rateLimitsAreReadAndTheFloorStopsCleanly() async throws {
        try f.proxy.rules(
            #"[{"action":"headers","match":"/manifests/","headers":{"ratelimit-limit":"100;w=21600","ratelimit-remaining":"3;w=21600"}}]"#
        )
        let client = f.client(floor: 5)
        _ = try await client.headDigest(ImageReference(parsing: "multi:1.0"))
        let limit = try #require(client.rateLimit(registry: "docker.io"))
        #expect(limit.limit == 100 && limit.remaining == 3 && limit.window == 21600)
        do {
            _ = try await client.resolve("multi:1.0")
            Issue.record("expected the floor to stop the GET")
        } catch let error as RegistryError {
            #expect(
                error
                    == .rateLimitFloor(
                        registry: client.endpoint("docker.io").description, remaining: 3, floor: 5, limit: 100))
        }
        #expect(try f.proxy.requests().filter { $0.method == "GET" && $0.path.contains("/manifests/") }.isEmpty)
        // HEADs go on (Docker Hub does not count them).
        _ = try await client.headDigest(ImageReference(parsing: "multi:1.0"))
    }

    @Test func cancellingTheTaskAbortsTheTransfer() async throws {
        // The stall outlasts any delay in getting the cancel in: on a loaded machine the test's
        // own polling can be late by seconds, and a 4 s stall used to end before the cancel came
        // (the transfer then completed: the intermittent failure of the first release).
        try f.proxy.rules(#"[{"action":"stall","seconds":30,"match":"/manifests/"}]"#)
        let http = HTTPClient()
        let url = f.proxy.url + tagPath
        let task = Task { try await http.send(HTTPRequest(.head, url, totalTimeout: 60)) }
        let deadline = Date().addingTimeInterval(20)
        while try f.heads(tagPath) == 0, Date() < deadline { try await Task.sleep(nanoseconds: 50_000_000) }
        task.cancel()
        let result = await task.result
        #expect(throws: CancellationError.self) { try result.get() }
    }

    @Test func aStalledServerTimesOut() async throws {
        try f.proxy.rules(#"[{"action":"stall","seconds":3,"match":"/manifests/"}]"#)
        let http = HTTPClient()
        do {
            _ = try await http.send(HTTPRequest(.head, f.proxy.url + tagPath, connectTimeout: 1, totalTimeout: 0.3))
            Issue.record("expected a timeout")
        } catch let error as HTTPError {
            guard case .timedOut = error else {
                Issue.record("wrong error \(error)")
                return
            }
            #expect(error.isRetryable)
        }
    }
}
