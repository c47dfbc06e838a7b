import Foundation
import Testing
import TrackbotCore

/// The fixed pool for blocking work: bounded threads, FIFO, results and errors handed back,
/// cancellation of jobs that have not started.
@Suite struct BlockingPoolTests {
    /// Counts jobs running at once and the most ever seen.
    final class Gauge: @unchecked Sendable {
        private let lock = NSLock()
        private var now = 0
        private(set) var most = 0
        private(set) var threads: Set<String> = []
        func enter() {
            lock.lock()
            now += 1
            most = max(most, now)
            threads.insert("\(pthread_self())")
            lock.unlock()
        }
        func leave() {
            lock.lock()
            now -= 1
            lock.unlock()
        }
    }

    @Test func aHundredJobsRunAtMostWidthAtOnceAndAllComplete() async throws {
        let pool = BlockingPool(width: 4)
        let gauge = Gauge()
        let results = try await withThrowingTaskGroup(of: Int.self) { group in
            for i in 0..<100 {
                group.addTask {
                    try await pool.run {
                        gauge.enter()
                        defer { gauge.leave() }
                        usleep(2_000)
                        return i * i
                    }
                }
            }
            var all: [Int] = []
            for try await r in group { all.append(r) }
            return all.sorted()
        }
        #expect(results == (0..<100).map { $0 * $0 })
        #expect(gauge.most <= 4)
        #expect(gauge.most >= 2, "jobs should overlap on a pool of 4 (most at once: \(gauge.most))")
        #expect(gauge.threads.count <= 4)
        #expect(pool.threadCount <= 4)
    }

    @Test func threadsStartOnlyAsNeededAndStay() async throws {
        let pool = BlockingPool(width: 8)
        #expect(pool.threadCount == 0)
        for _ in 0..<20 { _ = try await pool.run { 1 } }
        // One job at a time needs one thread, reused.
        #expect(pool.threadCount == 1)
    }

    @Test func aWidenedPoolRunsMoreAtOnceButNeverMoreThanItsWidth() async throws {
        let pool = BlockingPool(width: 1)
        pool.widen(toAtLeast: 3)
        pool.widen(toAtLeast: 2)  // never lowered
        #expect(pool.width == 3)
        let gauge = Gauge()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<30 {
                group.addTask {
                    try await pool.run {
                        gauge.enter()
                        usleep(2_000)
                        gauge.leave()
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(gauge.most <= 3 && gauge.most >= 2, "most at once: \(gauge.most)")
    }

    struct Boom: Error, Equatable { var n: Int }

    @Test func errorsPropagate() async throws {
        let pool = BlockingPool(width: 2)
        await #expect(throws: Boom(n: 7)) { try await pool.run { () throws -> Int in throw Boom(n: 7) } }
        // The pool goes on after a failed job.
        #expect(try await pool.run { "ok" } == "ok")
    }

    @Test func jobsStartInOrder() async throws {
        let pool = BlockingPool(width: 1)
        let order = OrderLog()
        let gate = DispatchSemaphore(value: 0)
        let first = Task {
            try await pool.run {
                gate.wait()
                order.append(0)
            }
        }
        while pool.busyCount == 0 { try await Task.sleep(for: .milliseconds(1)) }
        var later: [Task<Void, any Error>] = []
        for i in 1...5 {
            later.append(Task { try await pool.run { order.append(i) } })
            try await Task.sleep(for: .milliseconds(5))  // queued in this order
        }
        gate.signal()
        try await first.value
        for t in later { try await t.value }
        #expect(order.values == [0, 1, 2, 3, 4, 5])
    }

    @Test func aQueuedJobIsDroppedWhenItsTaskIsCancelled() async throws {
        let pool = BlockingPool(width: 1)
        let gate = DispatchSemaphore(value: 0)
        let ran = OrderLog()
        let blocker = Task { try await pool.run { gate.wait() } }
        while pool.busyCount == 0 { try await Task.sleep(for: .milliseconds(1)) }
        let queued = Task { try await pool.run { ran.append(1) } }
        try await Task.sleep(for: .milliseconds(20))
        queued.cancel()
        await #expect(throws: CancellationError.self) { try await queued.value }
        gate.signal()
        try await blocker.value
        #expect(try await pool.run { 2 } == 2)
        #expect(ran.values.isEmpty, "a job cancelled while queued never runs")
    }

    final class OrderLog: @unchecked Sendable {
        private let lock = NSLock()
        private var items: [Int] = []
        func append(_ i: Int) {
            lock.lock()
            items.append(i)
            lock.unlock()
        }
        var values: [Int] {
            lock.lock()
            defer { lock.unlock() }
            return items
        }
    }
}
