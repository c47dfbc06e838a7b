import Dispatch
import Foundation
import TrackbotCore

#if canImport(Glibc)
import Glibc
#endif

/// `trackbot watch --every DURATION`: the watch as a service. Runs repeat with ±10 % jitter; SIGTERM
/// and SIGINT stop the loop between runs only, so a run in progress finishes and writes its state
/// (atomically, under the lock) before the process exits.
public enum WatchLoop {
    /// Parses `90s`, `30m`, `6h`, `1h30m`, `1d`: one or more NUMBER+UNIT pieces, total above zero.
    public static func parseDuration(_ text: String) throws(UsageError) -> Duration {
        let usage = UsageError(
            "--every \"\(text)\": expected a duration such as 90s, 30m, 6h or 1h30m (units d, h, m, s)")
        var total = 0
        var digits = ""
        for ch in text {
            if ch.isASCII, ch.isNumber {
                digits.append(ch)
                continue
            }
            let unit: Int
            switch ch {
            case "d": unit = 86_400
            case "h": unit = 3_600
            case "m": unit = 60
            case "s": unit = 1
            default: throw usage
            }
            guard let n = Int(digits) else { throw usage }
            let (product, o1) = n.multipliedReportingOverflow(by: unit)
            let (sum, o2) = total.addingReportingOverflow(product)
            guard !o1, !o2 else { throw usage }
            total = sum
            digits = ""
        }
        guard digits.isEmpty, total > 0 else { throw usage }
        return .seconds(total)
    }

    /// The pause before the next run: `interval` moved by up to ±`jitter` of itself, so many
    /// watchers started together drift apart.
    public static func jittered(_ interval: Duration, jitter: Double = 0.1) -> Duration {
        let seconds = Double(interval.components.seconds) + Double(interval.components.attoseconds) / 1e18
        return .milliseconds(Int((seconds * (1 + Double.random(in: -jitter...jitter)) * 1000).rounded()))
    }

    /// Runs `once` until SIGTERM or SIGINT, printing each run's output; returns the last run's exit status.
    public static func run(every interval: Duration, once: () async throws -> CommandResult) async -> Int32 {
        let stop = StopRequest()
        let sources = [SIGTERM, SIGINT].map { signo -> any DispatchSourceSignal in
            signal(signo, SIG_IGN)  // handled by the source below, never by the default action
            let source = DispatchSource.makeSignalSource(signal: signo, queue: .global())
            source.setEventHandler { stop.request() }
            source.resume()
            return source
        }
        defer { sources.forEach { $0.cancel() } }

        var status: Int32 = 0
        while true {
            do {
                let result = try await once()
                for line in result.diagnostics { FileHandle.standardError.write(Data("trackbot: \(line)\n".utf8)) }
                FileHandle.standardOutput.write(Data(result.output.utf8))
                status = result.exitCode
            } catch {
                // A service keeps going: the next run may succeed (a network outage, a lock).
                FileHandle.standardError.write(
                    Data("trackbot: error: \(Sanitize.terminal("\(error)", multiline: true))\n".utf8))
                status = 2
            }
            if stop.isRequested { break }
            await stop.wait(upTo: jittered(interval))
            if stop.isRequested { break }
        }
        FileHandle.standardError.write(
            Data("trackbot: stopping (signal received); the last run finished and its state is written\n".utf8))
        return status
    }
}

/// Set from a signal source, read by the loop; `wait` returns early once it is set.
final class StopRequest: @unchecked Sendable {
    private let lock = NSLock()
    private var requested = false

    var isRequested: Bool { lock.withLock { requested } }

    func request() { lock.withLock { requested = true } }

    /// Sleeps until `duration` has passed or a stop is requested (polled every 100 ms).
    func wait(upTo duration: Duration) async {
        let deadline = ContinuousClock.now + duration
        while !isRequested, ContinuousClock.now < deadline {
            try? await Task.sleep(for: min(.milliseconds(100), deadline - ContinuousClock.now))
        }
    }
}
