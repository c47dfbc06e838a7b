import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// An exclusive `flock` on `<mirror>.lock` beside the mirror, held while the mirror is written.
/// flock locks belong to the open file, so two tasks of one process exclude each other as two
/// processes do; the kernel drops the lock when a process dies, so a killed fetch never leaves
/// the mirror locked.
final class MirrorLock {
    private let fd: Int32

    /// Blocks until the lock is ours. Call it in a blocking-pool job, never on the cooperative
    /// pool. Waiting there cannot deadlock the pool: a holder in this process is a running pool
    /// job that waits for no other job, so it finishes and unlocks.
    init(path: URL) throws(MirrorError) {
        let fd = open(path.path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw .io(path: path.path, operation: "open the lock file", message: String(cString: strerror(errno)))
        }
        while flock(fd, LOCK_EX) != 0 {
            if errno == EINTR { continue }
            let message = String(cString: strerror(errno))
            close(fd)
            throw .io(path: path.path, operation: "lock", message: message)
        }
        self.fd = fd
    }

    deinit {
        flock(fd, LOCK_UN)
        close(fd)
    }
}
