import Foundation
import TestSupport
import Testing
import TrackbotCore

@testable import HTTPTransport
@testable import Registry

@Suite("HTTPTransport on libcurl, against a real registry and the fault proxy", .serialized)
struct TransportTests {
    @Test func headersAreCaseInsensitive() {
        var h = HTTPHeaders([
            ("Docker-Content-Digest", "sha256:x"), ("www-authenticate", "a"), ("WWW-Authenticate", "b"),
        ])
        #expect(h["docker-content-digest"] == "sha256:x")
        #expect(h.values("Www-Authenticate") == ["a", "b"])
        h.set("DOCKER-CONTENT-DIGEST", "y")
        #expect(h["Docker-Content-Digest"] == "y" && h.values("docker-content-digest").count == 1)
    }

    @Test func redirectsAreFollowedAndCredentialsStayHome() async throws {
        let world = try await RegistryWorld.shared()
        let proxy = try await FaultProxy.start(upstream: world.registry.url, workDirectory: world.directory.url)
        let http = HTTPClient()
        let secret = Secret("tr4ckb0t-t0ken")
        let path = "/v2/library/multi/manifests/\(world.images.multiIndex)"
        // Same origin: Authorization is kept.
        try proxy.rules(
            #"[{"action":"redirect","times":1,"match":"/manifests/","target":"http://127.0.0.1:\#(proxy.port)/__cdn"}]"#
        )
        var request = HTTPRequest(.get, proxy.url + path, headers: HTTPHeaders([("Accept", MediaType.ociIndex)]))
        request.authorize("Bearer", secret)
        let same = try await http.send(request)
        #expect(same.status == 200 && same.redirects == 1)
        #expect(same.finalURL == proxy.url + "/__cdn" + path)
        #expect(StreamingHasher.digest(same.body) == world.images.multiIndex)
        #expect(same.headers["content-length"] == String(same.body.count))
        // Another host name: dropped.
        try proxy.rules(
            #"[{"action":"redirect","times":1,"match":"/manifests/","target":"http://localhost:\#(proxy.port)/__cdn"}]"#
        )
        let other = try await http.send(request)
        #expect(other.status == 200 && other.finalURL.hasPrefix("http://localhost:"))
        let cdn = try proxy.requests().filter { $0.path.hasPrefix("/__cdn/") }
        #expect(cdn.map(\.authorization) == [true, false])
        // A redirect loop ends.
        try proxy.rules(#"[{"action":"redirect","match":"/manifests/","target":"http://127.0.0.1:\#(proxy.port)"}]"#)
        await #expect(throws: HTTPError.tooManyRedirects(method: "GET", url: proxy.url + path, limit: 10)) {
            _ = try await http.send(request)
        }
    }

    @Test func connectionsAreReused() async throws {
        let world = try await RegistryWorld.shared()
        let http = HTTPClient()
        let url = "\(world.registry.url)/v2/"
        let first = try await http.send(HTTPRequest(.get, url))
        #expect(first.status == 200 && first.newConnections == 1)
        for _ in 0..<5 {
            let again = try await http.send(HTTPRequest(.head, url))
            #expect(again.status == 200 && again.newConnections == 0)
        }
        // Eight at once: at most eight connections, and afterwards they are all reused.
        let opened = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<16 { group.addTask { try await http.send(HTTPRequest(.get, url)).newConnections } }
            return try await group.reduce(0, +)
        }
        #expect(opened <= 8)
    }

    @Test func bodiesStreamToTheSinkAndAreCapped() async throws {
        let world = try await RegistryWorld.shared()
        let proxy = try await FaultProxy.start(upstream: world.registry.url, workDirectory: world.directory.url)
        let http = HTTPClient()
        let url = "\(proxy.url)/v2/library/multi/manifests/1.0"
        let box = BytesBox()
        let streamed = try await http.stream(
            HTTPRequest(.get, url, headers: HTTPHeaders([("Accept", MediaType.ociIndex)]))
        ) { box.append($0) }
        #expect(streamed.body.isEmpty)
        #expect(StreamingHasher.digest(box.data) == world.images.multiIndex)
        // A small cap aborts the transfer.
        await #expect(throws: HTTPError.bodyTooLarge(method: "GET", url: url, limit: 100)) {
            _ = try await http.send(
                HTTPRequest(.get, url, headers: HTTPHeaders([("Accept", MediaType.ociIndex)]), bodyLimit: 100))
        }
        // Error bodies are collected (capped), never sent to the sink.
        let missing = try await http.stream(HTTPRequest(.get, "\(proxy.url)/v2/library/multi/manifests/none")) { _ in
            Issue.record("an error body reached the sink")
        }
        #expect(missing.status == 404 && missing.bodyText().contains("MANIFEST_UNKNOWN"))
    }

    @Test func credentialsNeverAppearInErrors() async throws {
        let closed = try ClosedPort()  // nothing listens here, and nothing can start to
        defer { withExtendedLifetime(closed) {} }  // held until the test ends
        let port = closed.port
        var request = HTTPRequest(
            .get, "http://user:hunter2pass@127.0.0.1:\(port)/v2/", connectTimeout: 2, totalTimeout: 3)
        request.authorize("Bearer", Secret("sekr1t-bearer"))
        do {
            _ = try await HTTPClient().send(request)
            Issue.record("expected a connection failure")
        } catch let error as HTTPError {
            let text = error.description
            #expect(text.contains("127.0.0.1:\(port)"))
            #expect(!text.contains("hunter2pass") && !text.contains("sekr1t-bearer") && !text.contains("user:"))
            #expect(error.isRetryable)
        }
        await #expect(throws: HTTPError.invalidURL("ftp://host/x")) {
            _ = try await HTTPClient().send(HTTPRequest(.get, "ftp://host/x"))
        }
    }

    @Test func certificatesAreVerified() async throws {
        let dir = try TemporaryDirectory("trackbot-tls")
        let openssl = try registryTool("openssl", package: "openssl")
        try await runAsync(
            openssl,
            [
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1", "-days", "1",
                "-keyout", dir.appending("key.pem").path, "-out", dir.appending("cert.pem").path,
            ])
        let script = """
            import http.server, ssl
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain("\(dir.appending("cert.pem").path)", "\(dir.appending("key.pem").path)")
            s = http.server.HTTPServer(("127.0.0.1", 0), http.server.SimpleHTTPRequestHandler)
            print("listening on 127.0.0.1:%d" % s.server_address[1], flush=True)
            s.socket = ctx.wrap_socket(s.socket, server_side=True)
            s.serve_forever()
            """
        let server = try await ServerProcess.start(
            name: "tls", executable: registryTool("python3", package: "python3"), arguments: ["-c", script],
            port: 0, cwd: dir.url, logDirectory: dir.url,
            readiness: .announcedPort(prefix: "listening on 127.0.0.1:"))
        defer { server.stop() }
        let port = server.port
        do {
            _ = try await HTTPClient().send(
                HTTPRequest(.get, "https://127.0.0.1:\(port)/", connectTimeout: 5, totalTimeout: 10))
            Issue.record("a self-signed certificate was accepted")
        } catch let error as HTTPError {
            guard case .transport(_, _, let code, _) = error else {
                Issue.record("wrong error \(error)")
                return
            }
            #expect(code == 60)  // CURLE_PEER_FAILED_VERIFICATION
            #expect(!error.isRetryable)
        }
    }

    @Test func concurrencyIsBoundedPerHost() async throws {
        let limiter = HostLimiter(limit: 3)
        let gauge = Gauge()
        await withTaskGroup(of: Void.self) { group in
            for i in 0..<20 {
                group.addTask {
                    let key = i % 2 == 0 ? "a" : "b"
                    await limiter.acquire(key)
                    gauge.enter(key)
                    try? await Task.sleep(nanoseconds: 2_000_000)
                    gauge.leave(key)
                    await limiter.release(key)
                }
            }
        }
        #expect(gauge.peak["a"] == 3 && gauge.peak["b"] == 3)
    }
}

final class Gauge: @unchecked Sendable {
    private let lock = NSLock()
    private var now: [String: Int] = [:]
    private var max: [String: Int] = [:]
    var peak: [String: Int] { lock.withLock { max } }
    func enter(_ k: String) {
        lock.withLock {
            now[k, default: 0] += 1
            max[k] = Swift.max(max[k] ?? 0, now[k]!)
        }
    }
    func leave(_ k: String) { lock.withLock { now[k, default: 0] -= 1 } }
}
