import Foundation

/// Runs a blocking C call (libgit2, libcurl) or other blocking work on `BlockingPool.shared`, so
/// it never occupies Swift's cooperative pool, which has only as many threads as cores. `body`
/// must not wait for another pool job (see `BlockingPool`). `name` is kept for call sites; the
/// pool's threads are all named `trackbot.blocking`.
public func runBlocking<T: Sendable>(
    _ name: String = "trackbot.blocking",
    _ body: @escaping @Sendable () throws -> T
) async throws -> T {
    try await BlockingPool.shared.run(body)
}

/// Runs `body` on a new thread of its own, for the one kind of blocking work that may not be a
/// pool job: work that waits for a pool job, such as the reader of a pipe a download (on the
/// pool) fills. Everything else goes through `runBlocking`.
public func runOnDedicatedThread<T: Sendable>(
    _ name: String,
    _ body: @escaping @Sendable () throws -> T
) async throws -> T {
    try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
        let thread = Thread {
            do { continuation.resume(returning: try body()) } catch { continuation.resume(throwing: error) }
        }
        thread.name = name
        thread.stackSize = 4 << 20
        thread.start()
    }
}
