import ArgumentParser
import Foundation
import GitMirror
import OfficialImages

/// Hidden: the trackbot side of scripts/bench.d/library. Reads every version of the library files
/// in a bare official-images repository's history through libgit2 and parses each with bashbrew's
/// rules, timing listing, reading and parsing apart.
struct LibraryBenchSubcommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "library", abstract: "Benchmark: read and parse every version of library files in history.",
        shouldDisplay: true)

    @Option(help: "A bare official-images repository (e.g. git clone --mirror of the corpus bundle).")
    var mirror: String
    @Option(name: .customLong("repeat"), help: "Rounds in this process; the report gives the median of each phase.")
    var rounds = 1
    @Option(help: "Library files to read, comma-separated.")
    var images = "alpine,busybox,debian,node,ubuntu"
    @Option(help: "The history to walk.")
    var revision = "HEAD"
    @Option(help: "Write the COMMIT:library/NAME list read to this file (to hand the same list to git cat-file).")
    var writeList: String?

    struct Round {
        var list: Duration
        var read: Duration
        var parse: Duration
        var files: Int
        var bytes: Int
        var failures: [String]
        var total: Duration { list + read + parse }
    }

    func run() async throws {
        let repository = Mirror(directory: URL(fileURLWithPath: mirror), url: mirror)
        let names = images.split(separator: ",").map { String($0) }
        var results: [Round] = []
        var requests: [(revision: String, path: String)] = []
        for _ in 0..<max(1, rounds) {
            let clock = ContinuousClock()
            let t0 = clock.now
            requests = []
            for name in names {
                let path = "library/\(name)"
                for commit in try await repository.commits(touching: path, from: nil, to: revision) {
                    requests.append((commit.id.hex, path))
                }
            }
            let t1 = clock.now
            let blobs = try await repository.blobs(requests).map { [UInt8]($0) }
            let t2 = clock.now
            var failures: [String] = []
            for (request, bytes) in zip(requests, blobs) {
                let name = String(request.path.dropFirst("library/".count))
                do {
                    _ = try LibraryFileReader.read(
                        bytes: bytes, name: name, path: "\(request.path)@\(request.revision.prefix(7))")
                } catch {
                    failures.append(error.description)
                }
            }
            let t3 = clock.now
            results.append(
                Round(
                    list: t1 - t0, read: t2 - t1, parse: t3 - t2, files: blobs.count,
                    bytes: blobs.reduce(0) { $0 + $1.count }, failures: failures))
        }
        if let writeList {
            try Data(requests.map { "\($0.revision):\($0.path)\n" }.joined().utf8).write(
                to: URL(fileURLWithPath: writeList))
        }
        print(Self.report(results), terminator: "")
    }

    static func report(_ rounds: [Round]) -> String {
        func ms(_ d: Duration) -> Double {
            Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15
        }
        func median(_ key: (Round) -> Duration) -> Double {
            let values = rounds.map { ms(key($0)) }.sorted()
            return values[values.count / 2]
        }
        let last = rounds[rounds.count - 1]
        let list = median(\.list), read = median(\.read), parse = median(\.parse), total = median(\.total)
        let mb = Double(last.bytes) / 1_000_000
        var out =
            String(format: "trackbot-bench library: %d files, %.2f MB, ", last.files, mb)
            + (rounds.count > 1 ? "median of \(rounds.count) rounds\n" : "one round\n")
        out += String(format: "  list commits   %8.1f ms\n", list)
        out += String(format: "  read blobs     %8.1f ms\n", read)
        out += String(format: "  reading total  %8.1f ms  (list + read)\n", list + read)
        out += String(
            format: "  parse          %8.1f ms  (%.0f files/s, %.1f MB/s)\n", parse,
            Double(last.files) / (parse / 1000), mb / (parse / 1000))
        out += String(
            format: "  total          %8.1f ms  (%.0f files/s, %.1f MB/s)\n", total,
            Double(last.files) / (total / 1000), mb / (total / 1000))
        out += "  failed to parse: \(last.failures.count)\n"
        for failure in last.failures { out += "    \(failure)\n" }
        return out
    }
}
