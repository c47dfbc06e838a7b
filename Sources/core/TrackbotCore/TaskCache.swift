/// One task per key: the first caller for a key starts the work, every concurrent caller for
/// that key awaits the same task and gets the same result. `keep` says what happens after it
/// finishes: `.whileInFlight` forgets it (the next caller starts afresh: deduplication of
/// concurrent requests only), `.successes` remembers values but forgets failures (the next
/// caller tries again), `.everything` remembers values and errors for the cache's lifetime (one
/// answer per key per run).
///
/// Cancellation: the work runs in its own task, so a cancelled caller does not cancel it for the
/// others. When every caller waiting on a key has been cancelled, the work is cancelled and the
/// key forgotten. A `CancellationError` is never remembered, whatever `keep` says: a cancelled
/// run of the work must not poison the key for later callers.
public actor TaskCache<Key: Hashable & Sendable, Value: Sendable> {
    public enum Keep: Sendable { case whileInFlight, successes, everything }

    private struct Entry {
        let id: UInt64
        let task: Task<Value, any Error>
        var waiters: Int
        var finished: Bool
    }

    public let keep: Keep
    private var entries: [Key: Entry] = [:]
    private var nextID: UInt64 = 0

    public init(keep: Keep) { self.keep = keep }

    /// The value for `key`: a remembered one, the one being computed, or `work`'s (started now).
    public func value(for key: Key, _ work: @escaping @Sendable () async throws -> Value) async throws -> Value {
        let id: UInt64, task: Task<Value, any Error>
        if var entry = entries[key] {
            if !entry.finished { entry.waiters += 1; entries[key] = entry }
            (id, task) = (entry.id, entry.task)
            if entry.finished { return try await task.value }
        } else {
            nextID += 1
            (id, task) = (nextID, Task { try await work() })
            entries[key] = Entry(id: id, task: task, waiters: 1, finished: false)
        }
        let result: Result<Value, any Error> = await withTaskCancellationHandler {
            do { return .success(try await task.value) } catch { return .failure(error) }
        } onCancel: {
            Task { await self.waiterCancelled(key, id: id) }
        }
        finished(key, id: id, result: result)
        return try result.get()
    }

    /// The keys remembered or in flight (for tests and diagnostics).
    public var count: Int { entries.count }

    /// Forgets every remembered result (work in flight goes on for its callers).
    public func removeAll() { entries.removeAll() }

    private func finished(_ key: Key, id: UInt64, result: Result<Value, any Error>) {
        guard var entry = entries[key], entry.id == id else { return }
        entry.waiters = max(0, entry.waiters - 1)
        let cancelled: Bool = if case .failure(let error) = result { error is CancellationError } else { false }
        let failed: Bool = if case .failure = result { true } else { false }
        let forget = cancelled || keep == .whileInFlight || (failed && keep == .successes)
        if forget {
            entries[key] = nil
        } else {
            entry.finished = true
            entries[key] = entry
        }
    }

    private func waiterCancelled(_ key: Key, id: UInt64) {
        guard var entry = entries[key], entry.id == id, !entry.finished else { return }
        entry.waiters -= 1
        if entry.waiters <= 0 {
            entry.task.cancel()
            entries[key] = nil
        } else {
            entries[key] = entry
        }
    }
}
