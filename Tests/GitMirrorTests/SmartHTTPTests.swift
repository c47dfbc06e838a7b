import Foundation
import TestSupport
import Testing
import TrackbotCore

@testable import GitMirror

/// Smart HTTP through `git http-backend`, with and without a token.
@Suite struct SmartHTTPTests {
    final class World: @unchecked Sendable {
        let temp: TemporaryDirectory
        let served: URL
        init() throws {
            temp = try TemporaryDirectory("gitmirror-http")
            served = temp.appending("served")
            try FileManager.default.createDirectory(at: served, withIntermediateDirectories: true)
        }
        func cache(_ credentials: GitCredentials = GitCredentials(), name: String = "cache") -> MirrorCache {
            MirrorCache(directory: temp.appending(name), credentials: credentials)
        }
    }

    @Test func mirrorsDockerAlpineAndStreamsItsTarballs() async throws {
        let world = try await offPool { try World() }
        let bare = try GitRepositories.fromBundle(
            "docker-alpine-v3.20.bundle", into: world.served, name: "docker-alpine.git")
        let server = try await SmartHTTPServer.start(projectRoot: world.served, logDirectory: world.temp.url)
        let url = server.url("docker-alpine.git")
        let cache = world.cache()
        let check = try await cache.ensureCommit(
            ObjectID("7d63673353bd39d92ba42f6effcc199aeebd45ee")!,
            reachableFrom: "refs/heads/v3.20", of: url)
        #expect(check.status == .reachable)
        #expect(check.fetch.receivedBytes > 20_000_000)
        try fsck(check.fetch.directory)

        let mirror = try cache.mirror(url)
        let sums = String(decoding: try await mirror.blob("checksums.sha512", at: "v3.20"), as: UTF8.self)
        let lines = sums.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true) }
        #expect(lines.count == 8)
        for line in lines {
            let hasher = HasherBox()
            let size = try await mirror.streamBlob(String(line[1]), at: "v3.20", chunkSize: 64 << 10) {
                hasher.update($0)
            }
            #expect(size > 1_000_000)
            #expect(hasher.finalize().hex == String(line[0]), "\(line[1])")
        }
        let ls = try git(["--git-dir", bare.path, "ls-tree", "v3.20"]).split(separator: "\n").count
        #expect(try await mirror.tree(".", at: "v3.20").count == ls)
        // No token configured: no Authorization header was ever sent.
        #expect(server.requests().allSatisfy { $0.hasPrefix("auth none") })
    }

    @Test func sendsTheTokenOnceAndNeverShowsIt() async throws {
        let world = try await offPool { try World() }
        let token = "tok-" + UUID().uuidString
        let wrong = "tok-" + UUID().uuidString
        try GitRepositories.working(at: world.temp.appending("work"), files: ["README": "hello\n"])
        try git([
            "clone", "--quiet", "--bare", world.temp.appending("work").path,
            world.served.appendingPathComponent("private.git").path,
        ])
        let server = try await SmartHTTPServer.start(
            projectRoot: world.served, token: token, logDirectory: world.temp.url)
        let url = server.url("private.git")
        let host = "127.0.0.1:\(server.server.port)"

        // The right token works, and is used for ls-remote too.
        let good = world.cache(GitCredentials(tokens: [host: Secret(token)]))
        let fetched = try await good.mirrorBranchesAndTags(url)
        #expect(fetched.updates.map(\.name) == ["refs/heads/main"])
        #expect(try await good.remoteRefs(url).contains { $0.name == "refs/heads/main" })
        let config = try String(contentsOfFile: fetched.directory + "/config", encoding: .utf8)
        #expect(!config.contains(token))
        #expect(server.requests().contains { $0.hasPrefix("auth ok") })

        // A wrong token: one attempt, a clear error without the token.
        let before = server.requests().filter { $0.hasPrefix("auth bad") }.count
        let bad = world.cache(GitCredentials(tokens: [host: Secret(wrong)]), name: "cache-bad")
        do {
            _ = try await bad.mirrorBranchesAndTags(url)
            Issue.record("a wrong token was accepted")
        } catch let error as MirrorError {
            guard case .authenticationFailed(let shownURL, let shownHost, _) = error else {
                Issue.record("expected authenticationFailed, got \(error)")
                return
            }
            #expect(shownURL == url)
            #expect(shownHost == host)
            #expect(!error.description.contains(wrong))
            #expect(!"\(error)".contains(wrong))
            #expect(error.description.contains("refused the token"))
        }
        #expect(
            server.requests().filter { $0.hasPrefix("auth bad") }.count - before == 1,
            "the token is sent once, never retried")

        // A URL with credentials in it: they are not shown either.
        let withUser = url.replacingOccurrences(of: "http://", with: "http://x-access-token:\(wrong)@")
        do {
            _ = try await world.cache(name: "cache-inline").remoteRefs(withUser)
            Issue.record("inline wrong credentials were accepted")
        } catch {
            #expect(!"\(error)".contains(wrong))
            #expect("\(error)".contains(url))
        }

        // No token for this host (only for another one): nothing is sent, and the error says so.
        let requestsBefore = server.requests().count
        let other = world.cache(GitCredentials(tokens: ["github.com": Secret(token)]), name: "cache-other")
        do {
            _ = try await other.mirrorBranchesAndTags(url)
            Issue.record("fetched without credentials")
        } catch let error as MirrorError {
            guard case .authenticationRequired(_, let shownHost, _) = error else {
                Issue.record("expected authenticationRequired, got \(error)")
                return
            }
            #expect(shownHost == host)
            #expect(!error.description.contains(token))
        }
        #expect(server.requests().dropFirst(requestsBefore).allSatisfy { $0.hasPrefix("auth none") })
    }
}

extension SmartHTTPTests {
    @Test func theTokenNeverFollowsARedirectToAnotherHost() async throws {
        let world = try await offPool { try World() }
        let token = "tok-" + UUID().uuidString
        try GitRepositories.working(at: world.temp.appending("work"), files: ["README": "hello\n"])
        try git([
            "clone", "--quiet", "--bare", world.temp.appending("work").path,
            world.served.appendingPathComponent("private.git").path,
        ])
        // B serves the repository and wants a token of its own; A takes A's token, then redirects to B.
        let other = try await SmartHTTPServer.start(
            projectRoot: world.served, token: "tok-other-" + UUID().uuidString, logDirectory: world.temp.url)
        let first = try await SmartHTTPServer.start(
            projectRoot: world.served, token: token,
            redirectTo: "http://localhost:\(other.server.port)", logDirectory: world.temp.url)
        let url = first.url("private.git")
        let cache = world.cache(GitCredentials(tokens: ["127.0.0.1:\(first.server.port)": Secret(token)]))
        do {
            _ = try await cache.mirrorBranchesAndTags(url)
            Issue.record("fetched through a redirect without B's token")
        } catch {
            #expect(!"\(error)".contains(token))
        }
        #expect(first.requests().contains { $0.hasPrefix("redirect") }, "A was asked and redirected")
        #expect(!other.requests().isEmpty, "libgit2 followed the redirect to B")
        #expect(
            other.requests().allSatisfy { $0.hasPrefix("auth none") }, "B never received A's token: \(other.requests())"
        )
    }
}

final class HasherBox: @unchecked Sendable {
    private var hasher = StreamingHasher(.sha512)
    func update(_ bytes: UnsafeRawBufferPointer) { hasher.update(bytes) }
    func finalize() -> Digest { hasher.finalize() }
}
