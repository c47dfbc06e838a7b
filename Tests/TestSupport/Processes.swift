import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Fails with the Debian package to install when a tool the test needs is missing.
public func requireTool(_ tool: String, package: String) throws -> String {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    let dirs: [String] = path.split(separator: ":").map(String.init) + ["/usr/sbin", "/usr/lib/git-core"]
    for dir in dirs {
        let candidate = "\(dir)/\(tool)"
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    }
    throw TestSupportError.toolMissing(tool: tool, package: package)
}

/// Runs blocking work (waiting for a process, a synchronous world build) on a thread of its own
/// and returns its result, so that it never holds one of Swift's cooperative threads (there are
/// as many as cores, two on CI; Swift Testing runs every test on them).
///
/// The thread unblocks every signal first: a thread inherits the signal mask of the one that
/// creates it, Dispatch's threads block SIGTERM, SIGINT and most others, and a process spawned
/// from such a thread (Foundation's Process does not reset the mask) starts with them blocked.
public func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
        let thread = Thread {
            var none = sigset_t()
            sigemptyset(&none)
            pthread_sigmask(SIG_SETMASK, &none, nil)
            continuation.resume(with: Result { try body() })
        }
        thread.stackSize = 8 << 20
        thread.start()
    }
}

/// `run` without holding a cooperative thread while the command runs.
@discardableResult
public func runAsync(
    _ executable: String, _ arguments: [String], cwd: URL? = nil,
    environment: [String: String]? = nil, input: Data? = nil
) async throws -> String {
    try await offPool { try run(executable, arguments, cwd: cwd, environment: environment, input: input) }
}

/// Waits for `process` to exit without holding a cooperative thread.
public func waitForExit(_ process: Process) async {
    let box = UncheckedSendable(process)
    _ = try? await offPool { box.value.waitUntilExit() }
}

/// Reads `handle` to its end without holding a cooperative thread.
public func readToEnd(_ handle: FileHandle) async -> Data {
    let box = UncheckedSendable(handle)
    return (try? await offPool { box.value.readDataToEndOfFile() }) ?? Data()
}

/// Carries a value that is used by one thread at a time into a `@Sendable` closure.
public struct UncheckedSendable<Value>: @unchecked Sendable {
    public let value: Value
    public init(_ value: Value) { self.value = value }
}

/// Every process a test starts is started inside `spawn`, one at a time, with the pipes it
/// gets. Foundation's `Process.run` lists the descriptors to close in the child and then spawns
/// it; a pipe or status socket another thread opens in between is inherited by that child. A
/// long-lived server inheriting a short command's status socket or stdout pipe keeps
/// `waitUntilExit` or the read of its output waiting for as long as the server lives (seen: a
/// `git commit` reaped only when a registry's watchdog exited, which held the run for minutes).
private let spawnLock = NSLock()

/// Runs `body` (which creates a process's pipes and calls `run()`) while no other test thread
/// starts a process.
public func spawn<T>(_ body: () throws -> T) rethrows -> T {
    try spawnLock.withLock(body)
}

/// Runs a command to completion and returns its standard output; throws with stderr on failure.
/// It blocks its thread: from async code prefer `runAsync`.
@discardableResult
public func run(
    _ executable: String, _ arguments: [String], cwd: URL? = nil,
    environment: [String: String]? = nil, input: Data? = nil
) throws -> String {
    let p = Process()
    p.executableURL = URL(
        fileURLWithPath: executable.hasPrefix("/") ? executable : try requireTool(executable, package: executable))
    p.arguments = arguments
    if let cwd { p.currentDirectoryURL = cwd }
    if let environment { p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
    let (out, err, inPipe) = try spawn {
        let out = Pipe(), err = Pipe(), inPipe = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = input == nil ? FileHandle.nullDevice : inPipe
        try p.run()
        return (out, err, inPipe)
    }
    // Feed stdin and drain stderr on threads of their own, so that neither side can fill a pipe
    // and wait for the other forever. (Not on Dispatch's global queue: it has as many threads as
    // cores, and every test's blocked reads would queue behind each other there.)
    let group = DispatchGroup()
    if let input {
        let writer = inPipe.fileHandleForWriting
        group.enter()
        Thread.detachNewThread {
            writer.write(input)
            try? writer.close()
            group.leave()
        }
    }
    nonisolated(unsafe) var errData = Data()
    let errReader = err.fileHandleForReading
    group.enter()
    Thread.detachNewThread {
        errData = errReader.readDataToEndOfFile()
        group.leave()
    }
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    group.wait()
    p.waitUntilExit()
    let stdout = String(decoding: outData, as: UTF8.self)
    guard p.terminationStatus == 0 else {
        throw TestSupportError.commandFailed(
            ([executable] + arguments).joined(separator: " "),
            status: p.terminationStatus,
            output: String(decoding: errData, as: UTF8.self) + stdout)
    }
    return stdout
}

/// A free TCP port on 127.0.0.1 (bound to port 0, read back, closed). Another process may take
/// it before it is used: servers started on it go through `ServerProcess.start(retrying:)`,
/// which starts again on another port when the first one lost that race.
public func freePort() throws -> UInt16 {
    try ClosedPort().port  // the port is released as the value goes
}

/// A loopback port where nothing listens, for as long as this value lives: its socket is bound
/// but never listens, so a connection is refused, and no server started meanwhile by another test
/// can take the port (a number from `freePort` could be taken between the check and the connect).
public final class ClosedPort: @unchecked Sendable {
    public let port: UInt16
    private let fd: Int32

    public init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestSupportError.missing("a socket") }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = 0
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, len) == 0 && getsockname(fd, $0, &len) == 0
            }
        }
        guard bound else {
            close(fd)
            throw TestSupportError.missing("a port to hold closed")
        }
        self.fd = fd
        port = UInt16(bigEndian: addr.sin_port)
    }

    deinit { close(fd) }
}

extension ServerProcess {
    /// Python's `http.server` serving `directory` on a port it chooses (port 0, and it says which;
    /// unbuffered, -u), started off the cooperative threads: the download side of `--deep` tests.
    public static func staticFiles(_ directory: URL, logDirectory: URL) async throws -> ServerProcess {
        try await start(
            name: "http-\(UUID().uuidString.prefix(8))", executable: try findTool("python3", package: "python3"),
            arguments: ["-u", "-m", "http.server", "0", "--bind", "127.0.0.1", "--directory", directory.path],
            port: 0, logDirectory: logDirectory,
            readiness: .announcedPort(prefix: "Serving HTTP on 127.0.0.1 port "))
    }
}

/// Whether something accepts TCP connections on 127.0.0.1:port.
public func isListening(_ port: UInt16) -> Bool {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return false }
    defer { close(fd) }
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_port = port.bigEndian
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    return withUnsafePointer(to: &addr) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
        }
    }
}

/// A long-running server process (git daemon, registry, token server) stopped on `stop()`, on
/// release, or when the test process exits (shared worlds live in statics that are never released).
public final class ServerProcess: @unchecked Sendable {
    public let name: String
    /// The port it listens on (for `.announcedPort`, read from its log once it is ready).
    public private(set) var port: UInt16
    private let process: Process
    private let logURL: URL
    /// Kills the server when the test process dies (see `LiveServers.watch`).
    private let watchdog: Process?

    /// How a started server shows it is ready.
    public enum Readiness: Sendable {
        /// `port` accepts connections (and the process still runs).
        case listening
        /// The log has a line containing this text (e.g. git daemon's `Ready to rumble`), and then
        /// `port` accepts connections.
        case logLine(String)
        /// The server chose its own port (it was started on port 0) and logs `<prefix><port>`;
        /// ready when that port accepts connections. No other process can take such a port.
        case announcedPort(prefix: String)
    }

    /// Starts `executable arguments` and waits until `port` accepts connections, blocking the
    /// calling thread; from async code prefer `start`.
    public convenience init(
        name: String, executable: String, arguments: [String], port: UInt16,
        environment: [String: String] = [:], cwd: URL? = nil, logDirectory: URL,
        timeout: TimeInterval = 20
    ) throws {
        try self.init(
            launching: name, executable: executable, arguments: arguments, port: port,
            environment: environment, cwd: cwd, logDirectory: logDirectory)
        let deadline = Date().addingTimeInterval(timeout)
        while try !isReady(.listening, deadline: deadline) { usleep(20_000) }
    }

    private init(
        launching name: String, executable: String, arguments: [String], port: UInt16,
        environment: [String: String], cwd: URL?, logDirectory: URL
    ) throws {
        self.name = name
        self.port = port
        let process = Process()
        self.process = process
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        if let cwd { process.currentDirectoryURL = cwd }
        logURL = logDirectory.appendingPathComponent("\(name).log")
        _ = FileManager.default.createFile(atPath: logURL.path, contents: nil)
        let logHandle = try FileHandle(forWritingTo: logURL)
        defer { try? logHandle.close() }
        process.standardOutput = logHandle
        process.standardError = logHandle
        process.standardInput = FileHandle.nullDevice
        try spawn { try process.run() }
        watchdog = LiveServers.shared.add(process)
    }

    /// Starts `executable arguments` and waits until it is ready, on a thread of its own (not one
    /// of Swift's cooperative threads).
    public static func start(
        name: String, executable: String, arguments: [String], port: UInt16,
        environment: [String: String] = [:], cwd: URL? = nil, logDirectory: URL,
        readiness: Readiness = .listening, timeout: TimeInterval = 30
    ) async throws -> ServerProcess {
        try await offPool {
            try launch(
                name: name, executable: executable, arguments: arguments, port: port, environment: environment,
                cwd: cwd, logDirectory: logDirectory, readiness: readiness, timeout: timeout)
        }
    }

    /// Starts `executable arguments` and waits until it is ready, blocking the calling thread
    /// (for world builders that run on a thread of their own: see `offPool`).
    public static func launch(
        name: String, executable: String, arguments: [String], port: UInt16,
        environment: [String: String] = [:], cwd: URL? = nil, logDirectory: URL,
        readiness: Readiness = .listening, timeout: TimeInterval = 30
    ) throws -> ServerProcess {
        let server = try ServerProcess(
            launching: name, executable: executable, arguments: arguments, port: port,
            environment: environment, cwd: cwd, logDirectory: logDirectory)
        let deadline = Date().addingTimeInterval(timeout)
        while try !server.isReady(readiness, deadline: deadline) { usleep(10_000) }
        return server
    }

    /// Starts a server on a port chosen here (`freePort`), blocking like `launch`; when the server
    /// exits before it is ready (another process took the port in between), starts it again on
    /// another port. `arguments` gives the name and arguments for a port.
    public static func launch(
        retrying attempts: Int = 5, executable: String, environment: [String: String] = [:],
        cwd: URL? = nil, logDirectory: URL, readiness: Readiness = .listening,
        _ arguments: (UInt16) throws -> (name: String, arguments: [String])
    ) throws -> ServerProcess {
        var lastError: (any Error)?
        for _ in 0..<max(1, attempts) {
            let port = try freePort()
            let (name, args) = try arguments(port)
            do {
                return try launch(
                    name: name, executable: executable, arguments: args, port: port,
                    environment: environment, cwd: cwd, logDirectory: logDirectory, readiness: readiness)
            } catch let error as TestSupportError {
                guard case .commandFailed = error else { throw error }
                lastError = error  // exited before it was ready: most likely the port was taken
            }
        }
        throw lastError ?? TestSupportError.missing("a free port")
    }

    private func isReady(_ readiness: Readiness, deadline: Date) throws -> Bool {
        if Self.hasExited(process.processIdentifier) {
            process.waitUntilExit()
            throw TestSupportError.commandFailed(name, status: process.terminationStatus, output: log())
        }
        switch readiness {
        case .listening:
            if isListening(port) { return true }
        case .logLine(let text):
            if log().contains(text), isListening(port) { return true }
        case .announcedPort(let prefix):
            let text = port == 0 ? log() : ""
            if port == 0, let range = text.range(of: prefix) {
                let digits = text[range.upperBound...].prefix { $0.isNumber }
                port = UInt16(digits) ?? 0
            }
            if port != 0, isListening(port) { return true }
        }
        if Date() > deadline {
            stop()
            throw TestSupportError.timeout("\(name) on port \(port): \(log())")
        }
        return false
    }

    public func log() -> String { (try? String(contentsOf: logURL, encoding: .utf8)) ?? "" }

    public var isRunning: Bool { !Self.hasExited(process.processIdentifier) }

    /// Whether `pid` has exited (a zombie not reaped yet, or gone), from /proc. Foundation's
    /// `isRunning` and `waitUntilExit` learn of the exit only when every process that inherited
    /// its status socket has closed it: a git daemon's children serving a connection, the
    /// http-backend a Python server runs. Waiting on them held test threads for as long as a
    /// client kept a connection open.
    static func hasExited(_ pid: pid_t) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return true }
        let state = stat[stat.index(after: close)...].drop { $0 == " " }.first
        return state == "Z" || state == "X"
    }

    /// Kills the server and waits until it has exited; Foundation reaps it in its own time.
    /// SIGKILL, not SIGTERM: a test server has nothing to save, and a server spawned from a thread
    /// that blocks SIGTERM (any of Dispatch's) inherits the blocked mask and never sees SIGTERM;
    /// waiting for it cost 5 s per server, on a test thread.
    public func stop() {
        let pid = process.processIdentifier
        // The watchdog first: once the server is reaped its pid may be reused.
        if let watchdog { kill(watchdog.processIdentifier, SIGKILL) }
        defer { LiveServers.shared.remove(process) }
        guard !Self.hasExited(pid) else { return }
        kill(pid, SIGKILL)
        let deadline = Date().addingTimeInterval(10)
        while !Self.hasExited(pid) && Date() < deadline { usleep(500) }
    }

    deinit { stop() }
}

/// Every server still running, killed when the test process exits: a shared world held in a
/// static is never released, and its servers must not outlive the tests. On a normal exit an
/// atexit handler kills them; when the test process is killed (a signal, a crash) each server's
/// watchdog does: `sh -c 'read; kill -9 PID'` reading a pipe only this process writes to, which
/// ends when this process does, however it ends.
final class LiveServers: @unchecked Sendable {
    static let shared = LiveServers()
    private let lock = NSLock()
    private var pids: [ObjectIdentifier: (server: pid_t, watchdog: pid_t?)] = [:]
    private var watchdogInputs: [ObjectIdentifier: FileHandle] = [:]
    private var directories: [URL] = []

    private init() {
        atexit { LiveServers.shared.killAll() }
    }

    /// Registers a started server and starts its watchdog (nil if sh could not be started:
    /// the atexit handler still covers a normal exit).
    func add(_ process: Process) -> Process? {
        let pid = process.processIdentifier
        let watchdog = Process()
        watchdog.executableURL = URL(fileURLWithPath: "/bin/sh")
        watchdog.arguments = ["-c", "read -r _; kill -9 \"$0\" 2>/dev/null", String(pid)]
        watchdog.standardOutput = FileHandle.nullDevice
        watchdog.standardError = FileHandle.nullDevice
        let (input, started) = spawn {
            let input = Pipe()
            watchdog.standardInput = input
            return (input, (try? watchdog.run()) != nil)
        }
        lock.withLock {
            pids[ObjectIdentifier(process)] = (pid, started ? watchdog.processIdentifier : nil)
            if started { watchdogInputs[ObjectIdentifier(process)] = input.fileHandleForWriting }
        }
        return started ? watchdog : nil
    }

    func remove(_ process: Process) {
        let input = lock.withLock {
            _ = pids.removeValue(forKey: ObjectIdentifier(process))
            return watchdogInputs.removeValue(forKey: ObjectIdentifier(process))
        }
        try? input?.close()
    }

    /// A directory removed at exit, after the servers are gone (a shared world's).
    func removeAtExit(_ directory: URL) { lock.withLock { directories.append(directory) } }

    func killAll() {
        let (all, dirs) = lock.withLock { (Array(pids.values), directories) }
        // Watchdogs first (they would kill the same pids once the servers may be reaped), then
        // the servers, never stopped: still running (a zombie at worst, which SIGKILL leaves as it is).
        for pid in all.compactMap(\.watchdog) { kill(pid, SIGKILL) }
        for pid in all.map(\.server) { kill(pid, SIGKILL) }
        for dir in dirs { try? FileManager.default.removeItem(at: dir) }
    }
}
