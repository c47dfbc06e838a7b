import Foundation

/// A fixed set of long-lived threads for blocking work: libgit2 and libcurl calls, `flock`,
/// synchronous verification of a source tree. Swift's cooperative pool has one thread per core
/// (two here) and must never block; the old way, a new OS thread per call, had no bound at all.
///
/// Jobs wait in one FIFO queue and run on at most `width` threads. Threads are started as jobs
/// arrive (never more than `width`) and then stay for the life of the pool, so a run that needs
/// one blocking call at a time has one such thread.
///
/// **The rule: a job on the pool never waits for another pool job.** Not through a semaphore,
/// not by blocking on a `Task` that calls `run`, not by reading a pipe that another job fills.
/// With every thread busy waiting, the job they wait for would sit in the queue for ever (with
/// `width` 1, at once). So a job does its blocking work synchronously from start to end: a
/// verification opens its repository and reads every blob and tree in the one job
/// (`Mirror.withCommit`); the two ends of a pipe between a download and a reader must not both
/// be pool jobs (the reader gets its own thread: `runOnDedicatedThread`). Awaiting `run` from
/// async code (any task, any actor) is always fine.
public final class BlockingPool: Sendable {
    /// Threads at most (it may be raised, never lowered: `widen(toAtLeast:)`).
    public var width: Int {
        state.condition.lock()
        defer { state.condition.unlock() }
        return state.width
    }
    private let name: String
    private let stackSize: Int
    private let state: SharedState

    /// The default width: twice the cores, at least 8 (the registry's default of 8 transfers per
    /// host are then not throttled below their own limit, and a few git reads still fit beside).
    public static var defaultWidth: Int { max(8, 2 * ProcessInfo.processInfo.activeProcessorCount) }

    /// The most threads any pool may have.
    public static let maxWidth = 256

    /// The process's pool: `TRACKBOT_BLOCKING_THREADS` threads when set (1…256; then fixed),
    /// else `defaultWidth`, raised by `widenShared(toAtLeast:)`.
    public static var shared: BlockingPool {
        sharedBox.withLock { box in
            if let pool = box.pool { return pool }
            let pinned = ProcessInfo.processInfo.environment["TRACKBOT_BLOCKING_THREADS"]
                .flatMap { Int($0) }.flatMap { (1...maxWidth).contains($0) ? $0 : nil }
            box.pinned = pinned != nil
            let pool = BlockingPool(width: pinned ?? defaultWidth, name: "trackbot.blocking")
            box.pool = pool
            return pool
        }
    }

    /// Raises the shared pool's width to `width` (e.g. the configured registry concurrency, so
    /// that transfers are not throttled below it), unless `TRACKBOT_BLOCKING_THREADS` fixed it.
    public static func widenShared(toAtLeast width: Int) {
        let pool = shared
        guard !sharedBox.withLock({ $0.pinned }) else { return }
        pool.widen(toAtLeast: width)
    }

    /// Raises `width` (up to `maxWidth`); never lowers it.
    public func widen(toAtLeast width: Int) {
        state.condition.lock()
        state.width = max(state.width, min(width, Self.maxWidth))
        state.condition.unlock()
    }

    private static let sharedBox = LockedBox()

    public init(width: Int, name: String = "trackbot.blocking", stackSize: Int = 4 << 20) {
        self.name = name
        self.stackSize = stackSize
        state = SharedState(width: min(max(1, width), Self.maxWidth))
    }

    deinit {
        // Idle threads end; queued jobs still run first.
        state.condition.lock()
        state.stopping = true
        state.condition.broadcast()
        state.condition.unlock()
    }

    /// Runs `body` on one of the pool's threads and returns its result (or rethrows its error).
    /// Cancelling the calling task while the job still waits in the queue removes it and throws
    /// `CancellationError`; once running, the body decides (as libcurl transfers do, with their
    /// own cancellation flag).
    public func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        let job = Job()
        let state = state
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
                // Runs the body and hands back the resumption, which the thread calls once it
                // counts itself idle again (so the awaiting task's next job reuses it).
                job.work = {
                    let result = Result { try body() }
                    return { continuation.resume(with: result) }
                }
                job.cancel = { continuation.resume(throwing: CancellationError()) }
                enqueue(job)
            }
        } onCancel: {
            state.cancel(job)
        }
    }

    /// Threads started so far (for tests and measurements).
    public var threadCount: Int {
        state.condition.lock()
        defer { state.condition.unlock() }
        return state.threads
    }

    /// Jobs running at this moment.
    public var busyCount: Int {
        state.condition.lock()
        defer { state.condition.unlock() }
        return state.busy
    }

    private func enqueue(_ job: Job) {
        let condition = state.condition
        condition.lock()
        guard job.phase == .new else {
            // Cancelled before it was queued.
            condition.unlock()
            job.finishCancelled()
            return
        }
        job.phase = .queued
        state.queue.append(job)
        let start = state.pending > state.threads - state.busy && state.threads < state.width
        if start { state.threads += 1 }
        condition.signal()
        condition.unlock()
        if start { startThread() }
    }

    private func startThread() {
        let state = state
        let thread = Thread { state.work() }
        thread.name = name
        thread.stackSize = stackSize
        thread.start()
    }
}

/// One call of `run`: its work, or what to do instead when it is cancelled before it starts.
/// `phase` only with the pool's condition locked; `work` and `cancel` are set before the job is
/// queued and called once, by whoever moves it out of `.queued` (or `.new`).
private final class Job: @unchecked Sendable {
    enum Phase { case new, queued, running, cancelled }
    var phase = Phase.new
    var work: () -> () -> Void = { {} }
    var cancel: () -> Void = {}

    func finishCancelled() {
        cancel()
        work = { {} }
        cancel = {}
    }
}

/// The queue and counters, under one condition; shared by the pool and its threads.
private final class SharedState: @unchecked Sendable {
    let condition = NSCondition()
    // All below: only with `condition` locked.
    var width: Int
    var queue: [Job] = []
    var head = 0
    var threads = 0
    var busy = 0
    var stopping = false

    var pending: Int { queue.count - head }

    init(width: Int) { self.width = width }

    /// Cancellation of the calling task: a job still waiting in the queue is removed and resumed
    /// with `CancellationError`; one not queued yet is marked so that `enqueue` does that; a
    /// running or finished one is left alone.
    func cancel(_ job: Job) {
        condition.lock()
        switch job.phase {
        case .new:
            job.phase = .cancelled
            condition.unlock()
        case .queued:
            job.phase = .cancelled
            if let index = queue[head...].firstIndex(where: { $0 === job }) { queue.remove(at: index) }
            condition.unlock()
            job.finishCancelled()
        case .running, .cancelled:
            condition.unlock()
        }
    }

    /// A thread's loop: take the oldest job, run it, repeat; end when the pool is gone and idle.
    func work() {
        condition.lock()
        while true {
            while head == queue.count && !stopping { condition.wait() }
            if head == queue.count { break }
            let job = queue[head]
            head += 1
            if head >= 64 && head * 2 >= queue.count {
                queue.removeFirst(head)
                head = 0
            }
            job.phase = .running
            busy += 1
            let work = job.work
            job.work = { {} }
            job.cancel = {}
            condition.unlock()
            let resume = work()
            condition.lock()
            busy -= 1
            condition.unlock()
            resume()
            condition.lock()
        }
        threads -= 1
        condition.unlock()
    }
}

private final class LockedBox: @unchecked Sendable {
    private let lock = NSLock()
    var pool: BlockingPool?
    var pinned = false
    func withLock<R>(_ body: (LockedBox) -> R) -> R {
        lock.lock()
        defer { lock.unlock() }
        return body(self)
    }
}
