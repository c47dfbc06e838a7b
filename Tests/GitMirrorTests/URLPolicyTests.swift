import Foundation
import TestSupport
import Testing
import TrackbotCore

@testable import GitMirror

@Suite struct URLPolicyTests {
    @Test func allowsTheNetworkSchemes() throws {
        for (url, scheme, host) in [
            ("https://github.com/alpinelinux/docker-alpine.git", RemoteLocation.Scheme.https, "github.com"),
            ("http://127.0.0.1:8080/x.git", .http, "127.0.0.1:8080"),
            ("git://example.org/x.git", .git, "example.org"),
            ("ssh://git@example.org:2222/x.git", .ssh, "example.org:2222"),
            ("git@github.com:owner/repo.git", .ssh, "github.com"),
        ] {
            let location = try RemoteLocation(url)
            #expect(location.scheme == scheme)
            #expect(location.host == host)
            #expect(!location.rewritten)
        }
    }

    @Test func refusesOtherSchemesAndTransportHelpers() {
        #expect(throws: MirrorError.disallowedScheme(url: "ftp://example.org/x.git", scheme: "ftp")) {
            try RemoteLocation("ftp://example.org/x.git")
        }
        #expect(throws: MirrorError.disallowedScheme(url: "ext::sh -c touch% /tmp/pwned", scheme: "ext")) {
            try RemoteLocation("ext::sh -c touch% /tmp/pwned")
        }
        #expect(throws: MirrorError.invalidURL(url: "--upload-pack=touch", reason: "it starts with \"-\"")) {
            try RemoteLocation("--upload-pack=touch")
        }
        // A refused URL's message never shows its credentials.
        do {
            _ = try RemoteLocation("ftp://user:hunter2secret@example.org/x.git")
            Issue.record("ftp was accepted")
        } catch {
            #expect(!"\(error)".contains("hunter2secret"))
            #expect("\(error)".contains("ftp://example.org/x.git"))
        }
    }

    @Test func localURLsOnlyFromARewriteOrTheUser() throws {
        #expect(throws: MirrorError.localURLNotAllowed(url: "file:///srv/git/x.git")) {
            try RemoteLocation("file:///srv/git/x.git")
        }
        #expect(throws: MirrorError.localURLNotAllowed(url: "/srv/git/x.git")) {
            try RemoteLocation("/srv/git/x.git")
        }
        let own = try RemoteLocation("/srv/git/x.git", isUserOwned: true)
        #expect(own.scheme == .file)
        #expect(own.effective == "file:///srv/git/x.git")

        let rewriter = URLRewriter(rules: [.init(from: "https://github.com/", to: "file:///srv/mirrors/")])
        let rewritten = try RemoteLocation("https://github.com/alpinelinux/docker-alpine.git", rewriter: rewriter)
        #expect(rewritten.rewritten)
        #expect(rewritten.effective == "file:///srv/mirrors/alpinelinux/docker-alpine.git")
        #expect(rewritten.original == "https://github.com/alpinelinux/docker-alpine.git")
    }

    @Test func mirrorNamesAreReadableAndDistinct() throws {
        let a = MirrorName.directoryName(for: "https://github.com/alpinelinux/docker-alpine.git")
        let b = MirrorName.directoryName(for: "https://github.com/alpinelinux/docker-alpine")
        let c = MirrorName.directoryName(
            for: "https://x-access-token:abcd1234@github.com/alpinelinux/docker-alpine.git")
        #expect(a.hasPrefix("github.com_alpinelinux_docker-alpine-"))
        #expect(a.hasSuffix(".git"))
        #expect(a != b)
        #expect(a == c, "credentials never name a mirror")
        #expect(!c.contains("abcd1234"))
        #expect(MirrorName.directoryName(for: "https://example.org/../../etc").contains("/") == false)
    }

    @Test func tokensGoOnlyToTheirHostOverASafeTransport() {
        let credentials = GitCredentials(tokens: ["GitHub.com": Secret("t1"), "127.0.0.1:8080": Secret("t2")])
        #expect(credentials.token(for: "github.com")?.value == "t1")
        #expect(credentials.token(for: "github.com:443")?.value == "t1")
        #expect(credentials.token(for: "127.0.0.1:8080")?.value == "t2")
        #expect(credentials.token(for: "127.0.0.1:9090") == nil)
        #expect(credentials.token(for: "evil.example") == nil)
        #expect(CallbackState.mayCarryToken(scheme: .https, host: "github.com"))
        #expect(CallbackState.mayCarryToken(scheme: .http, host: "127.0.0.1:8080"))
        #expect(!CallbackState.mayCarryToken(scheme: .http, host: "example.org"))
        #expect(!CallbackState.mayCarryToken(scheme: .git, host: "github.com"))
        #expect(GitCredentials.fromEnvironment(["GITHUB_TOKEN": "abc"]).token(for: "github.com")?.value == "abc")
        #expect(GitCredentials.fromEnvironment([:]).tokens.isEmpty)
    }

    @Test func refusesRefNamesThatAreNotPlainRefs() {
        #expect(throws: MirrorError.self) { try MirrorCache.validate(["master"]) }
        #expect(throws: MirrorError.self) { try MirrorCache.validate(["refs/heads/a:refs/heads/b"]) }
        #expect(throws: MirrorError.self) { try MirrorCache.validate(["refs/pull/*/head"]) }
        #expect(throws: MirrorError.self) { try MirrorCache.validate(["refs/heads/../x"]) }
        #expect(throws: Never.self) {
            try MirrorCache.validate(["refs/heads/v3.20", "refs/tags/*", "refs/pull/12/head", alpineCommit])
        }
    }

    @Test func dotDotSegmentsAreRefusedNamingTheURL() {
        for url in [
            "https://github.com/../secret.git", "https://github.com/a/../../b.git",
            "https://x-access-token:hunter2secret@github.com/a/../b.git",
            "https://github.com/%2e%2E/secret.git", "https://github.com/.%2e/secret.git",
            "https://github.com/..%2fsecret.git", "git@github.com:../x.git", "git://example.org/a/%2F..%2Fb",
            "file:///srv/mirrors/../secret.git",
        ] {
            do {
                _ = try RemoteLocation(url, isUserOwned: true)
                Issue.record("\(url) was accepted")
            } catch {
                guard case .invalidURL(let shown, let reason) = error else {
                    Issue.record("\(url): expected invalidURL, got \(error)")
                    continue
                }
                #expect(shown == Redaction.stripCredentials(url))
                #expect(reason.contains(".."), "\(reason)")
                #expect(!error.description.contains("hunter2secret"))
            }
        }
    }

    @Test func dotAndEmptySegmentsAreNormalisedAway() throws {
        let location = try RemoteLocation("https://github.com//alpinelinux/./docker-alpine.git")
        #expect(location.original == "https://github.com/alpinelinux/docker-alpine.git")
        #expect(location.effective == "https://github.com/alpinelinux/docker-alpine.git")
        let scp = try RemoteLocation("git@github.com:owner//./repo.git")
        #expect(scp.original == "git@github.com:owner/repo.git")
        // Normalised again after rewriting.
        let rewriter = URLRewriter(rules: [.init(from: "https://github.com/", to: "https://mirror.example/./github//")])
        let rewritten = try RemoteLocation("https://github.com/a/b.git", rewriter: rewriter)
        #expect(rewritten.effective == "https://mirror.example/github/a/b.git")
        // The same mirror either way.
        let cache = MirrorCache(directory: URL(fileURLWithPath: "/nonexistent"))
        #expect(
            cache.mirrorDirectory(for: location)
                == cache.mirrorDirectory(for: try RemoteLocation("https://github.com/alpinelinux/docker-alpine.git")))
    }

    /// A rewrite to a local folder is a fence: nothing a URL says reaches beside it.
    @Test func aLocalRewriteTargetIsAFence() async throws {
        let temp = try TemporaryDirectory("gitmirror-fence")
        let work = temp.appending("work")
        try GitRepositories.working(at: work, files: ["README": "hello\n"])
        for place in ["mirrors/ok.git", "secret.git", "mirrors.evil/x.git"] {
            try git(["clone", "--quiet", "--bare", work.path, temp.appending(place).path])
        }
        let mirrors = temp.appending("mirrors").path
        let rewriter = URLRewriter(rules: [
            .init(from: "https://github.com/", to: mirrors + "/"),
            .init(from: "https://gitlab.example", to: mirrors),
            .init(from: "https://example.org/", to: "file://" + mirrors + "/"),
        ])
        let cache = MirrorCache(directory: temp.appending("cache"), rewriter: rewriter)
        let ok = try await cache.fetch("https://github.com/ok.git", refs: ["refs/heads/main"])
        #expect(ok.updates.map(\.name) == ["refs/heads/main"])
        #expect(try await cache.fetch("https://gitlab.example/ok.git", refs: ["refs/heads/main"]).updates.count == 1)

        for url in [
            "https://github.com/../secret.git", "https://github.com/%2e%2e/secret.git",
            "https://example.org/../secret.git", "https://github.com/ok.git/../../secret.git",
        ] {
            await #expect(throws: MirrorError.self, "\(url)") {
                _ = try await cache.fetch(url, refs: ["refs/heads/main"])
            }
        }
        // The rule's target has no trailing "/": ".evil" would continue its last name.
        do {
            _ = try await cache.fetch("https://gitlab.example.evil/x.git", refs: ["refs/heads/main"])
            Issue.record("read beside the rewrite target")
        } catch let error as MirrorError {
            guard case .outsideRewriteTarget(let url, let path, let folder) = error else {
                Issue.record("expected outsideRewriteTarget, got \(error)")
                return
            }
            #expect(url == "https://gitlab.example.evil/x.git")
            #expect(path == temp.appending("mirrors.evil/x.git").path)
            #expect(folder == mirrors)
        }
        let cached = try FileManager.default.contentsOfDirectory(atPath: temp.appending("cache").path).filter {
            $0.hasSuffix(".git")
        }
        #expect(cached.count == 2, "only the two good fetches made mirrors: \(cached)")
    }
}
