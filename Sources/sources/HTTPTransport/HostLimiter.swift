/// Bounds how many requests run at once per host: a counting semaphore per key, FIFO waiters.
actor HostLimiter {
    private let limit: Int
    private var active: [String: Int] = [:]
    private var waiters: [String: [CheckedContinuation<Void, Never>]] = [:]

    init(limit: Int) { self.limit = max(1, limit) }

    func acquire(_ key: String) async {
        if active[key, default: 0] < limit {
            active[key, default: 0] += 1
            return
        }
        await withCheckedContinuation { waiters[key, default: []].append($0) }
    }

    func release(_ key: String) {
        if var queue = waiters[key], !queue.isEmpty {
            // Hand the slot straight to the next waiter; `active` stays the same.
            let next = queue.removeFirst()
            waiters[key] = queue.isEmpty ? nil : queue
            next.resume()
        } else {
            active[key, default: 1] -= 1
            if active[key] == 0 { active[key] = nil }
        }
    }
}
