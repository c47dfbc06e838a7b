import Testing
import TrackbotCore

@testable import Registry

/// Where Registry's copies of the authority parsing used to disagree with URLAuthority.
@Suite struct RegistrySharedHelperUseTests {
    @Test func authorityIsLowercasedWithoutUserinfoOrDefaultPort() {
        var rewriter = URLRewriter()
        rewriter.add(URLRewriter.Rule(from: "mirror", to: "https://User:Pw@Mirror.Example:443"))
        let ep = RegistryEndpoint(registry: "mirror", rewriter: rewriter)
        #expect(ep.authority == "mirror.example")
        #expect(RegistryEndpoint(registry: "localhost:5000").authority == "localhost:5000")
    }

    @Test func credentialKeysNormaliseLikeEndpoints() {
        #expect(CredentialStore.normalise("https://index.docker.io/v1/") == "index.docker.io")
        #expect(CredentialStore.normalise("Registry.Example:443") == "registry.example")
        #expect(CredentialStore.normalise("registry.example:5000") == "registry.example:5000")
        #expect(CredentialStore.canonical("Docker.IO") == "registry-1.docker.io")
    }

    @Test func loopbackIsNotAPrefix() {
        #expect(RegistryEndpoint(registry: "127.0.0.1:5000").baseURL == "http://127.0.0.1:5000")
        #expect(RegistryEndpoint(registry: "[::1]:5000").baseURL == "http://[::1]:5000")
        #expect(RegistryEndpoint(registry: "127.evil.example").baseURL == "https://127.evil.example")
    }

    @Test func realmOrigins() {
        #expect(Authenticator.origin("HTTPS://user:pw@Auth.Example:443/token?x") == "https://auth.example")
        #expect(Authenticator.origin("http://auth.example:8080/token") == "http://auth.example:8080")
        #expect(Authenticator.origin("ftp://auth.example/") == nil)
    }
}
