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

/// Runs a command to completion and returns its standard output; throws with stderr on failure.
@discardableResult
public func run(_ executable: String, _ arguments: [String], cwd: URL? = nil,
                environment: [String: String]? = nil, input: Data? = nil) throws -> String {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: executable.hasPrefix("/") ? executable : try requireTool(executable, package: executable))
    p.arguments = arguments
    if let cwd { p.currentDirectoryURL = cwd }
    if let environment { p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
    let out = Pipe(), err = Pipe()
    p.standardOutput = out
    p.standardError = err
    let inPipe = Pipe()
    p.standardInput = input == nil ? FileHandle.nullDevice : inPipe
    try p.run()
    // Feed stdin and drain stderr on other threads, so that neither side can fill a pipe
    // and wait for the other forever.
    let group = DispatchGroup()
    if let input {
        let writer = inPipe.fileHandleForWriting
        group.enter()
        DispatchQueue.global().async {
            writer.write(input)
            try? writer.close()
            group.leave()
        }
    }
    nonisolated(unsafe) var errData = Data()
    group.enter()
    DispatchQueue.global().async { errData = err.fileHandleForReading.readDataToEndOfFile(); group.leave() }
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    group.wait()
    p.waitUntilExit()
    let stdout = String(decoding: outData, as: UTF8.self)
    guard p.terminationStatus == 0 else {
        throw TestSupportError.commandFailed(([executable] + arguments).joined(separator: " "),
                                             status: p.terminationStatus,
                                             output: String(decoding: errData, as: UTF8.self) + stdout)
    }
    return stdout
}

/// A free TCP port on 127.0.0.1 (bound to port 0, read back, closed).
public func freePort() throws -> UInt16 {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw TestSupportError.missing("a socket") }
    defer { close(fd) }
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_port = 0
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    var len = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &addr) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) == 0 && getsockname(fd, $0, &len) == 0 }
    }
    guard bound else { throw TestSupportError.missing("a free port") }
    return UInt16(bigEndian: addr.sin_port)
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

/// A long-running server process (git daemon, registry, token server) stopped on `stop()` or release.
public final class ServerProcess: @unchecked Sendable {
    public let name: String
    public let port: UInt16
    private let process: Process
    private let logURL: URL

    /// Starts `executable arguments` and waits until `port` accepts connections.
    public init(name: String, executable: String, arguments: [String], port: UInt16,
                environment: [String: String] = [:], cwd: URL? = nil, logDirectory: URL,
                timeout: TimeInterval = 20) throws {
        self.name = name
        self.port = port
        process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        if let cwd { process.currentDirectoryURL = cwd }
        logURL = logDirectory.appendingPathComponent("\(name).log")
        _ = FileManager.default.createFile(atPath: logURL.path, contents: nil)
        let logHandle = try FileHandle(forWritingTo: logURL)
        process.standardOutput = logHandle
        process.standardError = logHandle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(timeout)
        while !isListening(port) {
            if !process.isRunning {
                throw TestSupportError.commandFailed(name, status: process.terminationStatus, output: self.log())
            }
            if Date() > deadline { stop(); throw TestSupportError.timeout("\(name) on port \(port): \(self.log())") }
            usleep(20_000)
        }
    }

    public func log() -> String { (try? String(contentsOf: logURL, encoding: .utf8)) ?? "" }

    public func stop() {
        guard process.isRunning else { return }
        process.terminate()
        let deadline = Date().addingTimeInterval(5)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    deinit { stop() }
}
