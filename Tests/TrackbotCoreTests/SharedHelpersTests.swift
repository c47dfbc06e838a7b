import Foundation
import Testing

@testable import TrackbotCore

/// The shared helpers, including the edge cases where the copies they replaced disagreed.
@Suite struct URLAuthorityTests {
    @Test func schemeAndHostLowercasedUserinfoDroppedDefaultPortFilled() throws {
        let a = try #require(URLAuthority(url: "HTTPS://User:Pa@ss@Registry.Example.COM/v2/?q#f"))
        #expect(a.scheme == "https")
        #expect(a.host == "registry.example.com")
        #expect(a.port == 443)
        #expect(a.hostPort == "registry.example.com")
        #expect(a.origin == "https://registry.example.com")
        #expect(a.key == "https://registry.example.com:443")
    }

    @Test func explicitDefaultPortIsTheSameAuthority() throws {
        // One copy kept ":443" (so two names for one origin), another dropped it.
        #expect(URLAuthority(url: "https://h:443/x") == URLAuthority(url: "https://h/x"))
        #expect(URLAuthority(url: "http://h:80") == URLAuthority(url: "http://h"))
        #expect(URLAuthority(url: "http://h:443") != URLAuthority(url: "http://h"))
        #expect(URLAuthority(url: "http://h:8080")?.hostPort == "h:8080")
        #expect(URLAuthority(url: "git://h/x")?.port == 9418)
        #expect(URLAuthority(url: "weird://h/x")?.port == nil)
        #expect(URLAuthority(url: "weird://h/x")?.origin == "weird://h")
    }

    @Test func ipv6LiteralsKeepTheirBrackets() throws {
        let a = try #require(URLAuthority(url: "http://[::1]:5000/v2/"))
        #expect(a.host == "[::1]")
        #expect(a.port == 5000)
        #expect(a.bareHost == "::1")
        #expect(a.hostPort == "[::1]:5000")
        #expect(a.isLoopback)
        #expect(URLAuthority(url: "https://[2001:DB8::1]/")?.host == "[2001:db8::1]")
        // Unbracketed, the last colon is not a port separator: refused rather than guessed.
        #expect(URLAuthority(url: "http://::1:5000/") == nil)
        #expect(URLAuthority(url: "http://[::1/") == nil)
        #expect(URLAuthority(url: "http://[::1]x/") == nil)
    }

    @Test func unreadableAuthoritiesAreRefused() {
        for url in [
            "http://", "http:///path", "http://host:/", "http://host:http/", "http://host:65536/",
            "http://host:-1/", "http://user@/", "http://ho st/", "http://a:1:2/", "no-scheme.example/x",
            "http://host:123456/",
        ] {
            #expect(URLAuthority(url: url) == nil, "\(url)")
        }
        #expect(URLAuthority(url: "http://host:65535/")?.port == 65535)
    }

    @Test func authorityEndsAtPathQueryOrFragment() {
        #expect(URLAuthority(url: "https://h?x=@evil")?.host == "h")
        #expect(URLAuthority(url: "https://h#@evil")?.host == "h")
        #expect(URLAuthority(url: "https://h/@evil")?.host == "h")
        #expect(URLAuthority(url: "https://a@b@h/")?.host == "h")
    }

    @Test func loopbackIsNotAPrefixMatch() {
        // Two copies took any host starting with "127." as loopback.
        #expect(URLAuthority.isLoopback(host: "127.0.0.1"))
        #expect(URLAuthority.isLoopback(host: "127.1.2.3:5000"))
        #expect(URLAuthority.isLoopback(host: "LOCALHOST:80"))
        #expect(URLAuthority.isLoopback(host: "[::1]"))
        #expect(URLAuthority.isLoopback(host: "[::1]:5000"))
        #expect(!URLAuthority.isLoopback(host: "127.evil.example"))
        #expect(!URLAuthority.isLoopback(host: "127.0.0.1.evil.example"))
        #expect(!URLAuthority.isLoopback(host: "127.0.0.256"))
        #expect(!URLAuthority.isLoopback(host: "localhost.evil.example"))
        #expect(!URLAuthority.isLoopback(host: "::1"))
        #expect(!URLAuthority.isLoopback(host: ""))
    }
}

@Suite struct HexTests {
    @Test func asciiOnlyAndNeverEmpty() {
        #expect(Hex.isHex("0123456789abcdefABCDEF"))
        #expect(!Hex.isHex(""))
        // Character.isHexDigit, used by two copies, accepts fullwidth digits.
        #expect(!Hex.isHex("ａｂ１２"))
        #expect(!Hex.isHex("abcg"))
        #expect(!Hex.isHex("ab cd"))
    }

    @Test func caseAndLength() {
        #expect(!Hex.isLowercaseHex("ABCDEF"))
        #expect(Hex.isLowercaseHex("abcdef"))
        #expect(Hex.isHex("ABCDEF", uppercase: true))
        #expect(Hex.isHex(String(repeating: "a", count: 40), count: 40))
        #expect(!Hex.isHex(String(repeating: "a", count: 39), count: 40))
    }

    @Test func encodeIsLowercase() {
        #expect(Hex.encode([0x00, 0x0f, 0xab, 0xff]) == "000fabff")
        #expect(Hex.encode([UInt8]()) == "")
        #expect([UInt8](arrayLiteral: 0xDE, 0xAD).hexString == "dead")
    }

    @Test func digestsKeepTheirRules() throws {
        // A digest as OCI writes it is lowercase; a hash from a checksum file may be uppercase.
        #expect(throws: DigestError.self) { try Digest(parsing: "sha256:" + String(repeating: "A", count: 64)) }
        #expect(
            try Digest(algorithm: .sha256, hex: String(repeating: "A", count: 64)).hex
                == String(repeating: "a", count: 64))
        #expect(throws: DigestError.self) { try Digest(algorithm: .sha256, hex: String(repeating: "ａ", count: 64)) }
    }
}

@Suite struct RelativePathTests {
    @Test func goCleanMatchesGo() {
        let cases = [
            "": ".", ".": ".", "a/": "a", "a//b": "a/b", "./a/./b/": "a/b", "a/../b": "b", "../a": "../a",
            "a/../..": "..", "/../a": "/a", "/": "/", "//a": "/a", "8/alpine": "8/alpine",
        ]
        for (input, expected) in cases { #expect(RelativePath.goClean(input) == expected, "\(input)") }
    }

    @Test func inspectSaysWhatIsWrong() {
        #expect(RelativePath.inspect("a/b").problem == nil)
        #expect(RelativePath.inspect("/etc/passwd") == ("etc/passwd", .absolute))
        #expect(RelativePath.inspect("../x") == ("../x", .escapes))
        #expect(RelativePath.inspect("a/../../x") == ("../x", .escapes))
        #expect(RelativePath.inspect("a/../x") == ("x", nil))
        #expect(RelativePath.inspect("/../x") == ("../x", .absolute))
        #expect(RelativePath.inspect("") == (".", nil))
        #expect(RelativePath.inspect("..foo/x") == ("..foo/x", nil))
    }

    @Test func resolveRefusesAbsoluteAndEscapingPaths() {
        #expect(RelativePath.resolve("a/./b/../c/") == "a/c")
        #expect(RelativePath.resolve(".") == "")
        #expect(RelativePath.resolve("") == "")
        #expect(RelativePath.resolve("a/..") == "")
        #expect(RelativePath.resolve("..") == nil)
        #expect(RelativePath.resolve("a/../../b") == nil)
        // One copy read "/a" as "a"; an absolute path is not below the root.
        #expect(RelativePath.resolve("/a") == nil)
        #expect(RelativePath.resolve("//a") == nil)
    }
}

@Suite struct RetryPolicyTests {
    @Test func retryAfterBothForms() {
        #expect(RetryPolicy.retryAfter("7") == 7)
        #expect(RetryPolicy.retryAfter(" 0 ") == 0)
        #expect(RetryPolicy.retryAfter(nil) == nil)
        #expect(RetryPolicy.retryAfter("") == nil)
        #expect(RetryPolicy.retryAfter("soon") == nil)
        let now = Date(timeIntervalSince1970: 1445412480)  // Wed, 21 Oct 2015 07:28:00 GMT
        #expect(RetryPolicy.retryAfter("Wed, 21 Oct 2015 07:28:30 GMT", now: now) == 30)
        #expect(RetryPolicy.retryAfter("Wednesday, 21-Oct-15 07:28:30 GMT", now: now) == 30)
        #expect(RetryPolicy.retryAfter("Wed Oct 21 07:28:30 2015", now: now) == 30)
        #expect(RetryPolicy.retryAfter("Wed, 21 Oct 2015 07:27:00 GMT", now: now) == 0)
    }

    @Test func retryAfterIsDeltaSecondsOnly() {
        // The registry's copy read "1.5" and "-3" as numbers; RFC 9110 delta-seconds are digits.
        #expect(RetryPolicy.retryAfter("1.5") == nil)
        #expect(RetryPolicy.retryAfter("-3") == nil)
        #expect(RetryPolicy.retryAfter("+3") == nil)
        #expect(RetryPolicy.retryAfter("99999999999999999999") == 999_999_999)
    }

    @Test func backoffDoublesWithJitterUpToTheCap() {
        let policy = RetryPolicy(baseDelay: 1, maxDelay: 5)
        for _ in 0..<20 {
            #expect((0.5...1).contains(policy.backoff(after: 1)))
            #expect((1...2).contains(policy.backoff(after: 2)))
            #expect((2.5...5).contains(policy.backoff(after: 10)))
            #expect((0.5...1).contains(policy.backoff(after: 0)))
        }
    }

    @Test func attemptsAndBudget() {
        let policy = RetryPolicy(maxAttempts: 3, budget: 10)
        #expect(policy.allowsAnother(after: 2, elapsed: 5, wait: 5))
        #expect(!policy.allowsAnother(after: 3, elapsed: 0, wait: 0))
        #expect(!policy.allowsAnother(after: 1, elapsed: 6, wait: 5))
        #expect(RetryPolicy(maxAttempts: 0).maxAttempts == 1)
    }

    @Test func whichFailuresAreRetried() {
        // The GitHub client retried every 5xx; 501 and 505 say the request will never work.
        for status in [429, 500, 502, 503, 504] { #expect(RetryPolicy.isRetryable(status: status)) }
        for status in [400, 401, 403, 404, 409, 422, 501, 505, 599] {
            #expect(!RetryPolicy.isRetryable(status: status))
        }
        #expect(RetryPolicy.isIdempotent(method: "get"))
        #expect(RetryPolicy.isIdempotent(method: "PUT"))
        #expect(!RetryPolicy.isIdempotent(method: "POST"))
        #expect(!RetryPolicy.isIdempotent(method: "PATCH"))
        // A POST is never retried after an answer or a failure that may have reached the server…
        #expect(!RetryPolicy.mayRetry(idempotent: false, status: 503, transientTransport: false, neverSent: false))
        #expect(!RetryPolicy.mayRetry(idempotent: false, status: nil, transientTransport: true, neverSent: false))
        // …only when nothing was sent (connection refused).
        #expect(RetryPolicy.mayRetry(idempotent: false, status: nil, transientTransport: true, neverSent: true))
        #expect(RetryPolicy.mayRetry(idempotent: true, status: 503, transientTransport: false, neverSent: false))
        #expect(RetryPolicy.mayRetry(idempotent: true, status: nil, transientTransport: true, neverSent: false))
        #expect(!RetryPolicy.mayRetry(idempotent: true, status: nil, transientTransport: false, neverSent: false))
    }
}

@Suite struct TaskCacheTests {
    actor Counter {
        var value = 0
        func next() -> Int {
            value += 1
            return value
        }
    }
    struct Failure: Error, Equatable {}

    @Test func concurrentCallersShareOneTask() async throws {
        let cache = TaskCache<String, Int>(keep: .whileInFlight)
        let counter = Counter()
        let release = AsyncStream<Void>.makeStream()
        let results = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    try await cache.value(for: "k") {
                        for await _ in release.stream { break }
                        return await counter.next()
                    }
                }
            }
            // Every caller is waiting on the one task before it may finish.
            while await cache.waiting(for: "k") < 8 { await Task.yield() }
            release.continuation.yield()
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(Set(results) == [1])
        #expect(await cache.count == 0)
        // In flight only: the next caller starts afresh.
        #expect(try await cache.value(for: "k") { await counter.next() } == 2)
    }

    @Test func keepSuccessesForgetsFailures() async throws {
        let cache = TaskCache<Int, Int>(keep: .successes)
        let counter = Counter()
        await #expect(throws: Failure.self) {
            try await cache.value(for: 1) {
                _ = await counter.next()
                throw Failure()
            }
        }
        #expect(try await cache.value(for: 1) { await counter.next() } == 2)
        #expect(try await cache.value(for: 1) { await counter.next() } == 2)
    }

    @Test func keepEverythingRemembersErrors() async throws {
        let cache = TaskCache<Int, Int>(keep: .everything)
        let counter = Counter()
        await #expect(throws: Failure.self) {
            try await cache.value(for: 1) {
                _ = await counter.next()
                throw Failure()
            }
        }
        await #expect(throws: Failure.self) { try await cache.value(for: 1) { await counter.next() } }
        #expect(await counter.value == 1)
    }

    @Test func aCancelledWaiterDoesNotPoisonTheKey() async throws {
        let cache = TaskCache<String, Int>(keep: .everything)
        let counter = Counter()
        let started = AsyncStream<Void>.makeStream()
        let release = AsyncStream<Void>.makeStream()
        // The first caller is cancelled while the work runs; another caller is waiting too.
        let first = Task {
            try await cache.value(for: "k") {
                started.continuation.yield()
                for await _ in release.stream { break }
                try Task.checkCancellation()
                return await counter.next()
            }
        }
        var iterator = started.stream.makeAsyncIterator()
        await iterator.next()
        let second = Task { try await cache.value(for: "k") { await counter.next() + 100 } }
        while await cache.waiting(for: "k") < 2 { await Task.yield() }
        first.cancel()
        release.continuation.yield()
        // The work goes on for the second caller, and the first caller gets the shared value.
        #expect(try await second.value == 1)
        #expect(try await first.value == 1)
        #expect(try await cache.value(for: "k") { await counter.next() } == 1)
    }

    @Test func whenEveryWaiterIsCancelledTheWorkStopsAndTheKeyIsForgotten() async throws {
        let cache = TaskCache<String, Int>(keep: .everything)
        let started = AsyncStream<Void>.makeStream()
        let never = AsyncStream<Void>.makeStream()
        let only = Task {
            try await cache.value(for: "k") {
                started.continuation.yield()
                // Waits until the work is cancelled: an AsyncStream ends on cancellation.
                for await _ in never.stream {}
                try Task.checkCancellation()
                return 1
            }
        }
        var iterator = started.stream.makeAsyncIterator()
        await iterator.next()
        only.cancel()
        await #expect(throws: CancellationError.self) { try await only.value }
        // The CancellationError is not remembered: the next caller computes the value.
        #expect(try await cache.value(for: "k") { 7 } == 7)
    }
}

@Suite struct JSONCodingTests {
    struct Sample: Encodable {
        var b = "x/y"
        var a = 1
    }

    @Test func readableIsPrettySortedWithSlashes() throws {
        #expect(try JSONCoding.readable(Sample()) == "{\n  \"a\" : 1,\n  \"b\" : \"x/y\"\n}\n")
    }

    @Test func compactIsOneSortedLine() throws {
        let data = try JSONCoding.compactEncoder().encode(Sample())
        #expect(String(decoding: data, as: UTF8.self) == "{\"a\":1,\"b\":\"x/y\"}")
    }
}
