import Foundation

/// One task per key: the first caller for a key starts the work, every concurrent caller for
/// that key awaits the same task and gets the same result. `keep` says what happens after it
/// finishes: `.whileInFlight` forgets it (the next caller starts afresh: deduplication of
/// concurrent requests only), `.successes` remembers values but forgets failures (the next
/// caller tries again), `.everything` remembers values and errors for the cache's lifetime (one
/// answer per key per run).
///
/// Cancellation: the work runs in its own task, so a cancelled caller does not cancel it for the
/// others (it still waits for, and gets, the shared result). When every caller waiting on a key
/// has been cancelled, the work is cancelled at once, and the next caller for the key starts it
/// afresh. A `CancellationError` is never remembered, whatever `keep` says: a cancelled run of
/// the work must not poison the key for later callers.
public actor TaskCache<Key: Hashable & Sendable, Value: Sendable> {
    public enum Keep: Sendable { case whileInFlight, successes, everything }

    private struct Entry {
        let id: UInt64
        let task: Task<Value, any Error>
        let waiters: Waiters
        var finished: Bool
    }

    /// Callers waiting on one task; the last to be cancelled cancels it. A lock, not actor
    /// state, so that a cancellation handler acts at once.
    private final class Waiters: @unchecked Sendable {
        private let lock = NSLock()
        private var count = 0
        func join() { lock.withLock { count += 1 } }
        var current: Int { lock.withLock { count } }
        /// One waiter fewer; true when it was the last.
        func leave() -> Bool {
            lock.withLock {
                count -= 1
                return count <= 0
            }
        }
    }

    public let keep: Keep
    private var entries: [Key: Entry] = [:]
    private var nextID: UInt64 = 0

    public init(keep: Keep) { self.keep = keep }

    /// The value for `key`: a remembered one, the one being computed, or `work`'s (started now).
    public func value(for key: Key, _ work: @escaping @Sendable () async throws -> Value) async throws -> Value {
        let entry: Entry
        if let existing = entries[key], existing.finished {
            return try await existing.task.value
        } else if let existing = entries[key], !existing.task.isCancelled {
            entry = existing
        } else {
            nextID += 1
            entry = Entry(id: nextID, task: Task { try await work() }, waiters: Waiters(), finished: false)
            entries[key] = entry
        }
        let task = entry.task, waiters = entry.waiters
        waiters.join()
        let result: Result<Value, any Error> = await withTaskCancellationHandler {
            let result: Result<Value, any Error>
            do { result = .success(try await task.value) } catch { result = .failure(error) }
            // A cancelled waiter already left, in the handler.
            if !Task.isCancelled { _ = waiters.leave() }
            return result
        } onCancel: {
            if waiters.leave() { task.cancel() }
        }
        finished(key, id: entry.id, result: result)
        if case .failure(let error) = result, error is CancellationError, !Task.isCancelled {
            // The work was cancelled by the other waiters leaving, not by this caller: start it again.
            return try await value(for: key, work)
        }
        return try result.get()
    }

    /// Callers waiting on the work in flight for `key` (for tests).
    func waiting(for key: Key) -> Int {
        guard let entry = entries[key], !entry.finished else { return 0 }
        return entry.waiters.current
    }

    /// The keys remembered or in flight (for tests and diagnostics).
    public var count: Int { entries.count }

    /// Forgets every remembered result (work in flight goes on for its callers).
    public func removeAll() { entries.removeAll() }

    private func finished(_ key: Key, id: UInt64, result: Result<Value, any Error>) {
        guard var entry = entries[key], entry.id == id, !entry.finished else { return }
        let cancelled: Bool = if case .failure(let error) = result { error is CancellationError } else { false }
        let failed: Bool = if case .failure = result { true } else { false }
        if cancelled || keep == .whileInFlight || (failed && keep == .successes) {
            entries[key] = nil
        } else {
            entry.finished = true
            entries[key] = entry
        }
    }
}
