import Foundation
import TestSupport
import Testing
import TrackbotCore

@testable import GitMirror

/// A server that accepts and never answers ends the fetch with `stalled`, over git://, http://
/// and https:// (TLS runs on trackbot's socket stream too).
@Suite struct StallTimeoutTests {
    @Test func aServerThatNeverAnswersStallsTheFetch() async throws {
        let temp = try TemporaryDirectory("gitmirror-stall")
        let silent = try await offPool { try SilentServer(logDirectory: temp.url) }
        let cache = MirrorCache(directory: temp.appending("cache"), stallTimeout: .seconds(2))
        let port = silent.server.port
        let urls = [
            "git://127.0.0.1:\(port)/repo.git", "http://127.0.0.1:\(port)/repo.git",
            "https://127.0.0.1:\(port)/repo.git",
        ]
        let outcomes = try await withTimeLimit(
            .seconds(60), done: { silent.everyClientHungUp() },
            diagnostics: { silent.events() }
        ) {
            try await withThrowingTaskGroup(of: (String, (any Error)?).self) { group in
                for url in urls {
                    group.addTask {
                        do {
                            _ = try await cache.fetch(url, refs: ["refs/heads/main"])
                            return (url, nil)
                        } catch {
                            return (url, error)
                        }
                    }
                }
                var all: [String: (any Error)?] = [:]
                for try await (url, error) in group { all[url] = error }
                return all
            }
        }
        for url in urls {
            let error = try #require(outcomes[url] ?? nil, "\(url) fetched from a server that says nothing")
            guard case MirrorError.stalled(let shown, let host, let seconds)? = error as? MirrorError else {
                Issue.record("\(url): expected stalled, got \(error)")
                continue
            }
            #expect(shown == url)
            #expect(host == "127.0.0.1")
            #expect(seconds == 2)
            #expect("\(error)".contains("stall-timeout"))
        }
        // The same for listing refs (no mirror involved).
        let listing = try await withTimeLimit(
            .seconds(60), done: { silent.everyClientHungUp() },
            diagnostics: { silent.events() }
        ) { () async -> (any Error)? in
            do {
                _ = try await cache.remoteRefs(urls[0])
                return nil
            } catch { return error }
        }
        #expect(
            (listing as? MirrorError).map { if case .stalled = $0 { true } else { false } } == true,
            "\(String(describing: listing))")
        // trackbot hung up each time; the server never had to drop a connection.
        #expect(!silent.events().contains("dropped"), "\(silent.events())")
    }

    @Test func aHostThatDoesNotResolveSaysSo() async throws {
        let temp = try TemporaryDirectory("gitmirror-dns")
        let cache = MirrorCache(directory: temp.appending("cache"), stallTimeout: .seconds(10))
        // `.invalid` never resolves (RFC 6761).
        for url in [
            "git://trackbot-test.invalid/x.git", "http://trackbot-test.invalid/x.git",
            "https://user:s3cr3t@trackbot-test.invalid/x.git",
        ] {
            do {
                _ = try await cache.fetch(url, refs: ["refs/heads/main"])
                Issue.record("\(url) was fetched")
            } catch let error as MirrorError {
                guard case .hostNotResolved(let shown, let host, _) = error else {
                    Issue.record("\(url): expected hostNotResolved, got \(error)")
                    continue
                }
                #expect(shown == Redaction.stripCredentials(url))
                #expect(host == "trackbot-test.invalid")
                #expect(error.description.hasPrefix("could not resolve trackbot-test.invalid"))
                #expect(!error.description.contains("s3cr3t"))
            }
        }
    }
}

extension StallTimeoutTests {
    /// TLS runs over trackbot's socket stream: the handshake completes (the server's certificate
    /// arrives) and mbedTLS still refuses a certificate no CA signed.
    @Test func httpsThroughTheStreamStillVerifiesCertificates() async throws {
        let temp = try TemporaryDirectory("gitmirror-tls")
        let openssl = try findTool("openssl", package: "openssl")
        try await runAsync(
            openssl,
            [
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
                "-keyout", temp.appending("key.pem").path, "-out", temp.appending("cert.pem").path,
            ])
        let python = try findTool("python3", package: "python3")
        let script = temp.appending("tls.py")
        try #"""
        import http.server, ssl, sys
        port, cert, key = int(sys.argv[1]), sys.argv[2], sys.argv[3]
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
        server = http.server.HTTPServer(("127.0.0.1", port), Handler)
        print("listening on 127.0.0.1:%d" % server.server_address[1], flush=True)
        server.socket = context.wrap_socket(server.socket, server_side=True)
        server.serve_forever()
        """#.write(to: script, atomically: true, encoding: .utf8)
        // Port 0: the server binds a port the system chooses and prints it.
        let server = try await ServerProcess.start(
            name: "tls", executable: python,
            arguments: [script.path, "0", temp.appending("cert.pem").path, temp.appending("key.pem").path],
            port: 0, logDirectory: temp.url, readiness: .announcedPort(prefix: "listening on 127.0.0.1:"))
        let url = "https://127.0.0.1:\(server.port)/x.git"
        let cache = MirrorCache(directory: temp.appending("cache"), stallTimeout: .seconds(20))
        let outcome = try await withTimeLimit(.seconds(60)) { () async -> (any Error)? in
            do {
                _ = try await cache.fetch(url, refs: ["refs/heads/main"])
                return nil
            } catch { return error }
        }
        guard case MirrorError.fetchFailed(let shown, let message)? = outcome as? MirrorError else {
            Issue.record("expected a refused certificate, got \(String(describing: outcome))")
            return
        }
        #expect(shown == url)
        #expect(message.contains("certificate"), "\(message)")
    }
}

/// A TCP server on a loopback port it chooses itself that accepts every connection and never sends a byte.
/// It drops its connections after `holdSeconds`, so nothing waits on it for ever.
final class SilentServer: @unchecked Sendable {
    let server: ServerProcess

    init(logDirectory: URL, holdSeconds: Int = 90) throws {
        let python = try findTool("python3", package: "python3")
        let id = UUID().uuidString.prefix(8)
        let script = logDirectory.appendingPathComponent("silent-\(id).py")
        try Self.script.write(to: script, atomically: true, encoding: .utf8)
        // Port 0: it binds a port the system chooses and prints it.
        server = try ServerProcess.launch(
            name: "silent-\(id)", executable: python,
            arguments: [script.path, "0", String(holdSeconds)],
            port: 0, logDirectory: logDirectory, readiness: .announcedPort(prefix: "listening on 127.0.0.1:"))
    }

    /// What the server saw: `accepted N`, `N: client closed after S s`, `N: dropped after S s`.
    func events() -> String { server.log() }

    /// Whether every client that connected has hung up by itself (none is still waiting, none
    /// was dropped by the server).
    func everyClientHungUp() -> Bool {
        let lines = events().split(separator: "\n")
        let accepted = lines.filter { $0.hasPrefix("accepted ") }.count
        return accepted > 0 && lines.filter { $0.contains(": client closed") }.count == accepted
    }

    static let script = #"""
        import socket, sys, threading, time

        port, hold = int(sys.argv[1]), int(sys.argv[2])
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", port))
        listener.listen(64)
        sys.stdout.write("listening on 127.0.0.1:%d\n" % listener.getsockname()[1])
        sys.stdout.flush()

        lock = threading.Lock()

        def log(line):
            # One write per line, under a lock: lines from two threads must not interleave.
            with lock:
                sys.stdout.write(line + "\n")
                sys.stdout.flush()

        def hold_then_close(connection, n):
            # Reads what the client sends (never answering) to see when it gives up.
            start = time.monotonic()
            connection.settimeout(1)
            while time.monotonic() - start < hold:
                try:
                    if not connection.recv(65536):
                        log("%d: client closed after %.1f s" % (n, time.monotonic() - start))
                        return connection.close()
                except socket.timeout:
                    pass
                except OSError:
                    log("%d: client closed (reset) after %.1f s" % (n, time.monotonic() - start))
                    return connection.close()
            log("%d: dropped after %.1f s" % (n, time.monotonic() - start))
            connection.close()

        n = 0
        while True:
            connection, _ = listener.accept()
            n += 1
            log("accepted %d" % n)
            threading.Thread(target=hold_then_close, args=(connection, n), daemon=True).start()
        """#
}

struct TimeLimitExceeded: Error, CustomStringConvertible {
    let limit: Duration
    let diagnostics: String
    var description: String { "the test did not finish within \(limit); the server saw:\n\(diagnostics)" }
}

/// `body`'s result, or `TimeLimitExceeded` after `limit`: a race in a task group. When the limit
/// passes but `done()` says the work has ended where it counts (the server saw every client hang
/// up), only the report is late, held up by tests that block the cooperative pool, so the race
/// waits for it. The group always waits for `body`, which the servers above end by dropping
/// their connections.
func withTimeLimit<T: Sendable>(
    _ limit: Duration, done: @escaping @Sendable () -> Bool = { false },
    diagnostics: @escaping @Sendable () -> String = { "" },
    _ body: @escaping @Sendable () async throws -> T
) async throws -> T {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: limit)
            if done() { return nil }
            throw TimeLimitExceeded(limit: limit, diagnostics: diagnostics())
        }
        defer { group.cancelAll() }
        while let result = try await group.next() {
            if let value = result { return value }
        }
        preconditionFailure("the body of withTimeLimit neither returned nor threw")
    }
}
