import Foundation
import TrackbotCore

/// `-v`: one line on stderr per git fetch, registry request and stage, each with its duration.
enum Log {
    /// The line writer for `-v`; nil otherwise, so nothing is even formatted.
    /// - Parameter write: where lines go (stderr); tests collect them.
    static func handler(
        verbosity: Int,
        write: @escaping @Sendable (String) -> Void = { FileHandle.standardError.write(Data($0.utf8)) }
    ) -> (@Sendable (String) -> Void)? {
        guard verbosity > 0 else { return nil }
        // Lines quote URLs from library files: no control characters reach the terminal.
        return { line in write("trackbot: \(Sanitize.terminal(line))\n") }
    }

    /// The line writer for `-v` as the options say (`logSink`, else stderr).
    static func handler(_ options: GlobalOptions) -> (@Sendable (String) -> Void)? {
        guard let sink = options.logSink else { return handler(verbosity: options.verbosity) }
        return handler(verbosity: options.verbosity, write: sink)
    }

    /// Runs a stage and logs it with its duration ("alpine:3.20: source verification in 120 ms").
    static func stage<T>(
        _ log: (@Sendable (String) -> Void)?, _ what: @autoclosure () -> String,
        _ body: () async throws -> T
    ) async rethrows -> T {
        guard let log else { return try await body() }
        let started = ContinuousClock.now
        let value = try await body()
        log(what() + " in " + Elapsed.milliseconds(since: started))
        return value
    }
}
