import CGit2
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The stall timeout of one remote session, and what its sockets saw (shared with the C socket
/// stream in shim.h). libgit2 creates streams inside its own calls, with no payload, so the
/// watch travels in a thread-local slot set around each call; each stream keeps the pointer it
/// found, and the watch outlives the remote (and so every stream) that uses it.
final class TransferWatch {
    let pointer: UnsafeMutablePointer<trackbot_transfer_watch>
    let timeoutSeconds: Int

    init(timeout: Duration) {
        // Whole seconds: the configuration says seconds, and poll() wants milliseconds.
        timeoutSeconds = max(1, Int(timeout.components.seconds))
        pointer = .allocate(capacity: 1)
        pointer.initialize(to: trackbot_transfer_watch())
        pointer.pointee.timeout_ms = Int32(clamping: timeoutSeconds * 1000)
    }

    deinit {
        pointer.deinitialize(count: 1)
        pointer.deallocate()
    }

    /// Runs one libgit2 call with this watch as the thread's current one.
    func during<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        let previous = pthread_getspecific(watchKey)
        pthread_setspecific(watchKey, pointer)
        defer { pthread_setspecific(watchKey, previous) }
        return try body()
    }

    /// A wait for the server ran out.
    var stalled: Bool { pointer.pointee.stalled != 0 }
    /// The host that stalled or did not resolve.
    var host: String {
        withUnsafeBytes(of: pointer.pointee.host) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    }
    /// The host name that did not resolve, if one did not.
    var unresolvedHost: String? { pointer.pointee.unresolved != 0 ? host : nil }

    /// Streams created outside any watch (none are expected) still time out, at the default.
    static let defaultTimeoutMilliseconds: Int32 = 120_000
}

/// The thread-local slot for the current `TransferWatch` (libgit2 runs on the calling thread).
private let watchKey: pthread_key_t = {
    var key = pthread_key_t()
    let code = pthread_key_create(&key, nil)
    precondition(code == 0, "pthread_key_create failed (\(code)): no thread-local slot for the git stall timeout")
    return key
}()

/// libgit2's `GIT_STREAM_STANDARD` constructor (registered once, in Libgit2.swift).
let socketStreamInit:
    @convention(c) (
        UnsafeMutablePointer<UnsafeMutablePointer<git_stream>?>?,
        UnsafePointer<CChar>?, UnsafePointer<CChar>?
    ) -> Int32 = { out, host, port in
        let watch = pthread_getspecific(watchKey)?.assumingMemoryBound(to: trackbot_transfer_watch.self)
        return trackbot_socket_stream_new(out, host, port, watch, TransferWatch.defaultTimeoutMilliseconds)
    }
