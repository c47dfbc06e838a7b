import Foundation
import TrackbotCore

#if canImport(Glibc)
import Glibc
#endif

/// Reads and writes the state file: atomically (temp file in the same directory, fsync, rename,
/// fsync of the directory) under an exclusive lock, refusing a corrupt or newer file rather than
/// overwriting it.
public struct StateStore: Sendable {
    public let path: String

    public init(path: String) { self.path = path }

    /// The recorded state; an empty one when the file does not exist yet.
    public func load() throws(StateError) -> State {
        guard FileManager.default.fileExists(atPath: path) else { return State() }
        guard let data = FileManager.default.contents(atPath: path) else { throw .unreadable(path) }
        struct Version: Decodable { var schemaVersion: Int? }
        let version: Version
        do { version = try JSONDecoder().decode(Version.self, from: data) } catch {
            throw .corrupt(path, String(describing: error))
        }
        guard let schema = version.schemaVersion else { throw .corrupt(path, "no schemaVersion") }
        guard schema <= State.currentSchema else {
            throw .newerSchema(path, found: schema, supported: State.currentSchema)
        }
        do {
            var state = try JSONDecoder().decode(State.self, from: data)
            if schema < State.currentSchema { state.migrate() }
            return state
        } catch {
            throw .corrupt(path, Self.describe(error))
        }
    }

    /// Runs `body` holding the state lock, so two runs never interleave a read-modify-write.
    /// The lock is waited for on the blocking pool (`flock` blocks until another run is done),
    /// never on the cooperative pool; `body` then runs on the caller's executor.
    public func withLock<T>(
        isolation: isolated (any Actor)? = #isolation,
        _ body: () throws -> T
    ) async throws -> T {
        let lock = try await StateLock.acquire(path + ".lock")
        defer { lock.release() }
        return try body()
    }

    /// Writes the state atomically: a reader (or a crash) sees the old file or the new one.
    public func save(_ state: State) throws(StateError) {
        let data: Data
        do { data = try JSONCoding.readableEncoder().encode(state) + Data("\n".utf8) } catch {
            throw .unwritable(path, "\(error)")
        }
        let url = URL(fileURLWithPath: path)
        let dir = url.deletingLastPathComponent().path
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let tmp = "\(dir)/.\(url.lastPathComponent).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .unwritable(tmp, String(cString: strerror(errno))) }
        var ok = data.withUnsafeBytes { buf -> Bool in
            var offset = 0
            while offset < buf.count {
                let n = write(fd, buf.baseAddress! + offset, buf.count - offset)
                if n <= 0 { return false }
                offset += n
            }
            return true
        }
        ok = ok && fsync(fd) == 0
        close(fd)
        guard ok, rename(tmp, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(tmp)
            throw .unwritable(path, reason)
        }
        let dfd = open(dir, O_RDONLY | O_DIRECTORY)
        if dfd >= 0 {
            fsync(dfd)
            close(dfd)
        }
        // Temp files of writers that were killed before their rename (callers hold the lock, so
        // no other writer is between its write and its rename now).
        let prefix = ".\(url.lastPathComponent).tmp-"
        for name in (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? [] where name.hasPrefix(prefix) {
            unlink("\(dir)/\(name)")
        }
    }

    private static func describe(_ error: any Error) -> String {
        guard let e = error as? DecodingError else { return "\(error)" }
        switch e {
        case .dataCorrupted(let c), .keyNotFound(_, let c), .typeMismatch(_, let c), .valueNotFound(_, let c):
            let path = c.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
            return "\(path.isEmpty ? "" : "at \(path): ")\(c.debugDescription)"
        @unknown default: return "\(e)"
        }
    }
}

public enum StateError: Error, Equatable, CustomStringConvertible {
    case unreadable(String)
    case corrupt(String, String)
    case newerSchema(String, found: Int, supported: Int)
    case unwritable(String, String)

    public var description: String {
        switch self {
        case .unreadable(let p):
            return "cannot read state file \(p): check its permissions"
        case .corrupt(let p, let detail):
            return
                "state file \(p) is not valid trackbot state (\(detail)); it was left as it is: restore it from git or move it aside to start afresh"
        case .newerSchema(let p, let found, let supported):
            return
                "state file \(p) has schema version \(found), newer than this trackbot understands (\(supported)); it was left as it is: upgrade trackbot"
        case .unwritable(let p, let reason):
            return "cannot write state file \(p): \(reason)"
        }
    }
}

/// An exclusive `flock` on `<state>.lock`. The lock belongs to the open file, not to a thread: it
/// is taken in a blocking-pool job and released from wherever the holder is.
final class StateLock: Sendable {
    private let fd: Int32

    private init(fd: Int32) { self.fd = fd }

    static func acquire(_ lockPath: String) async throws -> StateLock {
        try await runBlocking("trackbot.state.lock") {
            let dir = (lockPath as NSString).deletingLastPathComponent
            if !dir.isEmpty { try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
            let fd = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
            guard fd >= 0 else { throw StateError.unwritable(lockPath, String(cString: strerror(errno))) }
            while flock(fd, LOCK_EX) != 0 {
                if errno == EINTR { continue }
                let reason = String(cString: strerror(errno))
                close(fd)
                throw StateError.unwritable(lockPath, reason)
            }
            return StateLock(fd: fd)
        }
    }

    /// Unlocks; the file is closed when the lock is freed (which unlocks too).
    func release() {
        flock(fd, LOCK_UN)
    }

    deinit { close(fd) }
}
