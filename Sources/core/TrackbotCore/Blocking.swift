import Foundation

/// Runs a blocking C call (libgit2, libcurl) on a dedicated thread so it never occupies
/// Swift's cooperative pool, which has only as many threads as cores.
public func runBlocking<T: Sendable>(
    _ name: String = "trackbot.blocking",
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
