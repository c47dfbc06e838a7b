import Foundation

/// Runs the git CLI with a fixed identity and no user or system configuration, so tests see
/// the same git everywhere.
@discardableResult
public func git(_ arguments: [String], in directory: URL? = nil) throws -> String {
    let gitPath = try findTool("git", package: "git")
    return try run(
        gitPath, arguments, cwd: directory,
        environment: [
            "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.invalid",
            "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.invalid",
            "GIT_TERMINAL_PROMPT": "0",
        ])
}

/// Finds a tool on PATH (then /usr/sbin, /usr/lib/git-core), failing with the Debian package to
/// install. (TestSupport's `requireTool` splits PATH into character arrays and so only ever finds
/// tools in its two fallback directories.)
public func findTool(_ tool: String, package: String) throws -> String {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    let directories: [String] = path.split(separator: ":").map(String.init) + ["/usr/sbin", "/usr/lib/git-core"]
    for directory in directories where FileManager.default.isExecutableFile(atPath: directory + "/" + tool) {
        return directory + "/" + tool
    }
    throw TestSupportError.toolMissing(tool: tool, package: package)
}

/// Bare repositories served by the git servers below.
public enum GitRepositories {
    /// `git clone --mirror BUNDLE DIR/name` (the corpus bundles), world-readable.
    ///
    /// The bundle is unpacked once per test process (`git clone --mirror BUNDLE`, into a
    /// directory removed at exit); every call then clones that copy with `git clone --mirror`
    /// over the local path, which hard-links the objects instead of indexing the pack again. The
    /// result has the same refs and objects; git never changes an object file in place, so a test
    /// changing its copy cannot change another's.
    @discardableResult
    public static func fromBundle(_ bundle: String, into base: URL, name: String) throws -> URL {
        let target = base.appendingPathComponent(name)
        try git(["clone", "--quiet", "--mirror", try BundleTemplates.shared.template(bundle).path, target.path])
        return target
    }

    /// A working repository with one commit holding `files`.
    public static func working(at directory: URL, files: [String: String], branch: String = "main") throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try git(["init", "--quiet", "-b", branch], in: directory)
        try commit(in: directory, files: files, message: "initial")
    }

    /// Writes `files` and commits them; returns the new commit id.
    @discardableResult
    public static func commit(in directory: URL, files: [String: String], message: String) throws -> String {
        for (path, content) in files {
            let url = directory.appendingPathComponent(path)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try content.write(to: url, atomically: true, encoding: .utf8)
        }
        try git(["add", "-A"], in: directory)
        try git(["commit", "--quiet", "-m", message], in: directory)
        return try git(["rev-parse", "HEAD"], in: directory).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// Each corpus bundle unpacked once per test process (see `GitRepositories.fromBundle`).
final class BundleTemplates: @unchecked Sendable {
    static let shared = BundleTemplates()
    private let lock = NSLock()
    private var directory: TemporaryDirectory?
    private var done: [String: URL] = [:]

    func template(_ bundle: String) throws -> URL {
        // One lock for all: the first caller unpacks while the others wait (a second or two, once).
        try lock.withLock {
            if let url = done[bundle] { return url }
            let dir: TemporaryDirectory
            if let directory {
                dir = directory
            } else {
                dir = try TemporaryDirectory("trackbot-bundles").removedAtExit()
                directory = dir
            }
            let url = dir.appending(bundle + ".git")
            try git(["clone", "--quiet", "--mirror", try TestPaths.corpus(bundle).path, url.path])
            done[bundle] = url
            return url
        }
    }
}

/// `git daemon` on a free loopback port, exporting every repository under `base`. git daemon
/// cannot choose its own port: it is started again on another one when it lost the port to
/// another process between `freePort` and its bind.
public final class GitDaemon: @unchecked Sendable {
    public let base: URL
    public let server: ServerProcess

    public init(base: URL, logDirectory: URL) throws {
        // git-daemon itself: `git daemon` runs it as a child that would outlive `stop()`.
        let daemonPath = try findTool("git-daemon", package: "git")
        self.base = base
        // --verbose: it logs "Ready to rumble" once it listens (so a port someone else listens on
        // is never taken for ours).
        server = try ServerProcess.launch(
            executable: daemonPath,
            environment: ["GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1"],
            logDirectory: logDirectory, readiness: .logLine("Ready to rumble")
        ) { port in
            (
                "git-daemon-\(port)",
                [
                    "--listen=127.0.0.1", "--port=\(port)", "--export-all", "--verbose",
                    "--base-path=\(base.path)", "--reuseaddr", "--informative-errors", base.path,
                ]
            )
        }
    }

    /// `init` on a thread of its own (not one of Swift's cooperative threads).
    public static func start(base: URL, logDirectory: URL) async throws -> GitDaemon {
        try await offPool { try GitDaemon(base: base, logDirectory: logDirectory) }
    }

    /// `git://127.0.0.1:PORT/<name>`.
    public func url(_ name: String) -> String { "git://127.0.0.1:\(server.port)/\(name)" }
}

/// Smart HTTP: a small Python server that runs `git http-backend` as a CGI for each request.
/// With a token it answers 401 unless the request carries `Authorization: Basic` for
/// `x-access-token:<token>`, and logs each request's authorisation (`auth none|bad|ok PATH`)
/// so tests can count attempts.
public final class SmartHTTPServer: @unchecked Sendable {
    public let server: ServerProcess
    public let requestLog: URL

    /// With `redirectTo` (`http://host:port`), every authorised request is answered with a 302 to
    /// the same path there (to test that credentials never follow a redirect to another host).
    public init(projectRoot: URL, token: String? = nil, redirectTo: String? = nil, logDirectory: URL) throws {
        let python = try findTool("python3", package: "python3")
        _ = try findTool("git", package: "git")
        let id = UUID().uuidString.prefix(8)
        let script = logDirectory.appendingPathComponent("git-http-\(id).py")
        try Self.script.write(to: script, atomically: true, encoding: .utf8)
        requestLog = logDirectory.appendingPathComponent("git-http-\(id).requests")
        // The backend's own git config: trust every repository (the CGI may run as another user).
        let config = logDirectory.appendingPathComponent("git-http-\(id).gitconfig")
        try "[safe]\n\tdirectory = *\n[http]\n\tuploadpack = true\n".write(
            to: config, atomically: true, encoding: .utf8)
        // Port 0: the server binds a port the system chooses and prints it.
        server = try ServerProcess.launch(
            name: "git-http-\(id)", executable: python,
            arguments: [script.path, "0", projectRoot.path, requestLog.path, token ?? ""],
            port: 0,
            environment: [
                "GIT_CONFIG_GLOBAL": config.path, "GIT_CONFIG_NOSYSTEM": "1",
                "TRACKBOT_TEST_REDIRECT": redirectTo ?? "",
            ],
            logDirectory: logDirectory, readiness: .announcedPort(prefix: "listening on 127.0.0.1:"))
    }

    /// `init` on a thread of its own (not one of Swift's cooperative threads).
    public static func start(
        projectRoot: URL, token: String? = nil, redirectTo: String? = nil,
        logDirectory: URL
    ) async throws -> SmartHTTPServer {
        try await offPool {
            try SmartHTTPServer(
                projectRoot: projectRoot, token: token, redirectTo: redirectTo, logDirectory: logDirectory)
        }
    }

    /// `http://127.0.0.1:PORT/<name>`.
    public func url(_ name: String) -> String { "http://127.0.0.1:\(server.port)/\(name)" }

    /// The logged request lines (`auth none|bad|ok PATH`).
    public func requests() -> [String] {
        ((try? String(contentsOf: requestLog, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    static let script = #"""
        import base64, os, subprocess, sys
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        port, root, log_path, token = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
        log = open(log_path, "a", buffering=1)
        expected = "Basic " + base64.b64encode(("x-access-token:" + token).encode()).decode()

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def deny(self):
                self.send_response(401)
                self.send_header("WWW-Authenticate", 'Basic realm="trackbot-test"')
                self.send_header("Content-Length", "0")
                self.end_headers()

            def serve(self, method):
                auth = self.headers.get("Authorization", "")
                if token:
                    if not auth:
                        log.write("auth none %s\n" % self.path)
                        return self.deny()
                    if auth != expected:
                        log.write("auth bad %s\n" % self.path)
                        return self.deny()
                    log.write("auth ok %s\n" % self.path)
                else:
                    log.write("auth %s %s\n" % ("sent" if auth else "none", self.path))
                redirect = os.environ.get("TRACKBOT_TEST_REDIRECT", "")
                if redirect:
                    log.write("redirect %s\n" % self.path)
                    self.send_response(302)
                    self.send_header("Location", redirect + self.path)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                    body = b""
                    while True:
                        size = int(self.rfile.readline().strip().split(b";")[0], 16)
                        if size == 0:
                            self.rfile.readline()
                            break
                        body += self.rfile.read(size)
                        self.rfile.readline()
                else:
                    body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                path, _, query = self.path.partition("?")
                env = dict(os.environ, GIT_PROJECT_ROOT=root, GIT_HTTP_EXPORT_ALL="1", PATH_INFO=path,
                           QUERY_STRING=query, REQUEST_METHOD=method, REMOTE_ADDR="127.0.0.1",
                           CONTENT_TYPE=self.headers.get("Content-Type", ""), CONTENT_LENGTH=str(len(body)))
                for header in ("Content-Encoding", "Git-Protocol"):
                    if self.headers.get(header):
                        env["HTTP_" + header.upper().replace("-", "_")] = self.headers[header]
                out = subprocess.run(["git", "http-backend"], input=body, env=env, capture_output=True).stdout
                sep = out.find(b"\r\n\r\n")
                head, rest = (out[:sep], out[sep + 4:]) if sep >= 0 else out.split(b"\n\n", 1)
                status, headers = 200, []
                for line in head.decode("latin-1").splitlines():
                    key, _, value = line.partition(":")
                    if key.lower() == "status":
                        status = int(value.split()[0])
                    elif key:
                        headers.append((key, value.strip()))
                self.send_response(status)
                for key, value in headers:
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(rest)))
                self.end_headers()
                self.wfile.write(rest)

            def do_GET(self):
                self.serve("GET")

            def do_POST(self):
                self.serve("POST")

        server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        print("listening on 127.0.0.1:%d" % server.server_address[1], flush=True)
        server.serve_forever()
        """#
}
