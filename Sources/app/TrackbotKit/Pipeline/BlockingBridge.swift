import Dispatch

/// Waits for async work from synchronous code that already runs on a dedicated thread (never
/// from the cooperative pool, which it would starve). The Verifier reads its SourceTree
/// synchronously on such a thread, and the git mirror's reads are async.
func waitFor<T: Sendable>(_ operation: @escaping @Sendable () async throws -> T) throws -> T {
    let done = DispatchSemaphore(value: 0)
    let box = ResultBox<T>()
    Task {
        do { box.result = .success(try await operation()) } catch { box.result = .failure(error) }
        done.signal()
    }
    done.wait()
    return try box.result!.get()
}

private final class ResultBox<T>: @unchecked Sendable {
    var result: Result<T, any Error>?
}
