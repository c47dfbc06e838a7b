import Foundation
import HTTPTransport
import TestSupport
import Testing
import TrackbotCore

@testable import Registry

@Suite("References, endpoints, challenges, Retry-After, rate limits, credentials")
struct ParsingTests {
    @Test(
        arguments: [
            ("alpine", "docker.io", "library/alpine", "latest", nil),
            ("alpine:3.20", "docker.io", "library/alpine", "3.20", nil),
            ("docker.io/library/node:22-alpine", "docker.io", "library/node", "22-alpine", nil),
            ("index.docker.io/foo/bar:1", "docker.io", "foo/bar", "1", nil),
            ("ghcr.io/owner/repo:v1.2", "ghcr.io", "owner/repo", "v1.2", nil),
            ("127.0.0.1:5000/library/x:tag", "127.0.0.1:5000", "library/x", "tag", nil),
            ("localhost/thing", "localhost", "thing", "latest", nil),
            (
                "ubuntu@sha256:" + String(repeating: "a", count: 64), "docker.io", "library/ubuntu", nil,
                "sha256:" + String(repeating: "a", count: 64)
            ),
            (
                "ubuntu:22.04@sha256:" + String(repeating: "b", count: 64), "docker.io", "library/ubuntu", "22.04",
                "sha256:" + String(repeating: "b", count: 64)
            ),
        ] as [(String, String, String, String?, String?)])
    func references(text: String, registry: String, repository: String, tag: String?, digest: String?) throws {
        let ref = try ImageReference(parsing: text)
        #expect(ref.registry == registry)
        #expect(ref.repository == repository)
        #expect(ref.tag == tag)
        #expect(ref.digest?.description == digest)
    }

    @Test(arguments: ["Alpine:3", "alpine:", "alpine@sha256:abc", "-bad/name", "a//b", "alpine:-x"])
    func invalidReferences(text: String) {
        #expect(throws: RegistryError.self) { try ImageReference(parsing: text) }
    }

    @Test func endpointsAndRewrites() throws {
        #expect(RegistryEndpoint(registry: "docker.io").baseURL == "https://registry-1.docker.io")
        #expect(RegistryEndpoint(registry: "ghcr.io").baseURL == "https://ghcr.io")
        #expect(RegistryEndpoint(registry: "127.0.0.1:5000").baseURL == "http://127.0.0.1:5000")
        var rewriter = URLRewriter()
        rewriter.add(try URLRewriter.parseRule("docker.io=http://127.0.0.1:5000/"))
        rewriter.add(try URLRewriter.parseRule("https://ghcr.io=https://mirror.example:8443"))
        #expect(RegistryEndpoint(registry: "docker.io", rewriter: rewriter).baseURL == "http://127.0.0.1:5000")
        #expect(RegistryEndpoint(registry: "docker.io", rewriter: rewriter).authority == "127.0.0.1:5000")
        #expect(RegistryEndpoint(registry: "ghcr.io", rewriter: rewriter).baseURL == "https://mirror.example:8443")
        #expect(RegistryEndpoint(registry: "quay.io", rewriter: rewriter).baseURL == "https://quay.io")
        #expect(
            RegistryEndpoint(registry: "docker.io.example", rewriter: rewriter).baseURL == "https://docker.io.example")
    }

    @Test func challenges() throws {
        let c = try #require(
            Challenge(
                header:
                    #"Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/alpine:pull""#
            ))
        #expect(c.isBearer)
        #expect(c.realm == "https://auth.docker.io/token")
        #expect(c.service == "registry.docker.io")
        #expect(c.parameters["scope"] == "repository:library/alpine:pull")
        let b = try #require(Challenge(header: #"Basic realm="Registry Realm""#))
        #expect(b.isBasic && b.realm == "Registry Realm")
        let odd = try #require(Challenge(header: #"bearer realm=https://a/token, service="x\"y""#))
        #expect(odd.isBearer && odd.realm == "https://a/token" && odd.service == "x\"y")
    }

    @Test func retryAfter() throws {
        #expect(RetryPolicy.retryAfter("7") == 7)
        #expect(RetryPolicy.retryAfter(" 0 ") == 0)
        #expect(RetryPolicy.retryAfter(nil) == nil)
        #expect(RetryPolicy.retryAfter("soon") == nil)
        let now = Date(timeIntervalSince1970: 1_445_412_480)  // Wed, 21 Oct 2015 07:28:00 GMT
        #expect(RetryPolicy.retryAfter("Wed, 21 Oct 2015 07:28:30 GMT", now: now) == 30)
        #expect(RetryPolicy.retryAfter("Wed, 21 Oct 2015 07:27:00 GMT", now: now) == 0)
        let policy = RetryPolicy(baseDelay: 1, maxDelay: 5)
        for attempt in 1...6 {
            let d = policy.backoff(after: attempt)
            let full = min(5, pow(2, Double(attempt - 1)))
            #expect(d >= full / 2 && d <= full)
        }
    }

    @Test func rateLimitHeaders() throws {
        let r = try #require(RateLimit(limit: "100;w=21600", remaining: "76;w=21600"))
        #expect(r.limit == 100 && r.remaining == 76 && r.window == 21600)
        #expect(RateLimit(limit: nil, remaining: "5")?.remaining == 5)
        #expect(RateLimit(limit: "100", remaining: nil) == nil)
    }

    @Test func dockerConfigAuths() throws {
        let dir = try TemporaryDirectory("trackbot-creds")
        let path = dir.appending("config.json").path
        let auth = Data("alice:pa:ss".utf8).base64EncodedString()
        try Data(
            #"{"auths":{"https://index.docker.io/v1/":{"auth":"\#(auth)"},"ghcr.io":{"username":"bob","password":"tok"}},"credsStore":"desktop"}"#
                .utf8
        )
        .write(to: URL(fileURLWithPath: path))
        let store = try CredentialStore.fromEnvironment(["DOCKER_CONFIG": dir.path])
        #expect(store.credentials(for: "registry-1.docker.io")?.username == "alice")
        #expect(store.credentials(for: "registry-1.docker.io")?.password.value == "pa:ss")
        #expect(store.credentials(for: "ghcr.io")?.username == "bob")
        #expect(store.credentials(for: "quay.io") == nil)
        #expect("\(store.credentials(for: "ghcr.io")!)".contains("tok") == false)
        // Only the configured registry (docker.io by default) gets any: ghcr.io's entry stays home.
        let none = URLRewriter()
        #expect(store.credentials(for: RegistryEndpoint(registry: "docker.io"), rewriter: none)?.username == "alice")
        #expect(store.credentials(for: RegistryEndpoint(registry: "ghcr.io"), rewriter: none) == nil)
        let ghcr = try CredentialStore.fromEnvironment(["DOCKER_CONFIG": dir.path], registry: "ghcr.io")
        #expect(ghcr.credentials(for: RegistryEndpoint(registry: "ghcr.io"), rewriter: none)?.username == "bob")
        // Environment variables win, for the registry TRACKBOT_REGISTRY_HOST names when it is set.
        let scoped = try CredentialStore.fromEnvironment([
            "DOCKER_CONFIG": dir.path, "TRACKBOT_REGISTRY_USER": "ci",
            "TRACKBOT_REGISTRY_PASSWORD": "pw", "TRACKBOT_REGISTRY_HOST": "quay.io",
        ])
        #expect(scoped.credentials(for: RegistryEndpoint(registry: "quay.io"), rewriter: none)?.username == "ci")
        #expect(scoped.credentials(for: RegistryEndpoint(registry: "ghcr.io"), rewriter: none) == nil)
        #expect(scoped.credentials(for: RegistryEndpoint(registry: "docker.io"), rewriter: none) == nil)
        // A broken file is an error naming it, not a silent anonymous pull.
        try Data("{not json".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: CredentialError.self) { try CredentialStore.fromEnvironment(["DOCKER_CONFIG": dir.path]) }
    }

    @Test func attestationsAreSplitFromPlatforms() throws {
        let a = StreamingHasher.digest(Data("a".utf8)), b = StreamingHasher.digest(Data("b".utf8)),
            att = StreamingHasher.digest(Data("att".utf8))
        let index = ImageIndex(
            schemaVersion: 2, mediaType: MediaType.ociIndex,
            manifests: [
                Descriptor(
                    mediaType: MediaType.ociManifest, digest: a, size: 10,
                    platform: DescriptorPlatform(architecture: "amd64", os: "linux")),
                Descriptor(
                    mediaType: MediaType.ociManifest, digest: b, size: 11,
                    platform: DescriptorPlatform(architecture: "arm64", os: "linux")),
                Descriptor(
                    mediaType: MediaType.ociManifest, digest: att, size: 12,
                    platform: DescriptorPlatform(architecture: "unknown", os: "unknown"),
                    annotations: [
                        AnnotationKey.referenceType: AnnotationKey.attestationManifest,
                        AnnotationKey.referenceDigest: b.description,
                    ]),
            ], annotations: nil)
        let (platforms, attestations) = try RegistryClient.split(index, registry: "r", reference: "x")
        #expect(platforms.map(\.bashbrewArch) == ["amd64", "arm64v8"])
        #expect(attestations.map(\.references) == [b])
        var broken = index
        broken.manifests[2].annotations?[AnnotationKey.referenceDigest] = nil
        #expect(throws: RegistryError.self) { try RegistryClient.split(broken, registry: "r", reference: "x") }
    }

    /// The distribution spec's tag list pages: `Link: <PATH?n=N&last=T>; rel="next"`. A relative
    /// path is followed, an absolute URL only on the registry's own base; any other link (another
    /// host, another relation) is not.
    @Test func distributionSpec_tagsList_linkNextPage() {
        let base = "https://registry.example"
        #expect(
            RegistryClient.nextPage(#"</v2/o/r/tags/list?n=2&last=b>; rel="next""#, base: base)
                == "/v2/o/r/tags/list?n=2&last=b")
        #expect(
            RegistryClient.nextPage(#"<https://registry.example/v2/o/r/tags/list?last=b>; rel="next""#, base: base)
                == "/v2/o/r/tags/list?last=b")
        #expect(
            RegistryClient.nextPage(#"<https://elsewhere.example/v2/o/r/tags/list?last=b>; rel="next""#, base: base)
                == nil)
        #expect(RegistryClient.nextPage(#"<https://registry.example.evil/v2/x>; rel="next""#, base: base) == nil)
        #expect(RegistryClient.nextPage(#"</v2/o/r/tags/list?last=a>; rel="prev""#, base: base) == nil)
    }
}
