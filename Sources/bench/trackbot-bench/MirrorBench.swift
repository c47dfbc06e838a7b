import Foundation
import GitMirror
import TrackbotCore

/// The trackbot side of scripts/bench.d/git, one phase per call so that hyperfine can time it
/// beside the git CLI (process start-up included on both sides): `trackbot-bench git PHASE ...`.
///
///     cold  --url URL --cache DIR [--refs REF,...]   fetch into an empty cache (the script empties it)
///     warm  --url URL --cache DIR [--refs REF,...]   fetch again (nothing new)
///     read  --url URL --cache DIR --revision REV [--dir library]   read every file under DIR at REV
///     read  --url URL --cache DIR --list FILE        read every `REV:PATH` line of FILE
///     --repeat N   run the phase N times in this process and add its mean time (start-up excluded)
enum MirrorBench {
    /// Runs one phase and returns a one-line summary (counts, so a wrong run is visible).
    static func run(arguments: [String]) async throws -> String {
        guard let phase = arguments.first else { throw BenchError.usage("missing phase (cold, warm, read)") }
        var options: [String: String] = [:]
        var rest = arguments.dropFirst()
        while let key = rest.first, key.hasPrefix("--") {
            rest = rest.dropFirst()
            guard let value = rest.first else { throw BenchError.usage("\(key) needs a value") }
            options[String(key.dropFirst(2))] = value
            rest = rest.dropFirst()
        }
        guard let url = options["url"], let cacheDir = options["cache"] else {
            throw BenchError.usage("--url and --cache are required")
        }
        let cache = MirrorCache(directory: URL(fileURLWithPath: cacheDir))
        let repeats = max(1, Int(options["repeat"] ?? "1") ?? 1)
        var summary = ""
        var elapsed: [Double] = []
        for _ in 0..<repeats {
            if phase == "cold" { try? FileManager.default.removeItem(atPath: cacheDir) }
            let start = ContinuousClock.now
            summary = try await runPhase(phase, url: url, cache: cache, options: options)
            let d = ContinuousClock.now - start
            elapsed.append(Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15)
        }
        guard repeats > 1 else { return summary }
        let sorted = elapsed.sorted()
        let mean = elapsed.reduce(0, +) / Double(repeats)
        return summary
            + String(
                format: "; in-process over %d runs: mean %.1f ms, median %.1f ms, min %.1f ms",
                repeats, mean, sorted[repeats / 2], sorted[0])
    }

    private static func runPhase(
        _ phase: String, url: String, cache: MirrorCache,
        options: [String: String]
    ) async throws -> String {
        switch phase {
        case "cold", "warm":
            let refs =
                options["refs"].map { $0.split(separator: ",").map(String.init) } ?? ["refs/heads/*", "refs/tags/*"]
            let result = try await cache.fetch(url, refs: refs, isUserOwned: true)
            return
                "\(phase): \(result.updates.count) ref updates, \(result.receivedObjects) objects, \(result.receivedBytes) bytes"
        case "read":
            let mirror = try cache.mirror(url, isUserOwned: true)
            let blobs: [Data]
            if let list = options["list"] {
                let requests = try String(contentsOfFile: list, encoding: .utf8).split(separator: "\n").compactMap {
                    line -> (revision: String, path: String)? in
                    guard let colon = line.firstIndex(of: ":") else { return nil }
                    return (String(line[..<colon]), String(line[line.index(after: colon)...]))
                }
                blobs = try await mirror.blobs(requests)
            } else {
                guard let revision = options["revision"] else {
                    throw BenchError.usage("read needs --revision or --list")
                }
                let directory = options["dir"] ?? "library"
                let paths = try await mirror.tree(directory, at: revision).filter { $0.kind == .blob }.map(\.path)
                blobs = try await mirror.blobs(paths, at: revision)
            }
            return "read: \(blobs.count) files, \(blobs.reduce(0) { $0 + $1.count }) bytes"
        default:
            throw BenchError.usage("unknown phase \(phase) (cold, warm, read)")
        }
    }

    enum BenchError: Error, CustomStringConvertible {
        case usage(String)
        var description: String {
            switch self {
            case .usage(let text): return "trackbot-bench git: \(text)"
            }
        }
    }
}
