import Foundation
import TrackbotCore

/// The trackbot side of scripts/bench.d/git, one phase per call so that hyperfine can time it
/// beside the git CLI (process start-up included on both sides). The lead wires it as a hidden
/// `trackbot mirror-bench PHASE ...` subcommand.
///
///     cold  --url URL --cache DIR [--refs REF,...]   fetch into an empty cache (the script empties it)
///     warm  --url URL --cache DIR [--refs REF,...]   fetch again (nothing new)
///     read  --url URL --cache DIR --revision REV [--dir library]   read every file under DIR at REV
///     read  --url URL --cache DIR --list FILE        read every `REV:PATH` line of FILE
public enum MirrorBench {
    /// Runs one phase and returns a one-line summary (counts, so a wrong run is visible).
    public static func run(arguments: [String]) async throws -> String {
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
        switch phase {
        case "cold", "warm":
            let refs = options["refs"].map { $0.split(separator: ",").map(String.init) } ?? ["refs/heads/*", "refs/tags/*"]
            let result = try await cache.fetch(url, refs: refs, isUserOwned: true)
            return "\(phase): \(result.updates.count) ref updates, \(result.receivedObjects) objects, \(result.receivedBytes) bytes"
        case "read":
            let mirror = try cache.mirror(url, isUserOwned: true)
            var total = 0, files = 0
            if let list = options["list"] {
                let text = try String(contentsOfFile: list, encoding: .utf8)
                var byRevision: [String: [String]] = [:]
                var order: [String] = []
                for line in text.split(separator: "\n") {
                    guard let colon = line.firstIndex(of: ":") else { continue }
                    let revision = String(line[..<colon])
                    if byRevision[revision] == nil { order.append(revision) }
                    byRevision[revision, default: []].append(String(line[line.index(after: colon)...]))
                }
                for revision in order {
                    let blobs = try await mirror.blobs(byRevision[revision]!, at: revision)
                    files += blobs.count
                    total += blobs.reduce(0) { $0 + $1.count }
                }
            } else {
                guard let revision = options["revision"] else { throw BenchError.usage("read needs --revision or --list") }
                let directory = options["dir"] ?? "library"
                let paths = try await mirror.tree(directory, at: revision).filter { $0.kind == .blob }.map(\.path)
                let blobs = try await mirror.blobs(paths, at: revision)
                files = blobs.count
                total = blobs.reduce(0) { $0 + $1.count }
            }
            return "read: \(files) files, \(total) bytes"
        default:
            throw BenchError.usage("unknown phase \(phase) (cold, warm, read)")
        }
    }

    public enum BenchError: Error, CustomStringConvertible {
        case usage(String)
        public var description: String {
            switch self {
            case .usage(let text): return "mirror-bench: \(text)"
            }
        }
    }
}
