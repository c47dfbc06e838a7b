import Foundation
import HTTPTransport
import TestSupport
import Testing
import TrackbotCore

@testable import Registry

/// Registry credentials go to the configured registry and its own token realm, never to a
/// registry or realm that someone else's file or answer names, and never come back out in a
/// message, whatever form a server echoes them in.
@Suite("credential scope, realms, echoed secrets, escape sequences", .serialized)
struct CredentialScopeTests {
    @Test func aRegistryOtherThanTheConfiguredOneIsAskedAnonymously() async throws {
        let world = try await RegistryWorld.shared()
        // Another registry that asks for Basic credentials, named the way a Dockerfile's FROM
        // would name it.
        let other = try await FaultProxy.start(upstream: world.registry.url, workDirectory: world.directory.url)
        try other.rules(
            #"[{"action":"status","status":401,"anonymous":true,"match":"/v2/","headers":{"WWW-Authenticate":"Basic realm=\"other\""}}]"#
        )
        // Credentials from the environment (no TRACKBOT_REGISTRY_HOST), and a docker config
        // that even has an entry for the other registry.
        let dockerDir = world.directory.appending("docker-config")
        try FileManager.default.createDirectory(at: dockerDir, withIntermediateDirectories: true)
        let entry = Data("someone:docker-config-pw".utf8).base64EncodedString()
        try Data(#"{"auths":{"\#(other.host)":{"auth":"\#(entry)"}}}"#.utf8).write(
            to: dockerDir.appendingPathComponent("config.json"))
        let store = try CredentialStore.fromEnvironment([
            "TRACKBOT_REGISTRY_USER": "bot", "TRACKBOT_REGISTRY_PASSWORD": "env-pw-123",
            "DOCKER_CONFIG": dockerDir.path,
        ])
        let client = RegistryWorld.client(world.registry.url, credentials: store)
        #expect(try await client.resolve("multi:1.0").digest == world.images.multiIndex)
        do {
            _ = try await client.resolve("\(other.host)/library/multi:1.0")
            Issue.record("expected the other registry to refuse an anonymous client")
        } catch let error as RegistryError {
            guard case .unauthorized(_, _, let detail) = error else {
                Issue.record("wrong error \(error)")
                return
            }
            #expect(detail.contains("none are configured"), "\(detail)")
        }
        let seen = try other.requests()
        #expect(!seen.isEmpty)
        #expect(seen.allSatisfy { !$0.authorization }, "\(seen)")
    }

    @Test func aRealmOnAnotherOriginOverHTTPNeverReceivesThePassword() async throws {
        let password = "realm-Pa55word-x"
        let t = try await TokenWorld(user: "bot", password: password, realm: .recorded)
        let store = try CredentialStore.fromEnvironment([
            "TRACKBOT_REGISTRY_USER": "bot", "TRACKBOT_REGISTRY_PASSWORD": password,
            "HOME": t.world.directory.path,
        ])
        let client = RegistryWorld.client(t.url, credentials: store)
        do {
            _ = try await client.resolve("multi:1.0")
            Issue.record("expected the token service to refuse an anonymous token request")
        } catch let error as RegistryError {
            guard case .authenticationFailed(_, _, let status, let detail) = error else {
                Issue.record("wrong error \(error)")
                return
            }
            #expect(status == 401)
            #expect(!error.description.contains(password))
            // The message says why the credentials stayed home.
            #expect(detail.contains("not sent"), "\(detail)")
        }
        let asked = try #require(t.realmProxy).requests().filter { $0.path.hasPrefix("/token") }
        #expect(!asked.isEmpty)
        #expect(asked.allSatisfy { !$0.authorization }, "\(asked)")
    }

    @Test func anEchoingServerHasTheCredentialsScrubbedInEveryForm() async throws {
        let world = try await RegistryWorld.shared()
        let proxy = try await FaultProxy.start(upstream: world.registry.url, workDirectory: world.directory.url)
        try proxy.rules(
            #"[{"action":"status","status":401,"anonymous":true,"match":"/v2/","headers":{"WWW-Authenticate":"Basic realm=\"echo\""}},{"action":"echo-auth","match":"/v2/"}]"#
        )
        let user = "bot", password = "s3cret pa/ss+wörd"
        let store = CredentialStore(entries: [
            proxy.host: RegistryCredentials(username: user, password: Secret(password))
        ])
        let client = RegistryWorld.client(proxy.url, credentials: store)
        var unreserved = CharacterSet.alphanumerics
        unreserved.insert(charactersIn: "-._~")
        let pair = "\(user):\(password)"
        let forms = [
            pair, password, Data(password.utf8).base64EncodedString(),
            password.addingPercentEncoding(withAllowedCharacters: unreserved)!,
            Data(pair.utf8).base64EncodedString(),
        ]
        do {
            _ = try await client.manifest(ImageReference(parsing: "multi:1.0"))
            Issue.record("expected the echoing server's 403")
        } catch {
            let text = "\(error)"
            #expect(text.contains("403") && text.contains("you sent"), "\(text)")
            for form in forms { #expect(!text.contains(form), "\(form) in \(text)") }
        }
    }

    @Test func escapeSequencesInARegistryErrorBodyNeverReachTheMessage() async throws {
        let world = try await RegistryWorld.shared()
        let proxy = try await FaultProxy.start(upstream: world.registry.url, workDirectory: world.directory.url)
        let body = "nope\u{1B}[2J\u{1B}[32mall images verified OK\u{1B}[0m\u{1B}]0;pwned\u{07}\u{9B}31m\r\nnext"
        let rules: [[String: Any]] = [
            [
                "action": "status", "status": 418, "match": "/manifests/", "body": body,
                "headers": ["X-Note": "fine"],
            ]
        ]
        try proxy.rules(String(decoding: try JSONSerialization.data(withJSONObject: rules), as: UTF8.self))
        let client = RegistryWorld.client(proxy.url)
        do {
            _ = try await client.headDigest(ImageReference(parsing: "multi:1.0"))
            Issue.record("expected 418")
        } catch {
            let text = "\(error)"
            #expect(text.contains("418"))
            #expect(
                !text.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) },
                "\(text.debugDescription)")
        }
        // A GET has the body: the same holds.
        do {
            _ = try await client.manifest(ImageReference(parsing: "multi:1.0"))
            Issue.record("expected 418")
        } catch {
            let text = "\(error)"
            #expect(text.contains("all images verified OK"), "\(text)")
            #expect(
                !text.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) },
                "\(text.debugDescription)")
        }
    }

    @Test func whichRealmsMayReceiveCredentials() {
        let registry = RegistryEndpoint(registry: "registry.example")
        let local = RegistryEndpoint(registry: "127.0.0.1:5000")
        let allowed = ["https://auth.example"]
        // The registry's own origin, default ports folded.
        #expect(
            Authenticator.realmMayReceiveCredentials("https://registry.example/token", endpoint: registry, allowed: []))
        #expect(
            Authenticator.realmMayReceiveCredentials(
                "https://registry.example:443/token", endpoint: registry, allowed: []))
        #expect(Authenticator.realmMayReceiveCredentials("http://127.0.0.1:5000/token", endpoint: local, allowed: []))
        // Another origin: https and listed, nothing else.
        #expect(
            Authenticator.realmMayReceiveCredentials(
                "https://auth.example/token?x=1", endpoint: registry, allowed: allowed))
        #expect(
            !Authenticator.realmMayReceiveCredentials("https://auth.example/token", endpoint: registry, allowed: []))
        #expect(
            !Authenticator.realmMayReceiveCredentials(
                "http://auth.example/token", endpoint: registry, allowed: ["http://auth.example"]))
        #expect(
            !Authenticator.realmMayReceiveCredentials(
                "https://auth.example:8443/token", endpoint: registry, allowed: allowed))
        #expect(
            !Authenticator.realmMayReceiveCredentials(
                "https://evil.example/token", endpoint: registry, allowed: allowed))
        #expect(
            !Authenticator.realmMayReceiveCredentials(
                "http://127.0.0.1:5001/token", endpoint: local, allowed: ["http://127.0.0.1:5001"]))
        #expect(
            !Authenticator.realmMayReceiveCredentials(
                "https://registry.example@evil.example/token", endpoint: registry, allowed: []))
        // Docker Hub's token service is trusted for Docker Hub by default, and only there.
        let hub = CredentialStore(entries: [:])
        #expect(hub.credentialRealms(rewriter: URLRewriter()) == [CredentialStore.dockerHubRealm])
        #expect(CredentialStore(entries: [:], registry: "ghcr.io").credentialRealms(rewriter: URLRewriter()).isEmpty)
    }
}
