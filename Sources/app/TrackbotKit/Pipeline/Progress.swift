import Foundation
import GitMirror

/// Progress lines on stderr: on a terminal, or with -v; none with -q.
enum Progress {
    static var stderrIsTerminal: Bool { isatty(FileHandle.standardError.fileDescriptor) != 0 }

    /// Transfer progress of git fetches: on a terminal (not with -q) a line rewritten a few times
    /// a second; with -v in a log a line every few seconds; never one per object.
    /// - Parameter write: where lines go (stderr); tests collect them.
    static func gitHandler(
        verbosity: Int, terminal: Bool = stderrIsTerminal,
        throttle: ProgressThrottle? = nil,
        write: @escaping @Sendable (String) -> Void = { FileHandle.standardError.write(Data($0.utf8)) }
    ) -> ProgressHandler? {
        guard verbosity >= 0, terminal || verbosity > 0 else { return nil }
        let throttle =
            throttle
            ?? ProgressThrottle(interval: terminal ? ProgressThrottle.terminalInterval : ProgressThrottle.logInterval)
        return { p in
            guard throttle.admit(p) else { return }
            let line =
                "git: \(p.receivedObjects)/\(p.totalObjects) objects, \(p.receivedBytes / 1024) KiB, deltas \(p.indexedDeltas)/\(p.totalDeltas)"
            // On a terminal the line rewrites itself; in a log each update is a line.
            write(terminal ? "\r\(line)\u{1B}[K" : line + "\n")
        }
    }

    /// The one-line status of a check (which image, of how many), rewritten in place on a
    /// terminal; nil clears it. Not written to a log: the report says the same.
    static func status(_ line: String?, verbosity: Int) {
        guard verbosity >= 0, stderrIsTerminal else { return }
        FileHandle.standardError.write(Data((line.map { "\r\($0)\u{1B}[K" } ?? "\r\u{1B}[K").utf8))
    }
}
