import Foundation
import GitMirror

/// Progress lines on stderr: on a terminal, or with -v.
enum Progress {
    static var stderrIsTerminal: Bool { isatty(FileHandle.standardError.fileDescriptor) != 0 }

    static func gitHandler(verbosity: Int) -> ProgressHandler? {
        guard verbosity >= 0, stderrIsTerminal || verbosity > 0 else { return nil }
        let terminal = stderrIsTerminal
        return { p in
            let line =
                "git: \(p.receivedObjects)/\(p.totalObjects) objects, \(p.receivedBytes / 1024) KiB, deltas \(p.indexedDeltas)/\(p.totalDeltas)"
            // On a terminal the line rewrites itself; in a log (-v) each update is a line.
            FileHandle.standardError.write(Data((terminal ? "\r\(line)\u{1B}[K" : line + "\n").utf8))
        }
    }

    /// The one-line status of a check (which image, of how many), rewritten in place on a
    /// terminal; nil clears it. Not written to a log: the report says the same.
    static func status(_ line: String?, verbosity: Int) {
        guard verbosity >= 0, stderrIsTerminal else { return }
        FileHandle.standardError.write(Data((line.map { "\r\($0)\u{1B}[K" } ?? "\r\u{1B}[K").utf8))
    }
}
