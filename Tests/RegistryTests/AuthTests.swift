import Foundation
import HTTPTransport
import TestSupport
import Testing
import TrackbotCore

@testable import Registry

/// A token-auth registry (sharing storage with an open one that skopeo filled) and its token server.
final class TokenWorld: @unchecked Sendable {
    /// Where the registry's challenge sends clients for tokens.
    enum Realm {
        /// The token server itself: another origin (another port), over http.
        case direct
        /// A recording proxy in front of the token server (`realmProxy`): another origin, over
        /// http, whose log tells whether a request carried `Authorization`.
        case recorded
        /// `/token` on a proxy in front of the registry (`front`): the registry's own origin.
        case sameOrigin
    }

    let world: RegistryWorld
    let tokens: TokenServer
    let registry: LocalRegistry
    /// `.recorded`: the proxy the realm names.
    let realmProxy: FaultProxy?
    /// `.sameOrigin`: the proxy serving both the registry and its realm.
    let front: FaultProxy?
    /// What clients should point `docker.io` at.
    var url: String { front?.url ?? registry.url }
    var host: String { front?.host ?? registry.host }

    /// The registry world is the suite-wide shared one (read only); the token server, the
    /// token-auth registry on its storage and the proxies are this test's own.
    init(user: String? = nil, password: String? = nil, expiresIn: String = "300", realm: Realm = .direct) async throws {
        world = try await RegistryWorld.shared()
        let work = world.directory.url
        tokens = try await TokenServer.start(workDirectory: work, user: user, password: password, expiresIn: expiresIn)
        // The realm must name the proxy before the registry (its upstream) runs: its port is
        // chosen here, and all is started again on another one if another process took it first.
        var attempt = 0
        while true {
            attempt += 1
            var auth = tokens.auth
            let proxyPort = realm == .direct ? nil : try freePort()
            if let proxyPort { auth.realm = "http://127.0.0.1:\(proxyPort)/token" }
            let registry = try await LocalRegistry.start(
                root: world.directory.appending("storage"), workDirectory: work, auth: auth)
            do {
                let realmProxy =
                    realm == .recorded
                    ? try await FaultProxy.start(upstream: tokens.url, port: proxyPort, workDirectory: work) : nil
                let front =
                    realm == .sameOrigin
                    ? try await FaultProxy.start(
                        upstream: registry.url, tokenUpstream: tokens.url, port: proxyPort, workDirectory: work) : nil
                (self.registry, self.realmProxy, self.front) = (registry, realmProxy, front)
                return
            } catch let error as TestSupportError where attempt < 5 {
                // Exited before it listened: another process took the port first.
                guard case .commandFailed = error else { throw error }
                registry.stop()
            }
        }
    }
}

@Suite("Bearer tokens, credentials and re-authentication", .serialized)
struct AuthTests {
    @Test func anonymousTokenFlowCachesOneTokenPerScope() async throws {
        let t = try await TokenWorld()
        let client = RegistryWorld.client(t.registry.url)
        try await client.ping(registry: "docker.io")
        let image = try await client.resolve("multi:1.0")
        #expect(image.digest == t.world.images.multiIndex)
        _ = try await client.headDigest(ImageReference(parsing: "multi:1.0"))
        _ = try await client.resolve("dockerlist:1.0")
        // The ping (no scope), library/multi and library/dockerlist: one token each, reused until it expires.
        #expect(try t.tokens.counts().issued == 3)
        client.requests.reset()
        _ = try await client.headDigest(ImageReference(parsing: "multi:1.0"))
        #expect(client.requests.snapshot == ["HEAD manifest": 1])
    }

    @Test func tokensAreRenewedAfterExpiresIn() async throws {
        let t = try await TokenWorld(expiresIn: "10")
        let client = RegistryWorld.client(t.registry.url)
        let start = Date()
        _ = try await client.headDigest(ImageReference(parsing: "multi:1.0"))
        _ = try await client.headDigest(ImageReference(parsing: "multi:1.0"))
        // On a CI machine running every suite at once two requests can take longer than the token
        // lives; the reuse is only asserted when they did not.
        let quick = Date().timeIntervalSince(start) < 8
        let before = try t.tokens.counts().issued
        if quick { #expect(before == 1) }
        // Every token issued so far has expired 10.5 s from now: the next request needs a new one.
        try await Task.sleep(nanoseconds: 10_500_000_000)
        _ = try await client.headDigest(ImageReference(parsing: "multi:1.0"))
        #expect(try t.tokens.counts().issued == before + 1)
    }

    @Test func credentialsFromEnvironmentAndDockerConfig() async throws {
        let password = "s3cret-Pa55word"
        // The realm is on the registry's origin: the one place besides the registry itself that
        // receives the credentials without a setting.
        let t = try await TokenWorld(user: "bot", password: password, realm: .sameOrigin)
        // Anonymous: the token service refuses, and the error says so without any secret.
        let anonymous = RegistryWorld.client(t.url)
        do {
            _ = try await anonymous.resolve("multi:1.0")
            Issue.record("expected the token service to refuse")
        } catch let error as RegistryError {
            guard case .authenticationFailed(_, _, let status, _) = error else {
                Issue.record("wrong error \(error)")
                return
            }
            #expect(status == 401)
        }
        // Environment variables.
        let fromEnv = try CredentialStore.fromEnvironment([
            "TRACKBOT_REGISTRY_USER": "bot", "TRACKBOT_REGISTRY_PASSWORD": password,
            "HOME": t.world.directory.path,
        ])
        let image = try await RegistryWorld.client(t.url, credentials: fromEnv).resolve("multi:1.0")
        #expect(image.digest == t.world.images.multiIndex)
        // docker config.json `auths`, keyed by the host actually contacted, in DOCKER_CONFIG.
        let dockerDir = t.world.directory.appending("docker-config")
        try FileManager.default.createDirectory(at: dockerDir, withIntermediateDirectories: true)
        let auth = Data("bot:\(password)".utf8).base64EncodedString()
        try Data(#"{"auths":{"\#(t.host)":{"auth":"\#(auth)"}}}"#.utf8).write(
            to: dockerDir.appendingPathComponent("config.json"))
        let fromFile = try CredentialStore.fromEnvironment(["DOCKER_CONFIG": dockerDir.path])
        #expect(fromFile.credentials(for: t.host)?.username == "bot")
        #expect(fromFile.credentials(for: "127.0.0.1:1") == nil)
        let again = try await RegistryWorld.client(t.url, credentials: fromFile).resolve("dockerlist:1.0")
        #expect(again.digest == t.world.images.dockerList)
        // A wrong password: refused, and neither password shows in the message.
        let wrong = CredentialStore(
            entries: [:], fromVariables: RegistryCredentials(username: "bot", password: Secret("wrong-Pa55word")))
        do {
            _ = try await RegistryWorld.client(t.url, credentials: wrong).resolve("multi:1.0")
            Issue.record("expected a refusal")
        } catch {
            let text = "\(error)"
            #expect(!text.contains("wrong-Pa55word") && !text.contains(password))
            #expect(!text.contains(Data("bot:wrong-Pa55word".utf8).base64EncodedString()))
        }
    }

    @Test func aTokenRefusedMidRunIsRenewedOnce() async throws {
        let t = try await TokenWorld()
        let proxy = try await FaultProxy.start(upstream: t.registry.url, workDirectory: t.world.directory.url)
        let client = RegistryWorld.client(proxy.url)
        _ = try await client.resolve("multi:1.0")
        #expect(try t.tokens.counts().issued == 1)
        // The registry now refuses every token it has seen so far (as if they expired early).
        try proxy.rules(#"[{"action":"expire","match":"/manifests/"}]"#)
        let head = try await client.headDigest(ImageReference(parsing: "multi:1.0"))
        #expect(head.digest == t.world.images.multiIndex)
        #expect(try t.tokens.counts().issued == 2)
        // A registry that refuses every token: exactly one re-authentication, then a clear error.
        try proxy.rules(
            #"[{"action":"status","status":401,"match":"/manifests/","headers":{"WWW-Authenticate":"Bearer realm=\"\#(t.tokens.realm)\",service=\"\#(t.tokens.service)\""}}]"#
        )
        let before = try proxy.requests().count
        do {
            _ = try await client.headDigest(ImageReference(parsing: "multi:1.0"))
            Issue.record("expected unauthorized")
        } catch let error as RegistryError {
            guard case .unauthorized = error else {
                Issue.record("wrong error \(error)")
                return
            }
            #expect(error.description.contains("HEAD /v2/library/multi/manifests/1.0"))
        }
        #expect(try proxy.requests().count - before == 2)
        #expect(try t.tokens.counts().issued == 3)
    }

    @Test func authorizationDoesNotFollowARedirectToAnotherHost() async throws {
        let t = try await TokenWorld()
        // Blob requests redirect to "localhost" on the same port (another host name), which serves
        // them from the open registry, as a CDN would.
        let proxy = try await FaultProxy.start(
            upstream: t.registry.url, cdnUpstream: t.world.registry.url, workDirectory: t.world.directory.url)
        try proxy.rules(#"[{"action":"redirect","match":"/blobs/","target":"http://localhost:\#(proxy.port)/__cdn"}]"#)
        let client = RegistryWorld.client(proxy.url)
        let ref = try ImageReference(parsing: "multi@\(t.world.images.multiPlatforms["amd64"]!)")
        let manifest = try #require(try await client.manifest(ref).image)
        let config = try await client.config(for: manifest, in: ref)
        #expect(config.architecture == "amd64")
        let seen = try proxy.requests()
        let blobAsk = try #require(
            seen.first { $0.path.contains("/blobs/") && !$0.path.hasPrefix("/__cdn") && $0.authorization })
        #expect(blobAsk.host.hasPrefix("127.0.0.1"))
        let cdn = seen.filter { $0.path.hasPrefix("/__cdn/") }
        #expect(!cdn.isEmpty)
        #expect(cdn.allSatisfy { $0.host.hasPrefix("localhost") && !$0.authorization })

        // Another port on the same address is another origin too.
        let other = try await FaultProxy.start(upstream: t.world.registry.url, workDirectory: t.world.directory.url)
        try proxy.rules(#"[{"action":"redirect","match":"/blobs/","target":"http://127.0.0.1:\#(other.port)"}]"#)
        let fresh = RegistryWorld.client(proxy.url)
        let bytes = try await fresh.blobBytes(ref.at(manifest.config.digest))
        #expect(StreamingHasher.digest(bytes) == manifest.config.digest)
        let otherSeen = try other.requests()
        #expect(!otherSeen.isEmpty && otherSeen.allSatisfy { !$0.authorization })
    }

    @Test func basicAuthWhenTheRegistryAsksForIt() async throws {
        let world = try await RegistryWorld.shared()
        let proxy = try await FaultProxy.start(upstream: world.registry.url, workDirectory: world.directory.url)
        try proxy.rules(
            #"[{"action":"status","status":401,"anonymous":true,"match":"/v2/","headers":{"WWW-Authenticate":"Basic realm=\"test\""}}]"#
        )
        let anonymous = RegistryWorld.client(proxy.url)
        do {
            _ = try await anonymous.headDigest(ImageReference(parsing: "multi:1.0"))
            Issue.record("expected unauthorized")
        } catch let error as RegistryError {
            guard case .unauthorized(_, _, let detail) = error else {
                Issue.record("wrong error \(error)")
                return
            }
            #expect(detail.contains("none are configured"))
        }
        let store = CredentialStore(entries: [
            proxy.host: RegistryCredentials(username: "u", password: Secret("basic-pw-123"))
        ])
        let client = RegistryWorld.client(proxy.url, credentials: store)
        let head = try await client.headDigest(ImageReference(parsing: "multi:1.0"))
        #expect(head.digest == world.images.multiIndex)
        let seen = try proxy.requests().filter { $0.method == "HEAD" }
        #expect(seen.map(\.authorization) == [false, false, true])
    }

    @Test func anHTTPSRegistryRefusesAPlainHTTPRealm() async throws {
        let endpoint = RegistryEndpoint(registry: "registry.example")
        #expect(endpoint.baseURL == "https://registry.example")
        let auth = Authenticator(endpoint: endpoint, credentials: nil, http: HTTPClient(), counter: RequestCounter())
        let headers = HTTPHeaders([
            ("WWW-Authenticate", #"Bearer realm="http://auth.example/token",service="registry.example""#)
        ])
        await #expect(
            throws: RegistryError.insecureRealm(registry: "registry.example", realm: "http://auth.example/token")
        ) {
            try await auth.learn(from: headers)
        }
        let fine = HTTPHeaders([
            ("WWW-Authenticate", #"Bearer realm="https://auth.example/token",service="registry.example""#)
        ])
        try await auth.learn(from: fine)
    }
}
