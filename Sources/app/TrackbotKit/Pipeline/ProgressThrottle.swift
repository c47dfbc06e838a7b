import Foundation
import GitMirror

/// Which transfer updates get drawn. libgit2 reports once per object (247,123 times for a cold
/// official-images), so drawing each one floods a terminal and a CI log alike: at most one update
/// per `interval` passes, plus the one that finishes each transfer so the last line is true.
/// The clock is injected so tests count what passes without waiting.
final class ProgressThrottle: @unchecked Sendable {
    /// A terminal redraws its line a few times a second; a log gets a line every few seconds.
    static let terminalInterval = 0.25
    static let logInterval = 5.0

    let interval: Double
    private let now: @Sendable () -> Double
    private let lock = NSLock()
    private var lastDrawn: Double?
    /// The last finished transfer drawn: each fetch's end is drawn once, however often it is reported.
    private var finishedDrawn: TransferProgress?

    /// - Parameter now: monotonic seconds; the default is the system's uptime.
    init(interval: Double, now: @escaping @Sendable () -> Double = { ProcessInfo.processInfo.systemUptime }) {
        self.interval = interval
        self.now = now
    }

    /// Whether `progress` is drawn; called from the fetching thread.
    func admit(_ progress: TransferProgress) -> Bool {
        let finished =
            progress.totalObjects > 0 && progress.indexedObjects == progress.totalObjects
            && progress.indexedDeltas == progress.totalDeltas
        let t = now()
        return lock.withLock {
            if finished {
                guard finishedDrawn != progress else { return false }
                finishedDrawn = progress
                lastDrawn = t
                return true
            }
            if let lastDrawn, t - lastDrawn < interval { return false }
            lastDrawn = t
            return true
        }
    }
}
